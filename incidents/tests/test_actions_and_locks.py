"""The incident's transitions are one action each (the page offers those whose check
passes), the event names are constants (a typo fails at once), and the incident lock's
scope rules say who may reach an incident."""

from __future__ import annotations

import pytest
from django.utils import translation

from fraudops.core.choices import Level
from fraudops.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionRefused
from incidents import events, services
from incidents.actions import TRANSITIONS, offered
from incidents.demo import report_level
from incidents.events import IncidentEvent, UnknownEvent
from incidents.models import Incident
from incidents.services.locks import incident_lock, scope_subtree_or_units
from tests.incident_data import filing


def _incident(actor) -> Incident:
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing())
    return Incident.objects.select_related("unit__parent__parent").get(pk=incident.pk)


def test_subscribe_refuses_an_unknown_event_name_and_accepts_the_constants_and_their_names():
    def receiver(**kwargs):
        pass

    with pytest.raises(UnknownEvent, match="incident_fild"):
        events.subscribe("incident_fild", receiver)
    try:
        events.subscribe(IncidentEvent.FILED, receiver)
        events.subscribe("incident_filed", receiver)  # the same event by its name: once
        assert events._receivers[IncidentEvent.FILED].count(receiver) == 1
    finally:
        events._receivers[IncidentEvent.FILED].remove(receiver)


def test_the_page_offers_the_transitions_whose_check_passes(actor):
    incident = _incident(actor)
    assert offered(actor("manager_bj_hd"), incident=incident) == ["withdraw"]
    assert offered(actor("teller_bj_hd"), incident=incident) == []
    assert offered(actor("monitor_bj"), incident=incident) == []
    report_level(incident, Level.BRANCH)
    incident = Incident.objects.select_related("unit__parent__parent").get(pk=incident.pk)
    assert offered(actor("monitor_bj"), incident=incident) == ["return", "withdraw"]
    assert offered(actor("security_bj"), incident=incident) == ["return"]
    assert offered(actor("manager_bj_hd"), incident=incident) == []
    assert offered(actor("monitor_sh"), incident=incident) == []
    # What is not offered, the same check refuses: the wrong state, the wrong role.
    with pytest.raises(InvalidTransition):
        TRANSITIONS["close"].check_may(actor("ho_monitor"), incident=incident)
    with pytest.raises(PermissionRefused):
        TRANSITIONS["withdraw"].check_may(actor("security_bj"), incident=incident)


def test_an_unknown_transition_names_the_actions_in_order(actor):
    incident = _incident(actor)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.incident_transition(
            actor=actor("manager_bj_hd"), incident_id=incident.pk, transition="submit"
        )
    assert refused.value.fields == {
        "transition": ["Use one of: return, resubmit, close, withdraw."]
    }


def test_incident_lock_scope_rules(actor, bank):
    incident = _incident(actor)
    assert incident_lock(actor=actor("monitor_bj"), pk=incident.pk, action="x").pk == incident.pk
    with pytest.raises(NotFound):
        incident_lock(actor=actor("monitor_sh"), pk=incident.pk, action="x")
    # An app above incidents lets in the units it names (account control: assisting regions).
    assisting = scope_subtree_or_units(lambda incident: {bank["SB-SH"].pk})
    locked = incident_lock(actor=actor("monitor_sh"), pk=incident.pk, action="x", scope=assisting)
    assert locked.pk == incident.pk
    with pytest.raises(NotFound):
        incident_lock(actor=actor("monitor_gz"), pk=incident.pk, action="x", scope=assisting)
    with pytest.raises(NotFound):
        incident_lock(actor=actor("monitor_bj"), pk=incident.pk + 1000, action="x")
