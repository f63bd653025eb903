"""Many people acting on one request at the same moment, each in its own thread and
database connection: exactly one wins, everyone else gets a clear conflict. Needs
PostgreSQL's row locks (SQLite serialises writers instead)."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection

from controls import services
from controls.choices import ControlKind, ControlState
from controls.models import ControlRequest, FreezeInstruction
from fraudops.core.actors import Actor
from fraudops.core.choices import Role
from fraudops.core.errors import Conflict
from fraudops.core.models import IdempotencyRecord, OutboxMessage, User
from fraudops.core.services import user_set_roles

from .conftest import PAYEE_BJ, file_incident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls, *, timeout=60):
    """Run the calls at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each got
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def _monitors(bank, count: int) -> list[Actor]:
    """`count` operations monitors of the Beijing sub-branch, all entitled to approve."""
    actors = []
    for index in range(count):
        user, _ = User.objects.get_or_create(
            username=f"bench_monitor_bj_{index:02d}", defaults={"unit": bank["SB-BJ"]}
        )
        user_set_roles(user=user, roles=[Role.SUB_BRANCH_MONITOR])
        actors.append(Actor.for_user(User.objects.select_related("unit").get(pk=user.pk)))
    return actors


def _request(actor, incident) -> ControlRequest:
    [control] = services.control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
    )
    return control


def test_fifty_concurrent_approvals_give_one_success_and_forty_nine_conflicts(bank, actor, person):
    control = _request(actor, file_incident(person))
    approvers = _monitors(bank, 50)

    results = _race(
        [
            (lambda a=a: services.control_request_approve(actor=a, control_id=control.pk))
            for a in approvers
        ]
    )

    successes = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    assert len(successes) == 1
    assert len(errors) == 49
    assert all(isinstance(error, Conflict) and error.status_code == 409 for error in errors)
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED
    assert control.first_approved_by_id == successes[0].first_approved_by_id
    assert FreezeInstruction.objects.filter(control=control).count() == 1
    assert OutboxMessage.objects.filter(dedupe_key__startswith="webhook:").count() == 0
    assert (
        OutboxMessage.objects.filter(dedupe_key=f"notify:controls:{control.pk}:approved").count()
        == 1
    )


def test_two_approvers_and_a_withdrawal_at_once_leave_one_consistent_outcome(
    bank, actor, person, settings
):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 1
    control = _request(actor, file_incident(person))
    one, two = actor("monitor_bj"), actor("monitor2_bj")
    teller = actor("teller_bj_hd")
    results = _race(
        [
            lambda: services.control_request_approve(actor=one, control_id=control.pk),
            lambda: services.control_request_approve(actor=two, control_id=control.pk),
            lambda: services.control_request_withdraw(
                actor=teller, control_id=control.pk, reason="录错"
            ),
        ]
    )
    control.refresh_from_db()
    oks = [kind for kind, _ in results].count("ok")
    if control.state == ControlState.WITHDRAWN:
        assert control.second_approved_by is None
    else:
        # Two approvals need two different people, in order: first, then second.
        assert control.state in (ControlState.FIRST_APPROVED, ControlState.APPROVED)
        if control.state == ControlState.APPROVED:
            assert control.first_approved_by_id != control.second_approved_by_id
            assert oks == 2
    assert FreezeInstruction.objects.filter(control=control).count() == (
        1 if control.state == ControlState.APPROVED else 0
    )


def test_concurrent_duplicate_requests_for_one_account_create_one(bank, actor, person):
    incident = file_incident(person)
    account = incident.accounts.get(number=PAYEE_BJ).pk
    requesters = [actor("teller_bj_hd"), actor("manager_bj_hd"), actor("monitor_bj")]
    results = _race(
        [
            (
                lambda a=a: services.control_requests_create(
                    actor=a,
                    incident_id=incident.pk,
                    kind=ControlKind.STOP_PAYMENT,
                    targets=[{"account": account}],
                )
            )
            for a in requesters
        ]
    )
    assert [kind for kind, _ in results].count("ok") == 1
    assert all(isinstance(v, Conflict) for kind, v in results if kind == "error")
    assert ControlRequest.objects.filter(incident=incident).count() == 1


def test_the_same_idempotency_key_sent_twice_at_once_runs_once_and_answers_409(
    bank, actor, person, api
):
    """The first request is held inside the service until the duplicate has been answered,
    so the two truly overlap."""
    control = _request(actor, file_incident(person))
    url = f"/api/v1/control-requests/{control.number}/approve/"
    inside, duplicate_answered = threading.Event(), threading.Event()
    real_approve = services.control_request_approve

    def slow_approve(**kwargs):
        inside.set()
        duplicate_answered.wait(timeout=20)
        return real_approve(**kwargs)

    first_client, second_client = api("monitor_bj"), api("monitor_bj")
    results: dict = {}

    def first():
        try:
            results["first"] = first_client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        finally:
            connection.close()

    def second():
        try:
            inside.wait(timeout=20)
            results["second"] = second_client.post(
                url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
            )
        finally:
            duplicate_answered.set()
            connection.close()

    with mock.patch.object(services, "control_request_approve", side_effect=slow_approve):
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert results["first"].status_code == 200
    assert results["second"].status_code == 409
    assert results["second"].json()["error"]["code"] == "idempotency_in_progress"
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED
    assert FreezeInstruction.objects.filter(control=control).count() == 1
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.status == IdempotencyRecord.Status.COMPLETED
    # Now that it finished, the same key replays the first answer.
    replay = api("monitor_bj").post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"


def test_core_banking_confirming_twice_at_once_confirms_once(bank, actor, person, core_banking):
    control = _request(actor, file_incident(person))
    services.control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    instruction = FreezeInstruction.objects.get(control=control)
    client = Actor.for_client(core_banking.client_record)
    results = _race(
        [
            (
                lambda: services.instruction_confirm(
                    actor=client,
                    instruction_id=instruction.pk,
                    result="executed",
                    reference="CB-9",
                )
            )
            for _ in range(5)
        ]
    )
    changed = [value[1] for kind, value in results if kind == "ok"]
    assert len(changed) == 5 and changed.count(True) == 1
    control.refresh_from_db()
    assert control.state == ControlState.EXECUTED
