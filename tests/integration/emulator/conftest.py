"""Fixtures of the emulator's own tests: they talk HTTPS to it directly, with a client of their own."""

import pytest

from emulator_client import Client


@pytest.fixture(scope="module")
def seeded(start_module_emulator):
    """One emulator with 200 generated jobs, for the tests that only read."""
    return start_module_emulator(seed=200)


@pytest.fixture
def client(seeded):  # pylint: disable=redefined-outer-name
    return Client(seeded.state)
