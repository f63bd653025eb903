# The clocks moved here from workflows (workflows 0004 and 0005 created their tables).
# State only: the tables keep their names (Meta.db_table), so nothing in the database is
# rebuilt; a fresh database gets them from workflows 0004, an existing one keeps its rows.
# Then the content types follow the models, so admin history and permissions stay theirs.

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["clock", "escalation", "escalationpolicy"]


def _move_content_types(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(
        ContentType.objects.filter(app_label=target, model__in=MODELS).values_list(
            "model", flat=True
        )
    )
    ContentType.objects.filter(app_label=source, model__in=set(MODELS) - taken).update(
        app_label=target
    )


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, "workflows", "clocks")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, "clocks", "workflows")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_remote_authoriser_role'),
        ('workflows', '0005_clock_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Clock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject_id', models.PositiveBigIntegerField()),
                        ('kind', models.CharField(max_length=64, verbose_name='kind')),
                        ('status', models.CharField(choices=[('open', 'Running'), ('stopped', 'Stopped'), ('escalated', 'Escalated to the top')], default='open', max_length=16, verbose_name='status')),
                        ('owner_role', models.CharField(choices=[('teller', 'Teller'), ('branch_manager', 'Branch manager'), ('sub_branch_monitor', 'Sub-branch operations monitor'), ('sub_branch_security', 'Sub-branch security officer'), ('head_office_monitor', 'Head-office operations monitor'), ('head_office_security', 'Head-office security officer'), ('remote_authoriser', 'Remote authorisation centre'), ('auditor', 'Auditor (read-only)'), ('administrator', 'Administrator')], max_length=32, verbose_name='owner role')),
                        ('thread', models.CharField(db_index=True, max_length=64)),
                        ('title_zh', models.CharField(max_length=300, verbose_name='title (Chinese)')),
                        ('title_en', models.CharField(max_length=300, verbose_name='title (English)')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('started_at', models.DateTimeField(verbose_name='started at')),
                        ('due_at', models.DateTimeField(verbose_name='due')),
                        ('grace_minutes', models.PositiveIntegerField(verbose_name='grace period (minutes)')),
                        ('next_stage', models.CharField(choices=[('overdue', 'Overdue: owner and manager told'), ('level_above', 'Level above told'), ('head_office', 'Head office told')], default='overdue', max_length=16)),
                        ('next_at', models.DateTimeField(blank=True, null=True)),
                        ('stage', models.CharField(blank=True, choices=[('overdue', 'Overdue: owner and manager told'), ('level_above', 'Level above told'), ('head_office', 'Head office told')], max_length=16, verbose_name='escalated to')),
                        ('overdue_at', models.DateTimeField(blank=True, null=True, verbose_name='overdue since')),
                        ('stopped_at', models.DateTimeField(blank=True, null=True, verbose_name='stopped at')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('subject_type', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                        ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='owning unit')),
                    ],
                    options={
                        'verbose_name': 'clock',
                        'verbose_name_plural': 'clocks',
                        'db_table': 'workflows_clock',
                        'ordering': ['due_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Escalation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stage', models.CharField(choices=[('overdue', 'Overdue: owner and manager told'), ('level_above', 'Level above told'), ('head_office', 'Head office told')], max_length=16, verbose_name='stage')),
                        ('scheduled_at', models.DateTimeField(verbose_name='scheduled for')),
                        ('fired_at', models.DateTimeField(verbose_name='fired at')),
                        ('roles', models.JSONField(default=list, verbose_name='roles told')),
                        ('clock', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='clocks.clock')),
                        ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='unit told')),
                    ],
                    options={
                        'verbose_name': 'escalation',
                        'verbose_name_plural': 'escalations',
                        'db_table': 'workflows_escalation',
                        'ordering': ['fired_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='EscalationPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(default='task', help_text='"task" for playbook steps, or another app\'s kind such as "controls.freeze_approval".', max_length=64, verbose_name='clock kind')),
                        ('step_code', models.SlugField(blank=True, max_length=60, verbose_name='step code')),
                        ('grace_minutes', models.PositiveIntegerField(verbose_name='grace period (minutes)')),
                        ('notes', models.CharField(blank=True, max_length=200, verbose_name='notes')),
                        ('incident_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='escalation_policies', to='workflows.incidenttype', verbose_name='incident type')),
                    ],
                    options={
                        'verbose_name': 'escalation policy',
                        'verbose_name_plural': 'escalation policies',
                        'db_table': 'workflows_escalationpolicy',
                        'ordering': ['kind', 'incident_type', 'step_code'],
                    },
                ),
                migrations.AddIndex(
                    model_name='clock',
                    index=models.Index(condition=models.Q(('status', 'open')), fields=['next_at'], name='clock_open_next_at'),
                ),
                migrations.AddConstraint(
                    model_name='clock',
                    constraint=models.UniqueConstraint(fields=('subject_type', 'subject_id', 'kind'), name='clock_one_per_subject_kind'),
                ),
                migrations.AddConstraint(
                    model_name='clock',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'open'), _negated=True), ('next_at__isnull', False), _connector='OR'), name='clock_open_has_next_at'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.UniqueConstraint(fields=('clock', 'stage'), name='escalation_once_per_stage'),
                ),
                migrations.AddConstraint(
                    model_name='escalationpolicy',
                    constraint=models.UniqueConstraint(condition=models.Q(('incident_type__isnull', False)), fields=('kind', 'incident_type', 'step_code'), name='escalationpolicy_unique_typed'),
                ),
                migrations.AddConstraint(
                    model_name='escalationpolicy',
                    constraint=models.UniqueConstraint(condition=models.Q(('incident_type__isnull', True)), fields=('kind', 'step_code'), name='escalationpolicy_unique_untyped'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
