"""The reply deadlines shipped as data (docs/complaints.md gives the basis of each). Head
office changes them in the admin afterwards (audited); this migration never overwrites a
row that exists."""

from django.db import migrations

DEFAULTS = [
    (
        "petitions_office",
        15,
        "信访工作条例/信访条例：转送、交办的信访事项，有权处理机关自收到之日起15日内书面告知"
        " (written answer within 15 days of receipt).",
    ),
    (
        "regulator_hotline",
        5,
        "Bank's own target for complaints transferred by the regulator (12378), well inside "
        "the 15-day limit of 银行保险机构消费投诉处理管理办法 art. 21.",
    ),
    (
        "counter",
        7,
        "Bank's own target, inside the 15-day limit of 银行保险机构消费投诉处理管理办法 art. 21.",
    ),
    (
        "phone",
        7,
        "Bank's own target, inside the 15-day limit of 银行保险机构消费投诉处理管理办法 art. 21.",
    ),
    ("letter", 15, "银行保险机构消费投诉处理管理办法 art. 21: decision within 15 days."),
]


def load(apps, schema_editor):
    ReplyDeadline = apps.get_model("complaints", "ReplyDeadline")
    for source, days, basis in DEFAULTS:
        ReplyDeadline.objects.get_or_create(
            source=source, defaults={"days": days, "hours": 0, "basis": basis[:300]}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
