"""@mentions in a comment's text: `@username` (a full-width ＠ counts too). An address such
as `a@bank.cn` is not a mention: the @ must not follow a letter, digit or dot."""

from __future__ import annotations

import re

# Django's usernames: letters, digits and @ . + - _; a mention ends before trailing dots
# and dashes ("@teller_bj_hd." at the end of a sentence).
MENTION = re.compile(r"(?<![\w.@＠])[@＠]([A-Za-z0-9_][A-Za-z0-9_.+-]*)")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned in `text`, each once, in order of first mention."""
    found: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        found.setdefault(match.group(1).rstrip(".-+"), None)
    return [name for name in found if name]
