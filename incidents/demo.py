"""Walking an incident through its playbook with plausible evidence: used by `seed_demo`
and by the tests, always through the real services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.models import User
from workflows.choices import EvidenceType

from . import permissions, services
from .choices import TaskStatus
from .models import Incident, Task

# A 1x1 PNG: the smallest real image, for steps that ask for a photo.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


# Valid identifiers for the evidence fields that hold one (checked as at filing).
SAMPLE_IDENTIFIERS: dict[str, str] = {
    EvidenceType.RESIDENT_ID: "11010519491231002X",
    EvidenceType.DOCUMENT_NUMBER: "11010519491231002X",
    EvidenceType.ACCOUNT: "6222020200112233445",
    EvidenceType.CARD: "6222021000112233449",
    EvidenceType.PHONE: "+8613800138000",
}


def sample_files(task: Task) -> dict[str, list[SimpleUploadedFile]]:
    """A small picture for each required file field of the step."""
    return {
        field["name"]: [SimpleUploadedFile(f"{field['name']}.png", TINY_PNG, "image/png")]
        for field in task.step.evidence or []
        if field.get("type") == EvidenceType.FILE and field.get("required")
    }


def sample_evidence(task: Task) -> dict:
    values: dict = {}
    for field in task.step.evidence or []:
        kind = field.get("type")
        if kind == EvidenceType.FILE:
            continue
        if kind == EvidenceType.BOOL:
            values[field["name"]] = True
        elif kind == EvidenceType.AMOUNT:
            values[field["name"]] = "1000.00"
        elif kind == EvidenceType.DATETIME:
            values[field["name"]] = timezone.now().isoformat()
        elif kind == EvidenceType.URL:
            values[field["name"]] = "https://icbc-verify.example.cn/login"
        elif kind == EvidenceType.CHOICE:
            values[field["name"]] = field["choices"][0][0]
        elif kind in SAMPLE_IDENTIFIERS:
            values[field["name"]] = SAMPLE_IDENTIFIERS[kind]
        else:
            values[field["name"]] = "已处理 / handled"
    return values


def worker_for(task: Task) -> User:
    """Someone who may work `task`: staff of its unit holding a role of its level."""
    return _staff(task.unit, permissions.level_roles(task.level))


def _staff(unit, roles) -> User:
    user = (
        User.objects.filter(unit=unit, is_active=True, role_assignments__role__in=roles)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise LookupError(f"No one at {unit.code} holds {roles}")
    return user


def work_task(task: Task, *, actor_user: User | None = None) -> Task:
    """Finish one task the way its owner would: instruct it if it waits, then record it
    done with a file for each required file field."""
    task = Task.objects.select_related("step", "unit", "unit__parent").get(pk=task.pk)
    if task.status == TaskStatus.WAITING:
        boss = _staff(permissions.instructing_unit(task), permissions.instructing_roles(task))
        services.task_instruct(
            actor=Actor.for_user(boss), task_id=task.pk, instruction="请立即办理 / please proceed"
        )
    user = actor_user or worker_for(task)
    actor = Actor.for_user(user)
    return services.task_complete(
        actor=actor,
        task_id=task.pk,
        note="完成 / done",
        evidence=sample_evidence(task),
        files=sample_files(task),
    )


def work_level(incident: Incident, level: str) -> None:
    """Finish every unfinished task of `level`, the reporting step last."""
    tasks = list(
        incident.tasks.filter(level=level)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.NOT_APPLICABLE])
        .select_related("step")
        .order_by("step__reports_up", "order")
    )
    for task in tasks:
        work_task(task)


def report_level(incident: Incident, level: str) -> None:
    """Only the reporting step of `level`: the incident moves up with the rest still open."""
    task = incident.tasks.get(level=level, step__reports_up=True)
    work_task(task)
