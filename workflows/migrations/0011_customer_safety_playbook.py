"""Customer-safety events (issue 11, item 2): the type `customer_safety` and version 1 of its
branch-only playbook (secure the card or session, contact the customer, verify their
identity on return, hand over, record), so that a database migrated with `migrate` alone
can file them at once.

The data is a frozen copy of workflows/playbooks/customer_safety.yaml as shipped with this
change (data/0011_customer_safety.json), written with the historical models, never the live
files or code; `manage.py playbooks_load` then finds the file already held. A database that
already has the type (loaded from the file before migrating) is left alone.
"""

import json
from pathlib import Path

from django.db import migrations

FROZEN = Path(__file__).resolve().parent / "data" / "0011_customer_safety.json"
TYPE_FIELDS = ("group", "name_zh", "name_en", "description_zh", "description_en", "ordering")


def forward(apps, schema_editor):
    IncidentType = apps.get_model("workflows", "IncidentType")
    Playbook = apps.get_model("workflows", "Playbook")
    PlaybookStep = apps.get_model("workflows", "PlaybookStep")
    spec = json.loads(FROZEN.read_text(encoding="utf-8"))
    incident_type, created = IncidentType.objects.get_or_create(
        code=spec["code"], defaults={name: spec[name] for name in TYPE_FIELDS}
    )
    if not created or Playbook.objects.filter(incident_type=incident_type).exists():
        return
    playbook = Playbook.objects.create(
        incident_type=incident_type, version=1, is_current=True, notes="Bank default."
    )
    orders: dict[str, int] = {}
    for step in spec["steps"]:
        orders[step["level"]] = orders.get(step["level"], 0) + 1
        PlaybookStep.objects.create(playbook=playbook, order=orders[step["level"]], **step)


def backward(apps, schema_editor):
    # Only while no incident uses it (the incidents' PROTECT foreign key refuses otherwise).
    Playbook = apps.get_model("workflows", "Playbook")
    IncidentType = apps.get_model("workflows", "IncidentType")
    Playbook.objects.filter(incident_type__code="customer_safety").delete()
    IncidentType.objects.filter(code="customer_safety").delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0010_customer_safety_group")]
    operations = [migrations.RunPython(forward, backward)]
