"""Two people acting on the same incident at once: one success, one clear conflict, never a
lost update. Needs PostgreSQL's row locks (SQLite serialises writers instead)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.errors import Conflict
from incidents import services
from incidents.choices import IncidentState, TaskStatus
from incidents.demo import report_level, sample_evidence, work_level
from incidents.models import Incident

from .incident_data import filing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
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
        thread.join(timeout=30)
    return results


def _file(actor) -> Incident:
    return services.incident_file(actor=actor("teller_bj_hd"), data=filing())


def test_two_people_completing_the_same_step_get_one_success_and_one_conflict(bank, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    evidence = sample_evidence(task)
    teller, manager = actor("teller_bj_hd"), actor("manager_bj_hd")
    results = _race(
        lambda: services.task_complete(actor=teller, task_id=task.pk, evidence=evidence),
        lambda: services.task_complete(actor=manager, task_id=task.pk, evidence=evidence),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, Conflict)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert incident.tasks.filter(status=TaskStatus.DONE).count() == 1


def test_close_and_return_at_once_one_wins_and_the_other_gets_409(bank, actor, api):
    incident = _file(actor)
    for level in (Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE):
        work_level(incident, level)
    incident.refresh_from_db()
    assert incident.state == IncidentState.HEAD_OFFICE_HANDLING
    one, two = api("ho_monitor"), api("ho_monitor2")
    url = f"/api/v1/incidents/{incident.number}/transitions/"
    results = _race(
        lambda: one.post(url, {"transition": "close"}, format="json"),
        lambda: two.post(url, {"transition": "return", "reason": "补充"}, format="json"),
    )
    statuses = sorted(response.status_code for _, response in results)
    assert statuses == [200, 409]
    loser = next(r for _, r in results if r.status_code == 409)
    assert loser.json()["error"]["code"] in ("invalid_transition", "conflict")
    incident.refresh_from_db()
    assert incident.state in (IncidentState.CLOSED, IncidentState.RETURNED_TO_SUB_BRANCH)


def test_report_up_twice_at_once_enters_the_sub_branch_once(bank, actor):
    incident = _file(actor)
    report = incident.tasks.get(level=Level.BRANCH, step__reports_up=True)
    evidence = sample_evidence(report)
    results = _race(
        lambda: services.task_complete(
            actor=Actor.for_user(actor("manager_bj_hd").user), task_id=report.pk, evidence=evidence
        ),
        lambda: services.task_complete(
            actor=Actor.for_user(actor("manager_bj_hd").user), task_id=report.pk, evidence=evidence
        ),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    steps = incident.playbook.steps.filter(level=Level.SUB_BRANCH).count()
    assert incident.tasks.filter(level=Level.SUB_BRANCH).count() == steps


def test_expected_state_mismatch_is_a_conflict(bank, actor):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    with pytest.raises(Conflict):
        services.incident_transition(
            actor=actor("manager_bj_hd"),
            incident_id=incident.pk,
            transition="withdraw",
            reason="x",
            expected_state=IncidentState.BRANCH_HANDLING,
        )


def test_two_people_editing_the_facts_at_once_get_one_success_and_one_conflict(bank, actor):
    """Both read revision 0; the second to get the row lock finds revision 1 and is refused,
    and nothing of its edit is saved."""
    from fraudops.core.models import AuditEvent
    from incidents.models import Account

    incident = _file(actor)
    teller, monitor = actor("teller_bj_hd"), actor("monitor_bj")
    results = _race(
        lambda: services.account_add(
            actor=teller,
            incident_id=incident.pk,
            expected_revision=0,
            data={"role": "payee", "number": "6217000010009876543"},
        ),
        lambda: services.incident_facts_update(
            actor=monitor,
            incident_id=incident.pk,
            expected_revision=0,
            data={"serious": True, "summary_amendment": "分行补充"},
        ),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, Conflict)
    incident.refresh_from_db()
    assert incident.revision == 1
    added = Account.objects.filter(number="6217000010009876543").exists()
    assert added != incident.serious  # exactly one of the two edits happened
    assert incident.amendments.exists() == incident.serious
    assert AuditEvent.objects.filter(thread=incident.thread, outcome="refused").count() == 1
