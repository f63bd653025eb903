from django.db import migrations


def load(apps, schema_editor):
    from workflows.services import playbooks_load_defaults

    playbooks_load_defaults(
        incident_type_model=apps.get_model("workflows", "IncidentType"),
        playbook_model=apps.get_model("workflows", "Playbook"),
        step_model=apps.get_model("workflows", "PlaybookStep"),
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
