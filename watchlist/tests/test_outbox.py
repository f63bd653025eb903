"""Work the watch list must not lose when the broker is down at commit: the re-screening of
an incident whose screening at filing ran out of time, and a CSV import job. Both are
outbox rows written in the same transaction, relayed with retries (fraudops.core.outbox)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction

from fraudops.core.models import OutboxMessage
from fraudops.core.outbox import outbox_relay_batch
from incidents import services as incident_services
from incidents.models import Incident
from tests.incident_data import filing
from watchlist import screening, services, tasks
from watchlist.choices import OutboxKind
from watchlist.models import ImportJob, IncidentScreeningHit

PENDING = OutboxMessage.Status.PENDING


def _out_of_time(*args, **kwargs):
    raise OperationalError("canceling statement due to statement timeout")


def _file(actor) -> Incident:
    return incident_services.incident_file(actor=actor("teller_bj_hd"), data=filing())


def _rows(kind: str):
    return OutboxMessage.objects.filter(kind=kind)


class _Rollback(Exception):
    pass


def test_rescreening_is_written_with_the_incident_and_relaying_it_screens(
    actor, publish, monkeypatch
):
    entry = publish("phone", {"phone": "13900139000"})  # the payee's phone
    monkeypatch.setattr(screening, "_exact_lookup", _out_of_time)

    # The row is part of the filing transaction: rolled back with it...
    with pytest.raises(_Rollback), transaction.atomic():
        _file(actor)
        assert _rows(OutboxKind.INCIDENT_RESCREEN).count() == 1
        raise _Rollback
    assert not _rows(OutboxKind.INCIDENT_RESCREEN).exists()
    assert not Incident.objects.exists()

    # ... and committed with it.
    incident = _file(actor)
    row = _rows(OutboxKind.INCIDENT_RESCREEN).get()
    assert row.payload == {"incident_id": incident.pk} and row.status == PENDING
    assert not IncidentScreeningHit.objects.filter(incident=incident).exists()

    monkeypatch.undo()
    outbox_relay_batch()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    hit = IncidentScreeningHit.objects.get(incident=incident, entry=entry)
    assert (hit.field, hit.decision) == ("phone", "hit")


def test_a_rescreening_out_of_time_again_is_retried_later(actor, monkeypatch):
    monkeypatch.setattr(screening, "_exact_lookup", _out_of_time)
    incident = _file(actor)
    outbox_relay_batch()
    row = _rows(OutboxKind.INCIDENT_RESCREEN).get()
    assert (row.status, row.attempts) == (PENDING, 1)
    assert incident.number in row.last_error
    assert row.next_attempt_at > row.created_at


def _upload(actor) -> ImportJob:
    upload = SimpleUploadedFile("list.csv", b"kind,phone,reason\nphone,13700137000,x\n")
    return services.import_create(actor=actor("ho_monitor"), uploaded_file=upload)


def test_import_job_is_queued_through_the_outbox_and_survives_a_broker_outage(actor, monkeypatch):
    job = _upload(actor)
    row = _rows(OutboxKind.IMPORT_RUN).get()
    assert row.payload == {"job_id": job.pk, "ip": "10.0.0.1"}

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.import_run, "apply_async", broker_down)
    outbox_relay_batch()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (PENDING, 1)  # kept, tried again later

    queued = []
    monkeypatch.setattr(tasks.import_run, "apply_async", lambda **kw: queued.append(kw))
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    outbox_relay_batch()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert queued == [{"args": (job.pk, "10.0.0.1"), "retry": False}]
    # What the task then does, with the uploader's address for the audit trail.
    tasks.import_run(*queued[0]["args"])
    assert ImportJob.objects.get(pk=job.pk).status == "done"
