"""Writes to playbooks: loading the bank's defaults and versioning them."""

from __future__ import annotations

from django.db import transaction

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record

from .models import IncidentType, Playbook, PlaybookStep

STEP_FIELDS = [
    "level",
    "code",
    "title_zh",
    "title_en",
    "guidance_zh",
    "guidance_en",
    "owner_role",
    "mandatory",
    "conditional",
    "awaits_instruction",
    "reports_up",
    "deadline_minutes",
    "deadline_from",
]


def playbooks_load_defaults(
    *, incident_type_model=IncidentType, playbook_model=Playbook, step_model=PlaybookStep
) -> int:
    """Create every default type that does not exist yet, with version 1 of its playbook.

    Takes the models as arguments so the data migration can pass its historical models.
    Types that already exist are left alone: head office's edits are never overwritten.
    """
    from .playbook_data import INCIDENT_TYPES

    created = 0
    with transaction.atomic():
        for ordering, spec in enumerate(INCIDENT_TYPES):
            incident_type, was_created = incident_type_model.objects.get_or_create(
                code=spec["code"],
                defaults={
                    "group": spec["group"],
                    "name_zh": spec["name_zh"],
                    "name_en": spec["name_en"],
                    "description_zh": spec.get("description_zh", ""),
                    "description_en": spec.get("description_en", ""),
                    "ordering": ordering,
                },
            )
            if not was_created:
                continue
            playbook = playbook_model.objects.create(
                incident_type=incident_type, version=1, is_current=True, notes="Bank default."
            )
            orders: dict[str, int] = {}
            for step in spec["steps"]:
                orders[step["level"]] = orders.get(step["level"], 0) + 1
                step_model.objects.create(
                    playbook=playbook,
                    order=orders[step["level"]],
                    evidence=step.get("evidence", []),
                    **{name: step[name] for name in STEP_FIELDS if name in step},
                )
            created += 1
    return created


def playbook_new_version(*, actor: Actor, playbook: Playbook, notes: str = "") -> Playbook:
    """Copy `playbook` as the next version and make it current.

    Incidents already open keep the version they started with; new incidents use this one.
    """
    with transaction.atomic():
        playbook_type = IncidentType.objects.select_for_update().get(pk=playbook.incident_type_id)
        latest = playbook_type.playbooks.order_by("-version").first()
        Playbook.objects.filter(incident_type=playbook_type, is_current=True).update(
            is_current=False
        )
        new = Playbook.objects.create(
            incident_type=playbook_type,
            version=latest.version + 1,
            is_current=True,
            notes=notes or f"Copied from v{playbook.version}.",
        )
        for step in playbook.steps.all():
            step.pk = None
            step.playbook = new
            step.save()
        audit_record(
            actor=actor,
            action="playbook.version_created",
            thread=f"playbook:{playbook_type.code}",
            target=f"playbook:{new.pk}",
            before={"version": playbook.version},
            after={"version": new.version},
        )
    return new
