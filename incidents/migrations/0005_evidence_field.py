"""Evidence bound to its field: each step file names the step's evidence field it is for.

Existing step files are mapped to their field the way the incident page matched them until
now: the file's description is the field's Chinese or English label (the page stored the
label as the description). A step file whose description matches no label goes to the
step's only file field when it has exactly one; otherwise it stays unbound (blank), as a
file attached to the incident generally is.
"""

import incidents.models
from django.conf import settings
from django.db import migrations, models


def bind_files_to_fields(apps, schema_editor):
    Evidence = apps.get_model("incidents", "Evidence")
    files = Evidence.objects.filter(task__isnull=False, field="").select_related("task__step")
    for evidence in files.iterator(chunk_size=500):
        fields = [f for f in evidence.task.step.evidence or [] if f.get("type") == "file"]
        description = (evidence.description or "").strip()
        named = [
            f["name"]
            for f in fields
            if description and description in (f.get("label_zh"), f.get("label_en"))
        ]
        if named:
            field = named[0]
        elif len(fields) == 1:
            field = fields[0]["name"]
        else:
            continue
        Evidence.objects.filter(pk=evidence.pk).update(field=field)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0004_amount_ledger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='evidence',
            name='field',
            field=models.CharField(blank=True, max_length=64, verbose_name='evidence field'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='file',
            field=models.FileField(max_length=255, upload_to=incidents.models.evidence_upload_to, verbose_name='file'),
        ),
        migrations.AddIndex(
            model_name='evidence',
            index=models.Index(fields=['file'], name='evidence_file_name'),
        ),
        migrations.RunPython(bind_files_to_fields, migrations.RunPython.noop, elidable=True),
    ]
