from __future__ import annotations

import pytest

from fraudops.core.outbox import outbox_relay_batch
from incidents.tests.factories import IncidentFactory


@pytest.fixture
def incident(bank):
    """A telecom-fraud incident filed by the Haidian branch's teller (Beijing region)."""
    return IncidentFactory()


@pytest.fixture
def relay():
    def run() -> None:
        while outbox_relay_batch():
            pass

    return run
