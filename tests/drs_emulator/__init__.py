"""Offline Huawei Cloud DRS (API v5 batch async jobs) and IAM emulator: see README.md beside this file."""
