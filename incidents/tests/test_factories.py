"""IncidentFactory files through the real service: number, tasks and audit row included."""

from __future__ import annotations

from fraudops.core.models import AuditEvent
from incidents.choices import IncidentState

from .factories import AccountData, FilingFactory, IncidentFactory, VehicleData


def test_an_incident_is_filed_with_its_parties_accounts_vehicles_and_tasks(bank):
    incident = IncidentFactory()
    assert incident.number.startswith("FI-")
    assert incident.state == IncidentState.BRANCH_HANDLING
    assert incident.unit == bank["BR-BJ-HD"]
    assert incident.parties.count() == 2
    assert incident.accounts.count() == 2
    assert incident.vehicles.count() == 1
    assert incident.tasks.exists()
    assert AuditEvent.objects.filter(action="incident.filed", target=incident.number).exists()


def test_keywords_override_the_filing_and_the_filer(bank, person):
    incident = IncidentFactory(
        filer=person("teller_sh_pd"),
        amount_lost="10.00",
        accounts=[AccountData(number="6217000020000000009")],
        vehicles=[VehicleData(), VehicleData()],
    )
    assert incident.unit == bank["BR-SH-PD"]
    assert str(incident.amount_lost) == "10.00"
    assert list(incident.accounts.values_list("number", flat=True)) == ["6217000020000000009"]
    assert incident.vehicles.count() == 2
    assert len({i.number for i in IncidentFactory.create_batch(3)}) == 3
    assert FilingFactory(incident_type="phishing_site")["incident_type"] == "phishing_site"
