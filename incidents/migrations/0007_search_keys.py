# The search box's index of keys (incidents.SearchKey), and the keys of the incidents filed
# before it existed.

import django.db.models.deletion
from django.db import migrations, models

BATCH = 500


def build_keys(apps, schema_editor):
    # The key derivation is a pure function of the fields (incidents.search, which imports
    # no model), so the historical models can be given to it.
    from incidents.search import incident_keys

    Incident = apps.get_model("incidents", "Incident")
    SearchKey = apps.get_model("incidents", "SearchKey")
    queryset = Incident.objects.order_by("pk").prefetch_related("parties", "accounts", "vehicles")
    rows = []
    for incident in queryset.iterator(chunk_size=BATCH):
        pairs = incident_keys(
            incident,
            parties=incident.parties.all(),
            accounts=incident.accounts.all(),
            vehicles=incident.vehicles.all(),
        )
        rows += [SearchKey(incident_id=incident.pk, kind=k, key=v) for k, v in sorted(pairs)]
        if len(rows) >= BATCH * 10:
            SearchKey.objects.bulk_create(rows)
            rows = []
    SearchKey.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_task_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("number", "Incident number"),
                            ("reference", "External reference"),
                            ("name", "Name"),
                            ("pinyin", "Name in pinyin"),
                            ("initials", "Pinyin initials"),
                            ("latin", "Latin name"),
                            ("document", "Document number"),
                            ("account", "Account or card number"),
                            ("phone", "Phone"),
                            ("url", "Web address"),
                            ("domain", "Domain"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=255)),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_keys",
                        to="incidents.incident",
                    ),
                ),
            ],
            options={
                "verbose_name": "search key",
                "verbose_name_plural": "search keys",
                "indexes": [
                    models.Index(
                        fields=["key", "kind"], include=("incident",), name="searchkey_key_kind"
                    )
                ],
            },
        ),
        migrations.RunPython(build_keys, migrations.RunPython.noop),
    ]
