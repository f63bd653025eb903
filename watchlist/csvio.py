"""Bulk CSV import (head office) and CSV export of the watch list.

An import is checked row by row first; if any row is wrong nothing is published and the
per-row error report can be downloaded. Only a clean file is published, in one transaction
(all or nothing). The work runs in a Celery task; progress is kept on the ImportJob row
(updated outside the publishing transaction) and polled by the page.

Files may be UTF-8 (with or without the BOM Excel adds) or GB18030/GBK, which is what Excel
on a Chinese Windows saves "CSV" as.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput, PermissionRefused
from fraudops.core.outbox import TransientError, outbox_enqueue, outbox_handler
from fraudops.core.services import refusals_audited

from . import permissions, services, subjects
from .choices import EntryKind, EntryStatus, ImportStatus, NominationStatus, OutboxKind
from .models import Entry, ImportJob, Nomination

IMPORT_COLUMNS = (
    "kind",
    "name",
    "id_number",
    "documents",
    "org_code",
    "account_number",
    "holder_name",
    "bank_name",
    "phone",
    "url",
    "match_whole_domain",
    "reference_number",
    "features",
    "reason",
    "review_on",
    "expires_on",
)
# Columns an export carries that an import reads past (so an export can be edited and
# re-imported elsewhere).
EXPORT_ONLY_COLUMNS = (
    "id",
    "status",
    "domain",
    "published_at",
    "nominating_unit",
    "source_incident",
)
EXPORT_COLUMNS = (
    "id",
    "status",
    *IMPORT_COLUMNS,
    "domain",
    "published_at",
    "nominating_unit",
    "source_incident",
)
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
PROGRESS_EVERY = 250


def _kind_aliases() -> dict[str, str]:
    """Kinds by code and by label in either language ("person", "个人", "Person")."""
    aliases = {}
    for code, _label in EntryKind.choices:
        aliases[code] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                aliases[str(EntryKind(code).label).strip().lower()] = code
    return aliases


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(fields={"file": [_("Save the file as UTF-8 or GBK text (CSV).")]})


def _read(job: ImportJob) -> tuple[list[str], list[dict[str, str]]]:
    with job.file.open("rb") as handle:
        raw = handle.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput(fields={"file": [_("The file is larger than 20 MB; split it.")]})
    reader = csv.DictReader(io.StringIO(_decode(raw), newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "kind" not in header:
        raise InvalidInput(
            fields={"file": [_("The first line must name the columns, including “kind”.")]}
        )
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS]
    if unknown:
        raise InvalidInput(
            fields={
                "file": [
                    _("Unknown columns: %(columns)s. Use: %(known)s.")
                    % {"columns": ", ".join(unknown), "known": ", ".join(IMPORT_COLUMNS)}
                ]
            }
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_IMPORT_ROWS:
            raise InvalidInput(
                fields={"file": [_("At most %(max)d rows per file.") % {"max": MAX_IMPORT_ROWS}]}
            )
        rows.append({k: _unescape((v or "").strip()) for k, v in row.items() if k})
    if not rows:
        raise InvalidInput(fields={"file": [_("The file has no rows under its header line.")]})
    return header, rows


def _unescape(value: str) -> str:
    """Undo the quote an export puts before cells such as "+8613800138000"."""
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


@refusals_audited
def import_create(*, actor: Actor, uploaded_file, reason: str = "") -> ImportJob:
    """Head office uploads a CSV file; its rows are checked and published by a task."""
    if not permissions.can_decide(actor):
        raise PermissionRefused(
            _("Only head-office operations monitors import entries."), action="watchlist.import"
        )
    name = getattr(uploaded_file, "name", "") or "import.csv"
    if not name.lower().endswith((".csv", ".txt")):
        raise InvalidInput(fields={"file": [_("Upload a .csv file.")]})
    if getattr(uploaded_file, "size", 0) > MAX_IMPORT_BYTES:
        raise InvalidInput(fields={"file": [_("The file is larger than 20 MB; split it.")]})
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor.user,
            file=uploaded_file,
            original_name=name[:255],
            reason=chinese.prose(reason)[:2000],
        )
        audit_record(
            actor=actor,
            action="watchlist.import_uploaded",
            thread=f"watchlist-import:{job.pk}",
            target=job.original_name,
            after={"file": job.original_name},
        )
        # Through the outbox: if the broker is down at commit, the job still runs later.
        outbox_enqueue(
            kind=OutboxKind.IMPORT_RUN,
            payload={"job_id": job.pk, "ip": actor.ip},
            dedupe_key=f"watchlist-import:{job.pk}",
        )
    return job


@outbox_handler(OutboxKind.IMPORT_RUN)
def _relay_import(payload: dict) -> None:
    """Queue the import task. The import is not run here: it can take minutes and commits
    its progress as it goes, which the relay's short task and transaction cannot hold. The
    task is idempotent (a job that already started is skipped), so queueing twice is safe."""
    from .tasks import import_run as import_task

    try:
        import_task.apply_async(args=(payload["job_id"], payload.get("ip")), retry=False)
    except Exception as exc:  # whatever the broker raises: try again later
        raise TransientError(f"Could not queue import job {payload['job_id']}: {exc}") from exc


def _progress(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def _check_rows(job: ImportJob, rows: list[dict[str, str]]) -> tuple[list[dict], list[list[str]]]:
    """Validate every row; returns the cleaned rows and the error lines (line, column, error)."""
    aliases = _kind_aliases()
    today = timezone.localdate()
    cleaned_rows: list[dict] = []
    errors: list[list[str]] = []
    seen: dict[str, int] = {}
    default_reason = job.reason
    for index, row in enumerate(rows):
        line = index + 2  # the header is line 1
        problems: list[tuple[str, str]] = []
        kind = aliases.get(row.get("kind", "").strip().lower(), "")
        cleaned: dict = {}
        if not kind:
            problems.append(
                ("kind", _("Use one of: %(choices)s.") % {"choices": ", ".join(EntryKind.values)})
            )
        else:
            try:
                cleaned = subjects.subject_clean(kind=kind, raw=row)
            except InvalidInput as exc:
                problems += [(f, m) for f, messages in exc.fields.items() for m in messages]
        reason = chinese.prose(row.get("reason")) or default_reason
        if not reason:
            problems.append(("reason", _("Give a reason (in the row or for the whole file).")))
        dates = {}
        for column in ("review_on", "expires_on"):
            try:
                dates[column] = services._date(row.get(column), field=column, today=today)
            except InvalidInput as exc:
                problems += [(column, m) for m in exc.fields[column]]
        if cleaned:
            key = cleaned["value_key"]
            if key in seen:
                problems.append(
                    ("kind", _("Same entry as line %(line)d of this file.") % {"line": seen[key]})
                )
            seen.setdefault(key, line)
        for column, message in problems:
            errors.append([str(line), column, message])
        if not problems:
            cleaned_rows.append(
                {"line": line, "kind": kind, "subject": cleaned, "reason": reason[:2000], **dates}
            )
        if (index + 1) % PROGRESS_EVERY == 0:
            _progress(job.pk, processed_rows=index + 1)
    # Already listed or awaiting a decision: one query each for the whole file.
    keys = [r["subject"]["value_key"] for r in cleaned_rows]
    listed = set()
    nominated = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        listed |= set(
            Entry.objects.filter(value_key__in=chunk, status=EntryStatus.ACTIVE).values_list(
                "value_key", flat=True
            )
        )
        nominated |= set(
            Nomination.objects.filter(
                value_key__in=chunk, status=NominationStatus.OPEN
            ).values_list("value_key", flat=True)
        )
    for row in cleaned_rows:
        key = row["subject"]["value_key"]
        if key in listed:
            errors.append([str(row["line"]), "kind", _("Already on the watch list.")])
        elif key in nominated:
            errors.append(
                [str(row["line"]), "kind", _("Already nominated: decide the nomination instead.")]
            )
    errors.sort(key=lambda e: int(e[0]))
    return cleaned_rows, errors


def _error_report(header: list[str], rows: list[dict[str, str]], errors: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "error", *header])
    for line, column, message in errors:
        original = rows[int(line) - 2]
        writer.writerow([line, column, message, *[original.get(h, "") for h in header]])
    return out.getvalue()


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
            header, rows = _read(job)
        except InvalidInput as exc:
            message = " ".join(m for messages in exc.fields.values() for m in messages)
            _progress(
                job.pk, status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
            )
            return ImportJob.objects.get(pk=job.pk)
        _progress(job.pk, total_rows=len(rows), processed_rows=0)
        cleaned_rows, errors = _check_rows(job, rows)
        if errors:
            _progress(
                job.pk,
                status=ImportStatus.FAILED,
                processed_rows=len(rows),
                error_count=len(errors),
                error_report=_error_report(header, rows, errors),
                message=_("Nothing was imported: %(n)d problems in %(rows)d rows.")
                % {"n": len(errors), "rows": len({e[0] for e in errors})},
                finished_at=timezone.now(),
            )
            return ImportJob.objects.get(pk=job.pk)
        _progress(job.pk, status=ImportStatus.WRITING, processed_rows=len(rows))
        services.entries_import_publish(job=job, rows=cleaned_rows, ip=ip)
    return ImportJob.objects.get(pk=job.pk)


# --- export ----------------------------------------------------------------------------------


def export_rows(entries: Iterable[Entry]) -> Iterator[list[str]]:
    yield list(EXPORT_COLUMNS)
    for entry in entries:
        documents = "; ".join(f"{d['type']}:{d['number']}" for d in entry.documents or [])
        values = {
            "id": entry.pk,
            "status": entry.status,
            **subjects.subject_data(entry),
            "documents": documents,
            "match_whole_domain": "yes" if entry.match_whole_domain else "no",
            "reason": entry.reason,
            "review_on": entry.review_on.isoformat() if entry.review_on else "",
            "expires_on": entry.expires_on.isoformat() if entry.expires_on else "",
            "published_at": timezone.localtime(entry.published_at).isoformat(timespec="seconds"),
            "nominating_unit": entry.nominating_unit.code if entry.nominating_unit_id else "",
            "source_incident": entry.source_incident.number if entry.source_incident_id else "",
        }
        yield [_safe_cell(values.get(column, "")) for column in EXPORT_COLUMNS]


def _safe_cell(value) -> str:
    """Keep spreadsheet formulas out of exported cells (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class Echo:
    def write(self, value: str) -> str:
        return value


def export_stream(entries: Iterable[Entry]) -> Iterator[str]:
    """CSV text, BOM first so Excel opens it as UTF-8."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    for row in export_rows(entries):
        yield writer.writerow(row)


def error_lines(report: str, *, limit: int = 200) -> list[dict[str, str]]:
    """The first lines of an error report, for the page (the download has them all)."""
    reader = csv.reader(io.StringIO(report))
    next(reader, None)
    lines = []
    for row in reader:
        if len(lines) >= limit:
            break
        lines.append({"line": row[0], "column": row[1], "error": row[2]})
    return lines
