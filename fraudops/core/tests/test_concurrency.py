"""save_or_conflict and check_expected_state: the loser of a race gets a Conflict that says
what changed, on the object's thread, and nothing is saved."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import translation
from django_fsm import ConcurrentTransition

from fraudops.core.concurrency import check_expected_state, save_or_conflict
from fraudops.core.errors import Conflict
from incidents.choices import IncidentState


class _Incident:
    """Just what the helpers read: a state with its label, a thread, save()."""

    thread = "incident:7"

    def __init__(self, state: str, *, concurrent: bool = False) -> None:
        self.state = state
        self.concurrent = concurrent
        self.saved_with: dict | None = None

    def get_state_display(self) -> str:
        return str(IncidentState(self.state).label)

    def save(self, **kwargs) -> None:
        if self.concurrent:
            raise ConcurrentTransition("moved meanwhile")
        self.saved_with = kwargs


def test_save_or_conflict_saves():
    obj = _Incident(IncidentState.FILED)
    save_or_conflict(obj, update_fields=["state"])
    assert obj.saved_with == {"update_fields": ["state"]}


def test_concurrent_transition_becomes_a_conflict_on_the_objects_thread():
    with pytest.raises(Conflict) as refused:
        save_or_conflict(_Incident(IncidentState.FILED, concurrent=True), action="incident.close")
    assert refused.value.status_code == 409
    assert refused.value.thread == "incident:7"
    assert refused.value.action == "incident.close"
    with translation.override("en"):
        assert str(refused.value.message).startswith("Someone else changed this at the same time.")


def test_conflict_thread_and_message_can_be_given():
    with pytest.raises(Conflict) as refused:
        save_or_conflict(
            _Incident("x", concurrent=True), thread="incident:9", message="Decided meanwhile."
        )
    assert (refused.value.thread, refused.value.message) == ("incident:9", "Decided meanwhile.")


def test_expected_state_matches_or_is_not_given():
    obj = _Incident(IncidentState.BRANCH_HANDLING)
    check_expected_state(obj=obj, expected=IncidentState.BRANCH_HANDLING)
    check_expected_state(obj=obj, expected=None)
    check_expected_state(obj=obj, expected="")


def test_expected_state_left_says_where_it_is_now_in_both_languages():
    obj = _Incident(IncidentState.CLOSED)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        check_expected_state(obj=obj, expected=IncidentState.FILED, action="incident.return")
    assert refused.value.message == (
        "Someone else changed this at the same time: it is now “Closed”. Reload it and try again."
    )
    assert (refused.value.thread, refused.value.action) == ("incident:7", "incident.return")
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        closed = str(IncidentState.CLOSED.label)
        check_expected_state(obj=obj, expected=IncidentState.FILED)
    assert closed != "Closed" and f"“{closed}”" in refused.value.message


def test_expected_state_message_and_field_can_be_the_callers():
    obj = mock.Mock(status="sent", thread="")
    obj.get_status_display.return_value = "Sent"
    with pytest.raises(Conflict) as refused:
        check_expected_state(
            obj=obj,
            expected="approved",
            field="status",
            message="Decided at the same time: now “%(state)s”.",
            thread="incident:3",
        )
    assert refused.value.message == "Decided at the same time: now “Sent”."
    assert refused.value.thread == "incident:3"
