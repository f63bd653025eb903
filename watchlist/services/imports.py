"""The bulk CSV import (head office): upload, check, publish.

An import is checked row by row first (`csvio.rows_check`); if any row is wrong nothing is
published and the per-row error report can be downloaded. Only a clean file is published,
in one transaction (all or nothing). The work runs in a Celery task (`tasks.import_run`,
queued through the outbox); progress is kept on the ImportJob row (updated outside the
publishing transaction) and polled by the page.

Locks: publishing takes the change-feed counter, then the job's row (order in `locks.py`).
"""

from __future__ import annotations

from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record, audit_record_many
from fraudops.core.errors import InvalidInput
from fraudops.core.models import User
from fraudops.core.outbox import outbox_enqueue
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited

from .. import csvio, permissions
from ..choices import ChangeAction, ImportStatus, OutboxKind
from ..models import MAX_REASON, Entry, ImportJob
from .entries import (
    entries_changes_record,
    entries_index,
    entry_build,
    entry_snapshot,
    review_on_default,
)


@refusals_audited
def import_create(*, actor: Actor, uploaded_file: UploadedFile, reason: str = "") -> ImportJob:
    """Head office uploads a CSV file; its rows are checked and published by a task."""
    permissions.check_may_import(actor)
    name = getattr(uploaded_file, "name", "") or "import.csv"
    if not name.lower().endswith((".csv", ".txt")):
        raise InvalidInput(fields={"file": [_("Upload a .csv file.")]})
    if getattr(uploaded_file, "size", 0) > csvio.MAX_IMPORT_BYTES:
        raise InvalidInput(fields={"file": [_("The file is larger than 20 MB; split it.")]})
    reason = parse_prose(reason, field="reason", max_length=MAX_REASON)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=cast(User, actor.user),  # check_may_import passed: a person
            file=uploaded_file,
            original_name=name[:255],
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="watchlist.import_uploaded",
            thread=f"watchlist-import:{job.pk}",
            target=job.original_name,
            after={"file": job.original_name},
        )
        # Through the outbox: if the broker is down at commit, the job still runs later
        # (relayed by `tasks._relay_import`).
        outbox_enqueue(
            kind=OutboxKind.IMPORT_RUN,
            payload={"job_id": job.pk, "ip": actor.ip},
            dedupe_key=f"watchlist-import:{job.pk}",
        )
    return job


def _progress(job_id: int, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def import_run(*, job_id: int, ip: str | None = None) -> ImportJob | None:
    """Check and publish an uploaded file (the Celery task calls this). Idempotent: a job
    that already started is left alone. `ip`: where the file was uploaded from, for the
    audit trail."""
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.VALIDATING, started_at=now
    ):
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.created_by.language or "zh-hans"):
        try:
            header, rows = csvio.file_read(job)
        except InvalidInput as exc:
            message = " ".join(m for messages in exc.fields.values() for m in messages)
            _progress(
                job.pk, status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
            )
            return ImportJob.objects.get(pk=job.pk)
        _progress(job.pk, total_rows=len(rows), processed_rows=0)
        cleaned_rows, errors = csvio.rows_check(
            job, rows, progress=lambda n: _progress(job.pk, processed_rows=n)
        )
        if errors:
            _progress(
                job.pk,
                status=ImportStatus.FAILED,
                processed_rows=len(rows),
                error_count=len(errors),
                error_report=csvio.error_report(header, rows, errors),
                message=_("Nothing was imported: %(n)d problems in %(rows)d rows.")
                % {"n": len(errors), "rows": len({e[0] for e in errors})},
                finished_at=timezone.now(),
            )
            return ImportJob.objects.get(pk=job.pk)
        _progress(job.pk, status=ImportStatus.WRITING, processed_rows=len(rows))
        entries_import_publish(job=job, rows=cleaned_rows, ip=ip)
    return ImportJob.objects.get(pk=job.pk)


def entries_import_publish(
    *, job: ImportJob, rows: list[dict[str, Any]], ip: str | None = None
) -> int:
    """Publish the checked rows of a CSV import in one transaction (all or nothing): the
    entries as `nomination_approve` builds them (review date defaulting to the review
    period), their keys, one `publish` change each, their audit events in one insert, and
    the import's own event. The job's author is the actor. Returns how many were published.

    Called by `import_run` once every row passed its checks (`rows`: the line, kind,
    cleaned subject, reason and dates of each).
    """
    actor = Actor.for_user(job.created_by, ip=ip)
    today = timezone.localdate()
    default_review = review_on_default(today)
    now = timezone.now()
    with transaction.atomic():
        entries = [
            entry_build(
                kind=row["kind"],
                subject=row["subject"],
                reason=row["reason"],
                published_at=now,
                review_on=row["review_on"] or default_review,
                expires_on=row["expires_on"],
                nominating_unit=job.created_by.unit,
                decided_by=job.created_by,
                import_job=job,
            )
            for row in rows
        ]
        Entry.objects.bulk_create(entries, batch_size=1000)
        entries_index(entries)
        entries_changes_record(entries, ChangeAction.PUBLISH)
        audit_record_many(
            actor=actor,
            events=[
                {
                    "action": "watchlist.entry_published",
                    "thread": entry.thread,
                    "target": f"#{entry.pk}",
                    "after": entry_snapshot(entry),
                    "data": {"import": job.pk},
                }
                for entry in entries
            ],
        )
        audit_record(
            actor=actor,
            action="watchlist.import_published",
            thread=f"watchlist-import:{job.pk}",
            target=job.original_name,
            after={"entries": len(entries)},
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            created_count=len(entries),
            message=_("%(n)d entries published.") % {"n": len(entries)},
            finished_at=timezone.now(),
        )
    return len(entries)
