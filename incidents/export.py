"""The incident list as a file: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and
XLSX (openpyxl in write-only mode: rows are streamed into the file, never held as a
workbook). Column headers and choice labels are in the active language; every text cell
goes through `fraudops.core.spreadsheet.safe_cell`, so nothing typed into an incident can
run as a formula in the spreadsheet that opens it.

The rows come from the same selector and filters as the list page (the viewer's subtree
only); the view refuses more than `MAX_ROWS` and records the export in the audit trail.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.spreadsheet import safe_cell

from .models import Incident

MAX_ROWS = 10_000


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets have no time zones: the local (Asia/Shanghai) wall time, naive.
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


COLUMNS: tuple[tuple[Callable[[], str], Callable[[Incident], Any]], ...] = (
    (lambda: _("Number"), lambda i: i.number),
    (lambda: _("Type"), lambda i: i.incident_type.name),
    (lambda: _("State"), lambda i: i.get_state_display()),
    (lambda: _("Branch"), lambda i: i.unit.name),
    (lambda: _("Branch code"), lambda i: i.unit.code),
    (lambda: _("Filed at"), lambda i: _local(i.filed_at)),
    (lambda: _("Occurred at"), lambda i: _local(i.occurred_at)),
    (lambda: _("Channel"), lambda i: i.get_channel_display()),
    (lambda: _("Fraud script"), lambda i: i.get_fraud_script_display()),
    (lambda: _("Outcome"), lambda i: i.get_outcome_display()),
    (lambda: _("Amount lost"), lambda i: i.amount_lost),
    (lambda: _("Amount recovered"), lambda i: i.amount_recovered),
    (lambda: _("Amount prevented"), lambda i: i.amount_prevented),
    (lambda: _("Serious"), lambda i: _yes_no(i.serious)),
    # Annotated by selectors.incident_list.
    (lambda: _("Open steps"), lambda i: getattr(i, "open_task_count", None)),
    (lambda: _("Overdue steps"), lambda i: getattr(i, "overdue_task_count", None)),
    (lambda: _("External reference"), lambda i: i.external_reference),
    # A customer-safety event is not a fraud: a sum over the fraud rows leaves it out.
    (lambda: _("Group"), lambda i: i.incident_type.get_group_display()),
)


def header() -> list[str]:
    return [title() for title, _value in COLUMNS]


def rows(incidents: Iterable[Incident]) -> Iterator[list[Any]]:
    """One list of cells per incident (typed values: datetimes, Decimals, ints, text)."""
    for incident in incidents:
        yield [safe_cell(value(incident)) for _title, value in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def csv_stream(incidents: Iterable[Incident]) -> Iterator[str]:
    """CSV text, the BOM first so Excel opens it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header())
    for row in rows(incidents):
        yield writer.writerow([_csv_text(cell) for cell in row])


def xlsx_bytes(incidents: Iterable[Incident]) -> bytes:
    """An XLSX workbook of one sheet, written row by row (write-only mode)."""
    from openpyxl import Workbook  # heavy: only the XLSX export loads it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Incidents")[:31])
    sheet.append(header())
    for row in rows(incidents):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
