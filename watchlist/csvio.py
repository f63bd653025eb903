"""Bulk CSV import (head office) and CSV export of the watch list.

The file format: its columns, reading and decoding it, checking every row, the per-row
error report, and the export. The import itself (upload, run, publish) is
`services/imports.py`, which calls these.

Files may be UTF-8 (with or without the BOM Excel adds) or GB18030/GBK, which is what Excel
on a Chinese Windows saves "CSV" as.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fraudops.core.errors import InvalidInput
from fraudops.core.parsing import FieldErrors, parse_date, parse_prose

from . import subjects
from .choices import EntryKind, EntryStatus, NominationStatus
from .models import MAX_REASON, Entry, ImportJob, Nomination

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


def file_read(job: ImportJob) -> tuple[list[str], list[dict[str, str]]]:
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


def rows_check(
    job: ImportJob,
    rows: list[dict[str, str]],
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict], list[list[str]]]:
    """Validate every row; returns the cleaned rows and the error lines (line, column, error).
    `progress(n)` is told every PROGRESS_EVERY rows how many were checked."""
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
        found = FieldErrors()
        reason = (
            found.collect(
                parse_prose, row.get("reason"), field="reason", max_length=MAX_REASON, fallback=""
            )
            or default_reason
        )
        if not reason and not found:
            found.add("reason", _("Give a reason (in the row or for the whole file)."))
        dates = {
            column: found.collect(parse_date, row.get(column), field=column, not_before=today)
            for column in ("review_on", "expires_on")
        }
        problems += [(f, m) for f, messages in found.fields.items() for m in messages]
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
                {"line": line, "kind": kind, "subject": cleaned, "reason": reason, **dates}
            )
        if progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1)
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


def error_report(header: list[str], rows: list[dict[str, str]], errors: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "error", *header])
    for line, column, message in errors:
        original = rows[int(line) - 2]
        writer.writerow([line, column, message, *[original.get(h, "") for h in header]])
    return out.getvalue()


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
