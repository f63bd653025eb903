"""T5/T6 (issue 10, item 5): the sub-branch's "guide the branch to report to the police (on
the security department's advice)" is the sub-branch's own act, taken on its own security
officer's opinion: it no longer waits for an instruction from head office.

Versions are never modified (incidents keep the version they started with; a version in use
is frozen, `PlaybookInUse`). So for each of the two types whose current version still has the
step waiting, this copies the current version as the next one with that step changed (head
office's other edits, if any, carried over) and makes the copy current. A database migrated
from scratch then holds the playbook files again, as `playbooks_load` would leave it; the
values below are a frozen copy of the files' step (historical models, no live code).
"""

from django.db import migrations

TYPES = ("impostor_customer", "forged_documents")
STEP = {"level": "sub_branch", "code": "instruct_police_report"}
CHANGED = {
    "title_en": "Guide the branch to report to the police (on the security department's advice)",
    "guidance_zh": (
        "报告分行保卫部后,根据保卫部意见由分行自行决定并指导支行向当地公安机关报案"
        "(在支行的报案步骤上下达指示);保卫部认为无需报案的,标记为不适用并注明意见。"
        "无需等待总行指示。"
    ),
    "guidance_en": (
        "The sub-branch's own decision, taken on its security department's opinion (no "
        "instruction from head office is needed): guide the branch to report to the local "
        "police (give the instruction on the branch's police-report step); if the department "
        "advises no report, mark not applicable and quote its opinion."
    ),
    "awaits_instruction": False,
    "deadline_minutes": 240,
    "deadline_from": "level_entered",
}
OPINION_FIELDS = [
    {
        "name": "security_officer",
        "label_zh": "提出意见的保卫部人员",
        "label_en": "Security officer who gave the opinion",
        "type": "text",
        "required": True,
    },
    {
        "name": "security_opinion",
        "label_zh": "保卫部意见",
        "label_en": "Security department's opinion",
        "type": "textarea",
        "required": True,
    },
]


def forward(apps, schema_editor):
    Playbook = apps.get_model("workflows", "Playbook")
    PlaybookStep = apps.get_model("workflows", "PlaybookStep")
    for code in TYPES:
        current = Playbook.objects.filter(incident_type__code=code, is_current=True).first()
        if current is None:
            continue
        steps = list(current.steps.order_by("pk"))
        if not any(s.awaits_instruction for s in steps if (s.level, s.code) == tuple(STEP.values())):
            continue
        latest = Playbook.objects.filter(incident_type_id=current.incident_type_id).order_by(
            "-version"
        )[0]
        Playbook.objects.filter(pk=current.pk).update(is_current=False)
        new = Playbook.objects.create(
            incident_type_id=current.incident_type_id,
            version=latest.version + 1,
            is_current=True,
            notes=(
                f"Copied from v{current.version}: the sub-branch guides the police report on "
                "its security department's opinion (issue 10)."
            ),
        )
        for step in steps:
            step.pk = None
            step.playbook_id = new.pk
            if (step.level, step.code) == tuple(STEP.values()):
                for name, value in CHANGED.items():
                    setattr(step, name, value)
                names = {f.get("name") for f in step.evidence}
                step.evidence = [f for f in OPINION_FIELDS if f["name"] not in names] + list(
                    step.evidence
                )
            step.save()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_identifier_evidence_types")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
