"""Two people writing the same incident's amounts at once: the incident's row lock orders
them, the totals are recomputed under it, and nothing is lost or counted twice. Needs
PostgreSQL's row locks (SQLite serialises writers instead)."""

from __future__ import annotations

import pytest

from fraudops.core.errors import InvalidInput
from incidents import services
from incidents.choices import Outcome
from incidents.models import Incident

from .incident_data import filing
from .test_incident_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _recovery(actor, incident, username, amount, reference=""):
    return lambda: services.ledger_entry_record(
        actor=actor(username),
        incident_id=incident.pk,
        data={
            "kind": "recovery",
            "source": "returned_by_police",
            "amount": amount,
            "reference": reference,
        },
    )


def test_two_recoveries_at_once_both_count(bank, actor):
    incident = services.incident_file(
        actor=actor("teller_bj_hd"), data=filing(amount_lost="200000")
    )
    results = _race(
        _recovery(actor, incident, "teller_bj_hd", "50000"),
        _recovery(actor, incident, "monitor_bj", "70000"),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"]
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.amount_recovered == 120000
    assert incident.outcome == Outcome.PARTLY_RECOVERED


def test_two_recoveries_that_together_exceed_the_loss_one_is_refused(bank, actor):
    incident = services.incident_file(
        actor=actor("teller_bj_hd"), data=filing(amount_lost="200000")
    )
    results = _race(
        _recovery(actor, incident, "teller_bj_hd", "150000"),
        _recovery(actor, incident, "monitor_bj", "150000"),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, InvalidInput) and "amount" in error.fields
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.amount_recovered == 150000 and incident.ledger_entries.count() == 1


def test_the_same_reference_twice_at_once_writes_one_entry(bank, actor):
    incident = services.incident_file(
        actor=actor("teller_bj_hd"), data=filing(amount_lost="200000")
    )
    results = _race(
        _recovery(actor, incident, "teller_bj_hd", "50000", "PB-1"),
        _recovery(actor, incident, "monitor_bj", "50000", "PB-1"),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"]
    created = sorted(value[1] for _, value in results)
    assert created == [False, True]
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.amount_recovered == 50000 and incident.ledger_entries.count() == 1
