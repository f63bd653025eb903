"""The two languages: pick the one being read, render the ones being stored.

FraudOps speaks Simplified Chinese (the default) and English. Data entered in both
(unit names, playbook titles) is shown with `pick(zh, en)`; messages stored for later readers
(notifications, emails, clock titles) are rendered in both with `bilingual(...)` /
`bilingual_text(...)`, so each person later reads their own language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.utils import translation
from django.utils.translation import gettext

__all__ = [
    "LANGUAGES",
    "bilingual",
    "bilingual_fields",
    "bilingual_text",
    "is_chinese",
    "pick",
]

T = TypeVar("T")

#: The stored languages, Chinese first; the suffix is the model fields' (`title_zh`).
LANGUAGES: tuple[tuple[str, str], ...] = (("zh-hans", "zh"), ("en", "en"))

Params = Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None


def is_chinese(language: str | None = None) -> bool:
    """Whether `language` (default: the active one; none active counts as Chinese) is
    Chinese."""
    return (language or translation.get_language() or "zh-hans").lower().startswith("zh")


def pick(zh: str, en: str, *, language: str | None = None) -> str:
    """The text in the active language (or `language`), falling back to the other one when
    that one is empty."""
    return (zh or en) if is_chinese(language) else (en or zh)


def bilingual(render: Callable[[], T]) -> tuple[T, T]:
    """`render()` once with Chinese active and once with English: ``(zh, en)``.

    Everything `render` translates (gettext, choice labels, `OrgUnit.name`) comes out in
    that language."""
    results = []
    for language, _suffix in LANGUAGES:
        with translation.override(language):
            results.append(render())
    return results[0], results[1]


def _params(params: Params) -> dict[str, str]:
    values = params() if callable(params) else (params or {})
    return {key: str(value) for key, value in values.items()}


def bilingual_text(message: str, params: Params = None) -> tuple[str, str]:
    """``gettext(message) % params`` in Chinese and in English.

    `message` is an English source string (marked with ``gettext_noop`` where it is
    defined). `params` is a mapping or a function returning one; a function is called once
    per language, so labels and names inside it come out in that language. Values are
    turned into text in that language too (lazy labels included).
    """

    def render() -> str:
        values = _params(params)
        text = gettext(message)
        return text % values if params is not None else text

    return bilingual(render)


def bilingual_fields(params: Params = None, **messages: str) -> dict[str, str]:
    """Several messages in both languages as model/payload fields::

    bilingual_fields(params, title=TITLE, body=BODY)
    -> {"title_zh": ..., "title_en": ..., "body_zh": ..., "body_en": ...}
    """
    fields: dict[str, str] = {}
    for language, suffix in LANGUAGES:
        with translation.override(language):
            values = _params(params)
            for name, message in messages.items():
                text = gettext(message)
                fields[f"{name}_{suffix}"] = text % values if params is not None else text
    return fields
