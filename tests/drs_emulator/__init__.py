"""Offline Huawei Cloud DRS (API v5 batch async jobs) and IAM emulator for tests, demo and benchmarks.

Run ``PYTHONPATH=tests python -m drs_emulator --help``; see README.md beside this file.
"""
