from __future__ import annotations

import pytest

from incidents.models import Incident
from incidents.services import incident_file
from tests.incident_data import filing


@pytest.fixture
def file_incident(actor):
    """File an incident through the real service, as a teller of BR-BJ-HD."""

    def make(incident_type: str = "telecom_fraud", username: str = "teller_bj_hd", **extra):
        incident = incident_file(actor=actor(username), data=filing(incident_type, **extra))
        return Incident.objects.select_related("unit").get(pk=incident.pk)

    return make
