"""Fixtures for the emulator's tests: one running emulator, reset before each test that asks for it."""

import pytest

from emulator_client import Client
from drs_emulator.testing import EmulatorProcess


@pytest.fixture(scope="package")
def emulator():
    with EmulatorProcess(seed=200) as process:
        yield process


@pytest.fixture
def fresh(emulator):  # pylint: disable=redefined-outer-name
    """The shared emulator, reset to its start-up state."""
    emulator.reset()
    return emulator


@pytest.fixture
def client(fresh):  # pylint: disable=redefined-outer-name
    return Client(fresh.state)
