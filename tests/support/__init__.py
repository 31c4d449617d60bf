"""What the unit tests, the integration tests, the benchmarks and the demo share.

Import it with ``<repository>/tests`` on ``sys.path`` (the test conftests and the benchmark put it there):
``from support.ansible_env import isolated_environment``. Nothing is re-exported here, so each module
imports only what it uses.
"""
