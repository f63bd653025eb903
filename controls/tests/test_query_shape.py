"""The reads of account control join few tables: PostgreSQL's planning time grows steeply
with each joined table (12 joins planned in 14-38 ms on this list, for a query that runs in
1 ms), so every read stays within selectors.MAX_JOINS and prefetches the rest."""

import re

import pytest

from controls import selectors
from controls.choices import ControlKind
from controls.models import ControlRequest
from controls.services import control_requests_create

pytestmark = pytest.mark.django_db


def _joins(queryset) -> int:
    return len(re.findall(r"\bJOIN\b", str(queryset.query)))


@pytest.mark.parametrize("username", ["monitor_bj", "ho_monitor", "teller_bj_hd"])
def test_every_read_stays_within_the_join_limit(actor, username):
    who = actor(username)
    reads = {
        "list": selectors.control_request_list(actor=who),
        "one": selectors.control_request_list(actor=who).filter(number="AC-1"),
        "approval queue": selectors.approval_queue(actor=who),
        "assistance queue": selectors.assistance_queue(actor=who),
        "instructions": selectors.freeze_instruction_list(actor=who, status="pending"),
        "related": selectors.with_related(ControlRequest.objects.all()),
    }
    for name, queryset in reads.items():
        if queryset.query.is_empty():
            continue
        assert _joins(queryset) <= selectors.MAX_JOINS, (name, str(queryset.query))


def test_related_rows_arrive_in_a_constant_number_of_queries(
    actor, incident, django_assert_num_queries
):
    control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[
            {"number": f"62170000100000{i:05d}", "opening_unit": "BR-BJ-CY"} for i in range(6)
        ],
    )
    who = actor("monitor_bj")
    # The list, then the prefetched requesting units, requesters and instructions (the
    # other relations are empty for requests awaiting a decision: no query is sent for them).
    with django_assert_num_queries(4):
        controls = list(selectors.control_request_list(actor=who))
        assert len(controls) == 6
        assert {c.requested_by.username for c in controls} == {"teller_bj_hd"}
        assert {c.requesting_unit.code for c in controls} == {"BR-BJ-HD"}
        assert all(c.first_approved_by is None and c.releases is None for c in controls)
