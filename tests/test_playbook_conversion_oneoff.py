"""One-off (removed with playbook_data.py): the files and the frozen copy hold exactly what
workflows/playbook_data.py held, and load into exactly the same rows."""

import json

import pytest

from workflows.models import IncidentType, Playbook, PlaybookStep
from workflows.playbook_data import INCIDENT_TYPES
from workflows.playbook_files import playbook_files_read
from workflows.services import playbooks_load_defaults

FIELDS = [f.name for f in PlaybookStep._meta.fields if f.name not in ("id", "playbook")]


def _dump():
    return {
        "types": list(
            IncidentType.objects.order_by("code").values(
                "code",
                "group",
                "name_zh",
                "name_en",
                "description_zh",
                "description_en",
                "is_active",
                "ordering",
            )
        ),
        "playbooks": list(
            Playbook.objects.order_by("incident_type__code", "version").values(
                "incident_type__code", "version", "is_current", "notes"
            )
        ),
        "steps": list(
            PlaybookStep.objects.order_by("playbook__incident_type__code", "level", "order").values(
                "playbook__incident_type__code", "playbook__version", *FIELDS
            )
        ),
    }


def test_files_hold_the_old_module():
    files = playbook_files_read()
    assert [{k: v for k, v in spec.items() if k != "ordering"} for spec in files] == INCIDENT_TYPES
    assert [spec["ordering"] for spec in files] == list(range(7))


def test_frozen_copy_is_the_old_module():
    from workflows.migrations import __path__ as mig

    with open(f"{mig[0]}/data/0002_playbooks.json", encoding="utf-8") as handle:
        frozen = json.load(handle)
    assert frozen == INCIDENT_TYPES


@pytest.mark.django_db
def test_migration_old_loader_and_new_loader_make_the_same_rows():
    migrated = _dump()  # what migration 0002 (frozen copy) made
    assert len(migrated["steps"]) == 81
    assert not playbooks_load_defaults().changed  # the new loader sees nothing to do
    PlaybookStep.objects.all().delete()
    Playbook.objects.all().delete()
    IncidentType.objects.all().delete()
    _old_playbooks_load_defaults()
    by_old = _dump()
    PlaybookStep.objects.all().delete()
    Playbook.objects.all().delete()
    IncidentType.objects.all().delete()
    assert playbooks_load_defaults().created == [t["code"] for t in INCIDENT_TYPES]
    by_new = _dump()
    assert migrated == by_old == by_new


def _old_playbooks_load_defaults():
    """workflows.services.playbooks_load_defaults as it was, reading playbook_data.py."""
    step_fields = [
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
    for ordering, spec in enumerate(INCIDENT_TYPES):
        incident_type, was_created = IncidentType.objects.get_or_create(
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
        playbook = Playbook.objects.create(
            incident_type=incident_type, version=1, is_current=True, notes="Bank default."
        )
        orders = {}
        for step in spec["steps"]:
            orders[step["level"]] = orders.get(step["level"], 0) + 1
            PlaybookStep.objects.create(
                playbook=playbook,
                order=orders[step["level"]],
                evidence=step.get("evidence", []),
                **{name: step[name] for name in step_fields if name in step},
            )
