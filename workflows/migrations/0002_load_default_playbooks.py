"""Load the bank's default playbooks as they were when this migration was written.

The data is a frozen copy (data/0002_playbooks.json, the seven types as shipped then) read
with the historical models: this migration never imports live code, so a fresh install
replays the same history as an old one. The current files (workflows/playbooks/) are loaded
on top by `manage.py playbooks_load`, which adds a new version where they differ.
"""

import json
from pathlib import Path

from django.db import migrations

FROZEN = Path(__file__).resolve().parent / "data" / "0002_playbooks.json"

# The step fields as they were at this migration (the frozen file also has "evidence").
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


def load(apps, schema_editor):
    IncidentType = apps.get_model("workflows", "IncidentType")
    Playbook = apps.get_model("workflows", "Playbook")
    PlaybookStep = apps.get_model("workflows", "PlaybookStep")
    incident_types = json.loads(FROZEN.read_text(encoding="utf-8"))
    for ordering, spec in enumerate(incident_types):
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
                **{name: step[name] for name in STEP_FIELDS if name in step},
            )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
