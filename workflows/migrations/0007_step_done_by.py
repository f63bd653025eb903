"""Steps done by their records (`done_by`) and steps the incident's facts make not
applicable (`not_applicable_unless`): the two step fields, then a new current version of
each type's playbook that uses them, as the playbook files do from this change on.

The versions already stored are never modified: incidents keep the version they started
with (their steps stay done by hand). The change is a frozen copy (CHANGES below, by type,
level and step code), applied to each type's current version with the historical models,
so a fresh install and an old one end with the same versions; `manage.py playbooks_load`
then finds the files already held and changes nothing.
"""

from django.db import migrations, models

_REQUEST = {"done_by": "controls.request", "not_applicable_unless": "payee_account_here"}
_RESULT = {
    "done_by": "controls.result",
    "not_applicable_unless": "payee_account_here",
    "conditional": True,
}
_NOMINATION = {"done_by": "watchlist.nomination"}
_DECISION = {"done_by": "watchlist.decision"}
_PAYEE_HERE = {"not_applicable_unless": "payee_account_here"}
_SERIOUS = {"not_applicable_unless": "serious"}

CHANGES = {
    "telecom_fraud": {
        ("branch", "stop_payment"): _REQUEST,
        ("sub_branch", "account_control"): _RESULT,
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
    },
    "phishing_site": {
        ("branch", "stop_payment"): _REQUEST,
        ("sub_branch", "account_control"): _RESULT,
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
        ("head_office", "suspicious_account_control"): _PAYEE_HERE,
    },
    "card_skimming": {
        ("branch", "stop_payment"): _REQUEST,
        ("sub_branch", "account_control"): _RESULT,
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
        ("head_office", "suspicious_account_control"): _PAYEE_HERE,
    },
    "fake_credit_card": {
        ("sub_branch", "account_control"): _RESULT,
        ("head_office", "suspicious_account_control"): _PAYEE_HERE,
    },
    "impostor_customer": {
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
        ("head_office", "maintain_watch_list"): _DECISION,
        ("head_office", "report_security_dept"): _SERIOUS,
    },
    "forged_documents": {
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
        ("head_office", "maintain_watch_list"): _DECISION,
        ("head_office", "report_security_dept"): _SERIOUS,
    },
    "forged_bills": {
        ("sub_branch", "watch_list_nomination"): _NOMINATION,
        ("head_office", "maintain_watch_list"): _DECISION,
    },
}
NOTES = (
    "Steps done by their records and steps not applicable by the incident's facts "
    "(migration workflows 0007)."
)


def new_versions(apps, schema_editor):
    IncidentType = apps.get_model("workflows", "IncidentType")
    Playbook = apps.get_model("workflows", "Playbook")
    PlaybookStep = apps.get_model("workflows", "PlaybookStep")
    for incident_type in IncidentType.objects.filter(code__in=list(CHANGES)).order_by("pk"):
        changes = CHANGES[incident_type.code]
        current = Playbook.objects.filter(incident_type=incident_type, is_current=True).first()
        if current is None:
            continue
        steps = list(PlaybookStep.objects.filter(playbook=current).order_by("pk"))
        wanted = {
            step.pk: {**changes[(step.level, step.code)]}
            for step in steps
            if (step.level, step.code) in changes
        }
        if all(
            getattr(step, name) == value
            for step in steps
            for name, value in wanted.get(step.pk, {}).items()
        ):
            continue
        latest = (
            Playbook.objects.filter(incident_type=incident_type)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        Playbook.objects.filter(pk=current.pk).update(is_current=False)
        playbook = Playbook.objects.create(
            incident_type=incident_type, version=latest + 1, is_current=True, notes=NOTES
        )
        for step in steps:
            change = wanted.get(step.pk, {})
            step.pk = None
            step.playbook = playbook
            for name, value in change.items():
                setattr(step, name, value)
            step.save()


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0006_clocks_moved_to_clocks_app'),
    ]

    operations = [
        migrations.AddField(
            model_name='playbookstep',
            name='done_by',
            field=models.CharField(blank=True, help_text='The record source that completes this step, e.g. watchlist.nomination; empty: done by hand with its evidence.', max_length=60, verbose_name='done by its records'),
        ),
        migrations.AddField(
            model_name='playbookstep',
            name='not_applicable_unless',
            field=models.CharField(blank=True, choices=[('payee_account_here', 'A payee account is held at this bank'), ('serious', 'The incident is serious')], help_text='A fact of the incident this step needs: without it the step is marked not applicable on its own.', max_length=32, verbose_name='not applicable unless'),
        ),
        migrations.RunPython(new_versions, migrations.RunPython.noop),
    ]
