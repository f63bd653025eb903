# The clocks now live in the clocks app (clocks 0001 takes them over in its state). State
# only: their tables (workflows_clock, workflows_escalation, workflows_escalationpolicy)
# and rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0005_clock_indexes'),
        ('clocks', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Escalation'),
                migrations.DeleteModel(name='Clock'),
                migrations.DeleteModel(name='EscalationPolicy'),
            ],
            database_operations=[],
        ),
    ]
