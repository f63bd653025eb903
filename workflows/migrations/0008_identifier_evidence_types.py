"""Step evidence that holds an identifier is typed so (issue 10): the account stopped or
reversed, the payee account, the card number, the ID number presented and the document
number of forged documents are validated and normalised as at filing, no longer free text.

The playbook files (workflows/playbooks/*.yaml) changed these `type:` values; this brings a
migrated database to the same place, the way `playbooks_load` would: for each type whose
current version still has one of these fields as free text, a new current version is made,
a copy of the current one with only those types changed (a version head office edited in
the admin keeps its edits). Stored versions are never modified: incidents keep the version
they started with. Loading the files afterwards finds them stored and changes nothing.
"""

from django.db import migrations

# (type code, level, step code, field name): the field's new type.
TYPES = {
    ("telecom_fraud", "branch", "transaction_history", "payee_account"): "account",
    ("telecom_fraud", "branch", "stop_payment", "account_number"): "account",
    ("phishing_site", "branch", "transaction_history", "payee_account"): "account",
    ("phishing_site", "branch", "stop_payment", "account_number"): "account",
    ("card_skimming", "branch", "stop_payment", "account_number"): "account",
    ("card_skimming", "sub_branch", "report_head_office", "card_number"): "card",
    ("impostor_customer", "branch", "refuse_business", "id_number"): "resident_id",
    ("forged_documents", "branch", "confiscate_documents", "id_number"): "document_number",
}

def _retyped(type_code, step):
    evidence = []
    changed = False
    for field in step.evidence or []:
        new = TYPES.get((type_code, step.level, step.code, field.get("name")))
        if new and field.get("type") == "text":
            field = {**field, "type": new}
            changed = True
        evidence.append(field)
    return evidence, changed


def retype(apps, schema_editor):
    Playbook = apps.get_model("workflows", "Playbook")
    PlaybookStep = apps.get_model("workflows", "PlaybookStep")
    for type_code in sorted({key[0] for key in TYPES}):
        current = Playbook.objects.filter(
            incident_type__code=type_code, is_current=True
        ).first()
        if current is None:
            continue
        steps = list(PlaybookStep.objects.filter(playbook=current).order_by("pk"))
        retyped = [_retyped(type_code, step) for step in steps]
        if not any(changed for _evidence, changed in retyped):
            continue
        latest = (
            Playbook.objects.filter(incident_type_id=current.incident_type_id)
            .order_by("-version")
            .first()
        )
        Playbook.objects.filter(pk=current.pk).update(is_current=False)
        new = Playbook.objects.create(
            incident_type_id=current.incident_type_id,
            version=latest.version + 1,
            is_current=True,
            notes=f"Copied from v{current.version}: identifier evidence typed (issue 10).",
        )
        # Every column of the step is copied (whatever later migrations add), but the
        # evidence, which gets its new types.
        copied = [
            f.attname
            for f in PlaybookStep._meta.concrete_fields
            if f.attname not in ("id", "playbook_id", "evidence")
        ]
        PlaybookStep.objects.bulk_create(
            PlaybookStep(
                playbook=new,
                evidence=evidence,
                **{name: getattr(step, name) for name in copied},
            )
            for step, (evidence, _changed) in zip(steps, retyped, strict=True)
        )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0007_step_done_by")]
    operations = [migrations.RunPython(retype, migrations.RunPython.noop)]
