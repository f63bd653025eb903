"""T5/T6 (issue 10, item 5): the sub-branch's "guide the branch to report to the police (on
the security department's advice)" is the sub-branch's own act, taken on its own security
officer's opinion (seed 002: 部门联动 ... 情节严重的,报送分行保卫部,
根据保卫部意见指导支行报当地机关).
It no longer waits for head office, and head office's queue no longer offers to instruct it.

How the change reaches a database: the data migration workflows/0007 copies the current
version of each type as a new current one with the step fixed (a database migrated from
scratch holds the files, so `playbooks_load` has nothing to do); the migration-loaded
version 1 is never modified, and incidents keep the version they were filed on
(architecture.md: "Incidents keep the version they started with")."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fraudops.core.choices import Level, Role
from fraudops.core.errors import InvalidInput
from incidents import selectors, services
from incidents.choices import TaskStatus
from incidents.demo import report_level
from incidents.models import Incident
from tests.incident_data import filing
from workflows.models import Playbook
from workflows.services import playbooks_load_defaults

TYPES = ["impostor_customer", "forged_documents"]
STEP = "instruct_police_report"


def _at_sub_branch(actor, incident_type: str) -> Incident:
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing(incident_type))
    incident = Incident.objects.get(pk=incident.pk)
    report_level(incident, Level.BRANCH)
    incident.refresh_from_db()
    return incident


@pytest.mark.parametrize("incident_type", TYPES)
def test_police_guidance_is_the_sub_branchs_own_open_step(actor, incident_type):
    incident = _at_sub_branch(actor, incident_type)
    task = incident.tasks.select_related("step").get(level=Level.SUB_BRANCH, step__code=STEP)
    assert task.status == TaskStatus.OPEN
    assert not task.step.awaits_instruction
    assert task.step.owner_role == Role.SUB_BRANCH_MONITOR
    # Its clock runs from the sub-branch receiving the report, like the department linkage.
    entered = incident.reported_to_sub_branch_at
    expected = entered + datetime.timedelta(minutes=task.step.deadline_minutes)
    assert abs((task.due_at - expected).total_seconds()) < 1
    # The security officer's opinion is what the step is taken on.
    fields = {f["name"]: f for f in task.step.evidence}
    assert fields["security_officer"]["required"] and fields["security_opinion"]["required"]

    # Head office has nothing to instruct; the sub-branch has the step in its own queue.
    head_office = selectors.task_queue(actor=actor("ho_monitor"))
    assert task.pk not in set(head_office.values_list("pk", flat=True))
    sub_branch = selectors.task_queue(actor=actor("monitor_bj"))
    assert task.pk in set(sub_branch.values_list("pk", flat=True))


@pytest.mark.parametrize("incident_type", TYPES)
def test_the_sub_branch_guides_the_branch_on_its_security_officers_opinion(actor, incident_type):
    incident = _at_sub_branch(actor, incident_type)
    task = incident.tasks.get(level=Level.SUB_BRANCH, step__code=STEP)
    monitor = actor("monitor_bj")
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=monitor,
            task_id=task.pk,
            evidence={
                "instructed_at": timezone.now().isoformat(),
                "instruction": "请持假证件到派出所报案",
            },
        )
    assert "evidence.security_opinion" in refused.value.fields
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN

    done = services.task_complete(
        actor=monitor,
        task_id=task.pk,
        evidence={
            "security_officer": "王保卫",
            "security_opinion": "情节严重,建议报案",
            "instructed_at": timezone.now().isoformat(),
            "instruction": "请持假证件到派出所报案",
        },
    )
    assert done.status == TaskStatus.DONE
    # The branch's own police report still waits for the sub-branch's instruction (根据分行指示).
    branch_step = incident.tasks.get(level=Level.BRANCH, step__code="police_report")
    assert branch_step.status == TaskStatus.WAITING


def test_the_migration_version_is_kept_and_the_files_add_a_new_current_one(actor, bank):
    """An existing database: version 1 (the migration's frozen copy) had the step waiting for
    head office; loading the files made a newer version current without touching it, and an
    incident filed on the old version keeps it."""
    versions = Playbook.objects.filter(incident_type__code="impostor_customer")
    old = versions.filter(steps__code=STEP, steps__awaits_instruction=True).first()
    if old is None:  # a transactional test's flush removed the migration's rows
        pytest.skip("the migration-loaded version is not in this database")
    current = versions.get(is_current=True)
    assert current.version > old.version
    assert not current.steps.get(level=Level.SUB_BRANCH, code=STEP).awaits_instruction
    assert not playbooks_load_defaults().changed  # loading again changes nothing

    # An incident filed while the old version was current keeps it (and head office may still
    # instruct its waiting step there).
    Playbook.objects.filter(pk=current.pk).update(is_current=False)
    Playbook.objects.filter(pk=old.pk).update(is_current=True)
    incident = _at_sub_branch(actor, "impostor_customer")
    Playbook.objects.filter(pk=old.pk).update(is_current=False)
    Playbook.objects.filter(pk=current.pk).update(is_current=True)
    playbooks_load_defaults()
    incident.refresh_from_db()
    assert incident.playbook_id == old.pk
    task = incident.tasks.get(level=Level.SUB_BRANCH, step__code=STEP)
    assert task.status == TaskStatus.WAITING
    head_office = selectors.task_queue(actor=actor("ho_monitor"))
    assert task.pk in set(head_office.values_list("pk", flat=True))
