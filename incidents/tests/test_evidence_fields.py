"""Evidence bound to its field: a step's files go in with its completion, one field each;
files reach storage before the incident is locked and leave it when the completion is
refused; orphans are swept; identifier evidence is validated as at filing."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from fraudops.celery import app as celery_app
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import AuditEvent, OutboxMessage
from incidents import services
from incidents.choices import TaskStatus
from incidents.demo import SAMPLE_IDENTIFIERS, TINY_PNG, report_level, sample_evidence
from incidents.models import Evidence, Incident, Task
from incidents.services.evidence import (
    EVIDENCE_PREFIX,
    evidence_orphans_sweep,
    evidence_stage,
    evidence_storage,
)
from tests.incident_data import filing
from workflows.choices import EvidenceType

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n% a report\n"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Evidence storage of this test alone, so that "no file left" can be asserted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media: Path) -> list[str]:
    root = media / EVIDENCE_PREFIX
    return sorted(str(p.relative_to(media)) for p in root.rglob("*") if p.is_file())


def _png(name: str = "statement.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PNG, "image/png")


def _file(actor, incident_type: str = "telecom_fraud") -> Incident:
    return services.incident_file(actor=actor("teller_bj_hd"), data=filing(incident_type))


def _task(incident: Incident, code: str, level: str = "branch") -> Task:
    return Task.objects.select_related("step").get(incident=incident, step__code=code, level=level)


def _snapshot(incident: Incident) -> tuple:
    return (
        list(Task.objects.filter(incident=incident).order_by("pk").values()),
        list(Evidence.objects.values()),
        AuditEvent.objects.filter(outcome="success").count(),
        OutboxMessage.objects.count(),
    )


# --- a refused completion attaches nothing, in the database or in storage --------------------


def test_a_refused_completion_leaves_no_evidence_row_and_no_file_in_storage(bank, actor, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    before = _snapshot(incident)
    values = {**sample_evidence(task), "payee_account": "not a number"}
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=actor("teller_bj_hd"),
            task_id=task.pk,
            evidence=values,
            files={"statement": [_png()]},
        )
    assert set(refused.value.fields) == {"evidence.payee_account"}
    assert _snapshot(incident) == before
    assert _stored(media) == []


def test_a_completion_refused_for_scope_deletes_the_files_it_was_given(bank, actor, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    before = _snapshot(incident)
    with pytest.raises(NotFound):
        services.task_complete(
            actor=actor("teller_sh_pd"),  # another region's branch
            task_id=task.pk,
            evidence=sample_evidence(task),
            files={"statement": [_png()]},
        )
    assert _snapshot(incident) == before
    assert _stored(media) == []


def test_a_refused_completion_on_the_page_attaches_nothing(client, bank, actor, person, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    client.force_login(person("teller_bj_hd"))
    data = {f"ev_{k}": v for k, v in sample_evidence(task).items()}
    data["ev_payee_account"] = "ABC"
    data["ev_statement"] = _png()
    response = client.post(
        f"/incidents/{incident.number}/tasks/{task.pk}/done/", data, follow=True, **EN
    )
    page = response.content.decode()
    assert "Fraud payee account number: An account number may contain only digits" in page
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert not Evidence.objects.exists()
    assert _stored(media) == []


def test_a_completion_attaches_its_files_each_to_its_field(bank, actor, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    services.task_complete(
        actor=actor("teller_bj_hd"),
        task_id=task.pk,
        evidence=sample_evidence(task),
        files={"statement": [_png()]},
    )
    evidence = Evidence.objects.get()
    assert (evidence.task_id, evidence.field, evidence.content_type) == (
        task.pk,
        "statement",
        "image/png",
    )
    assert _stored(media) == [evidence.file.name]
    done = AuditEvent.objects.get(action="task.done", target=f"task:{task.pk}")
    assert done.after["files"] == {"statement": [evidence.pk]}
    attached = AuditEvent.objects.get(action="evidence.attached")
    assert attached.after["field"] == "statement"


# --- a step needing two files needs two files ----------------------------------------------


def _fake_card_report(actor) -> Task:
    incident = _file(actor, "fake_credit_card")
    report_level(incident, "branch")
    return _task(incident, "report_head_office", level="sub_branch")


def test_two_required_file_fields_need_two_files(bank, actor, media):
    task = _fake_card_report(actor)
    monitor = actor("monitor_bj")
    values = sample_evidence(task)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=monitor, task_id=task.pk, evidence=values, files={"report": [_png("r.png")]}
        )
    assert refused.value.fields == {
        "evidence.card_copy": ["Attach the file for this field."],
    }
    assert not Evidence.objects.exists() and _stored(media) == []
    # Two files for one field are not one file for each field either.
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=monitor,
            task_id=task.pk,
            evidence=values,
            files={"report": [_png("r1.png"), _png("r2.png")]},
        )
    assert set(refused.value.fields) == {"evidence.report", "evidence.card_copy"}
    assert not Evidence.objects.exists() and _stored(media) == []

    services.task_complete(
        actor=monitor,
        task_id=task.pk,
        evidence=values,
        files={"report": [_png("r.png")], "card_copy": [_png("card.png")]},
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert sorted(task.evidence_files.values_list("field", flat=True)) == ["card_copy", "report"]
    assert len(_stored(media)) == 2


def test_a_file_attached_to_one_field_before_does_not_satisfy_another(bank, actor, media):
    task = _fake_card_report(actor)
    monitor = actor("monitor_bj")
    services.evidence_attach(
        actor=monitor,
        incident_id=task.incident_id,
        task_id=task.pk,
        field="report",
        uploaded_file=_png("r.png"),
    )
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(actor=monitor, task_id=task.pk, evidence=sample_evidence(task))
    assert set(refused.value.fields) == {"evidence.card_copy"}
    services.task_complete(
        actor=monitor,
        task_id=task.pk,
        evidence=sample_evidence(task),
        files={"card_copy": [_png("card.png")]},
    )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_a_file_for_a_step_with_two_file_fields_must_name_its_field(bank, actor, media):
    task = _fake_card_report(actor)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.evidence_attach(
            actor=actor("monitor_bj"),
            incident_id=task.incident_id,
            task_id=task.pk,
            uploaded_file=_png(),
        )
    assert "report, card_copy" in refused.value.fields["field"][0]
    assert not Evidence.objects.exists() and _stored(media) == []


def test_files_for_a_field_the_step_does_not_have_are_refused(bank, actor, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=actor("teller_bj_hd"),
            task_id=task.pk,
            evidence=sample_evidence(task),
            files={"statement": [_png()], "payee_bank": [_png("x.png")]},
        )
    assert set(refused.value.fields) == {"evidence.payee_bank"}
    assert _stored(media) == []


def test_the_page_offers_one_file_input_per_file_field(client, bank, actor, person, media):
    task = _fake_card_report(actor)
    client.force_login(person("monitor_bj"))
    page = client.get(f"/incidents/{task.incident.number}/", **EN).content.decode()
    assert f'name="ev_report" id="ev-{task.pk}-report"' in page
    assert f'name="ev_card_copy" id="ev-{task.pk}-card_copy"' in page
    data = {f"ev_{k}": v for k, v in sample_evidence(task).items()}
    data |= {"ev_report": _png("r.png"), "ev_card_copy": _png("card.png")}
    client.post(f"/incidents/{task.incident.number}/tasks/{task.pk}/done/", data, **EN)
    page = client.get(f"/incidents/{task.incident.number}/", **EN).content.decode()
    # Each file says the field it is for, on the step and on the evidence card.
    assert '<span class="muted">Copy of the fake card:</span> <a' in page
    assert "Report to head office" in page or "Important-matter report" in page
    assert "· Important-matter report</div>" in page
    assert "Attached the file card.png as “Copy of the fake card” of “" in page  # timeline


# --- files reach storage before the incident is locked -------------------------------------


class RecordingStorage(FileSystemStorage):
    """The evidence storage, recording for each file written whether the database was inside
    a transaction then and (on PostgreSQL) whether another connection could lock the
    incident row at that moment."""

    events: list[dict] = []
    incident_id: int | None = None
    sqls: list[str] | None = None

    def _save(self, name, content):
        event: dict = {
            "name": name,
            "in_transaction": connection.in_atomic_block,
            "queries_before": len(self.sqls) if self.sqls is not None else None,
        }
        if connection.vendor == "postgresql" and self.incident_id is not None:
            other = connection.copy()
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM incidents_incident WHERE id = %s FOR UPDATE NOWAIT",
                        [self.incident_id],
                    )
                event["incident_lockable"] = True
            except Exception:  # noqa: BLE001 - LockNotAvailable: someone holds the row
                event["incident_lockable"] = False
            finally:
                other.close()
        type(self).events.append(event)
        return super()._save(name, content)


@pytest.fixture
def recording_storage(settings, media):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RecordingStorage"},
    }
    RecordingStorage.events = []
    RecordingStorage.incident_id = None
    yield RecordingStorage
    RecordingStorage.events = []
    RecordingStorage.sqls = None


def _complete_with_recording(actor, storage, *, sqls: list[str]) -> Task:
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    storage.incident_id = incident.pk
    storage.sqls = sqls

    def record(execute, sql, params, many, context):
        sqls.append(sql)
        return execute(sql, params, many, context)

    assert isinstance(evidence_storage(), RecordingStorage)
    teller = actor("teller_bj_hd")
    with connection.execute_wrapper(record):
        services.task_complete(
            actor=teller,
            task_id=task.pk,
            evidence=sample_evidence(task),
            files={"statement": [_png()]},
        )
    return task


@pytest.mark.django_db(transaction=True)
def test_files_are_stored_outside_the_transaction_before_the_incident_lock(
    bank, actor, recording_storage
):
    sqls: list[str] = []
    task = _complete_with_recording(actor, recording_storage, sqls=sqls)
    (event,) = recording_storage.events
    # Written outside any transaction, before the service's first query (the lock).
    assert event["in_transaction"] is False
    assert event["queries_before"] == 0, sqls
    assert "incidents_incident" in sqls[1]  # the lock: after the task's incident id
    assert Evidence.objects.get(task=task).file.name.startswith(EVIDENCE_PREFIX)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_slow_storage_never_holds_the_incident_row_lock(bank, actor, recording_storage):
    sqls: list[str] = []
    _complete_with_recording(actor, recording_storage, sqls=sqls)
    (event,) = recording_storage.events
    # While the file was being written, anyone else could still lock the incident row.
    assert event["in_transaction"] is False
    assert event["incident_lockable"] is True
    assert any("FOR UPDATE" in sql and "incidents_incident" in sql for sql in sqls)


# --- orphans ---------------------------------------------------------------------------------


def _age(media: Path, name: str, minutes: int) -> None:
    then = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    os.utime(media / name, (then, then))


def test_the_sweep_deletes_old_orphans_and_keeps_referenced_and_recent_files(
    bank, actor, media, settings
):
    settings.EVIDENCE_ORPHAN_MINUTES = 60
    incident = _file(actor)
    kept = services.evidence_attach(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, uploaded_file=_png("kept.png")
    )
    orphan = evidence_stage(_png("crash.png"))  # stored, then the process died
    recent = evidence_stage(_png("in-flight.png"))  # stored, its write not committed yet
    outside = evidence_storage().save("other/not-evidence.txt", ContentFile(b"x"))
    for name in (kept.file.name, orphan.name, outside):
        _age(media, name, 120)
    assert evidence_orphans_sweep() == 1
    remaining = _stored(media)
    assert orphan.name not in remaining
    assert kept.file.name in remaining and recent.name in remaining
    assert (media / outside).exists()
    # Once old enough, the uncommitted one goes too; the referenced file never does.
    assert evidence_orphans_sweep(now=timezone.now() + datetime.timedelta(minutes=61)) == 1
    assert _stored(media) == [kept.file.name]


def test_the_orphan_sweep_runs_hourly_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["evidence-orphans-sweep"]
    assert entry["task"] == "incidents.tasks.evidence_orphans_sweep"
    assert entry["schedule"] == 3600.0
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks


# --- identifier evidence is validated like filing -------------------------------------------


def _impostor_refusal(actor) -> Task:
    return _task(_file(actor, "impostor_customer"), "refuse_business")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This resident ID number fails its check"),
        ("zh-hans", "校验"),
    ],
)
def test_a_bad_resident_id_in_step_evidence_is_refused_by_field_in_each_language(
    bank, actor, media, language, message
):
    task = _impostor_refusal(actor)
    before = _snapshot(task.incident)
    values = {**sample_evidence(task), "id_number": "110105194912310021"}
    with translation.override(language), pytest.raises(InvalidInput) as refused:
        services.task_complete(actor=actor("teller_bj_hd"), task_id=task.pk, evidence=values)
    assert list(refused.value.fields) == ["evidence.id_number"]
    assert message in refused.value.fields["evidence.id_number"][0]
    assert _snapshot(task.incident) == before


def test_a_bad_resident_id_on_the_page_names_the_field(client, bank, actor, person, media):
    task = _impostor_refusal(actor)
    client.force_login(person("teller_bj_hd"))
    data = {f"ev_{k}": v for k, v in sample_evidence(task).items()}
    data["ev_id_number"] = "11010519491231002"
    for headers, expected in (
        (EN, "ID number presented: Enter an 18-character resident ID number"),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, "所持证件号码"),
    ):
        response = client.post(
            f"/incidents/{task.incident.number}/tasks/{task.pk}/done/",
            data,
            follow=True,
            **headers,
        )
        assert expected in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.evidence == {}


FULL_WIDTH_ID = "１１０１０５１９４９１２３１００２ｘ"  # as typed on a Chinese keyboard


@pytest.mark.parametrize(
    ("incident_type", "code", "name", "typed", "stored"),
    [
        ("impostor_customer", "refuse_business", "id_number", FULL_WIDTH_ID, "11010519491231002X"),
        ("telecom_fraud", "stop_payment", "account_number", "6222 0202-0011 2233 445",
         "6222020200112233445"),
        ("forged_documents", "confiscate_documents", "id_number", "91350100M000100Y43",
         "91350100M000100Y43"),
    ],
)  # fmt: skip
def test_identifier_evidence_is_stored_normalised(
    bank, actor, media, incident_type, code, name, typed, stored
):
    task = _task(_file(actor, incident_type), code)
    values = {**sample_evidence(task), name: typed}
    services.task_complete(
        actor=actor("teller_bj_hd"),
        task_id=task.pk,
        evidence=values,
        # A step done by its records (the stop-payment: by its request) recorded by hand
        # says why no record does it.
        note="核心系统暂不可用，已在柜面系统直接止付。",
        files={
            f["name"]: [_png()]
            for f in task.step.evidence
            if f["type"] == EvidenceType.FILE and f["required"]
        },
    )
    task.refresh_from_db()
    assert task.evidence[name] == stored


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        (EvidenceType.CARD, "6222021000112233440"),  # fails Luhn
        (EvidenceType.PHONE, "12345"),
        (EvidenceType.ACCOUNT, "12-AB"),
        (EvidenceType.DOCUMENT_NUMBER, "91350100M000100Y4X"),
    ],
)
def test_each_identifier_type_refuses_a_bad_value(bank, actor, media, kind, bad):
    from incidents.services.tasks import IDENTIFIER_NORMALISERS

    assert IDENTIFIER_NORMALISERS[kind](SAMPLE_IDENTIFIERS[kind])
    incident = _file(actor)
    task = _task(incident, "stop_payment")
    step = task.step
    # A copy of the step's fields with one identifier field of this type (the playbook
    # version is frozen once in use, so the task's step is edited in the test database).
    step.evidence = [*step.evidence, {"name": "extra", "label_zh": "号码", "label_en":
                     "Extra", "type": kind, "required": True}]  # fmt: skip
    type(step).objects.filter(pk=step.pk).update(evidence=step.evidence)
    values = {**sample_evidence(task), "extra": bad}
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(
            actor=actor("teller_bj_hd"),
            task_id=task.pk,
            evidence=values,
            note="核心系统暂不可用，已在柜面系统直接止付。",  # by hand: why no request does it
        )
    assert list(refused.value.fields) == ["evidence.extra"]


# --- the data migration ----------------------------------------------------------------------


def test_the_migration_binds_existing_step_files_to_their_field_by_label(bank, actor, media):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("incidents.migrations.0005_evidence_field")
    task = _fake_card_report(actor)
    general = services.evidence_attach(
        actor=actor("monitor_bj"), incident_id=task.incident_id, uploaded_file=_png("g.png")
    )

    def old_style(description: str) -> Evidence:
        staged = evidence_stage(_png())
        return Evidence.objects.create(
            incident_id=task.incident_id,
            task=task,
            file=staged.name,
            original_name="x.png",
            content_type="image/png",
            size=staged.size,
            sha256=staged.sha256,
            description=description,
        )

    by_zh = old_style(next(f["label_zh"] for f in task.step.evidence if f["name"] == "card_copy"))
    by_en = old_style("Important-matter report")
    unknown = old_style("something else")
    migration.bind_files_to_fields(apps, None)
    fields = dict(Evidence.objects.values_list("pk", "field"))
    assert fields[by_zh.pk] == "card_copy"
    assert fields[by_en.pk] == "report"
    assert fields[unknown.pk] == ""  # two file fields: no guess
    assert fields[general.pk] == ""


def test_a_field_that_says_multiple_takes_several_files(bank, actor, media):
    incident = _file(actor)
    task = _task(incident, "transaction_history")
    evidence = [
        {**f, "multiple": True} if f["name"] == "statement" else f for f in task.step.evidence
    ]
    type(task.step).objects.filter(pk=task.step.pk).update(evidence=evidence)
    services.task_complete(
        actor=actor("teller_bj_hd"),
        task_id=task.pk,
        evidence=sample_evidence(task),
        files={"statement": [_png("p1.png"), _png("p2.png")]},
    )
    assert list(Evidence.objects.values_list("field", flat=True)) == ["statement", "statement"]
    assert len(_stored(media)) == 2
