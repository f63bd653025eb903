"""Cells for files people open in a spreadsheet (CSV and XLSX exports).

A text cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading the same characters) is read as a formula by Excel and
LibreOffice: a fraudster's name typed as `=HYPERLINK(...)` would run on the analyst's
machine. `safe_cell` puts an apostrophe before such text, as OWASP recommends, so it shows
as typed and never runs. Numbers, dates and booleans are kept as they are.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
