"""The main navigation: its links are declared in settings (``FRAUDOPS_NAV``), so core
knows no app above it and a new app adds its page with one entry.

Each entry is a dict: ``label`` (translatable), ``url`` (a URL name) or ``href`` (a path),
``active`` (path prefixes that mark it as the current page; ``"/"`` matches only the home
page, ``"!/x/"`` excludes paths under /x/) and optionally ``visible``: the dotted path of a
function taking an `Actor` and returning whether that person sees the link (for example
``"incidents.permissions.may_file"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string

from .actors import Actor

__all__ = ["NavLink", "is_active", "nav_links"]


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    active: bool


def is_active(path: str, prefixes: Iterable[str]) -> bool:
    """Whether `path` is under one of `prefixes` ("/" only matches "/"; "!/x/" excludes)."""
    prefixes = list(prefixes)
    if any(p.startswith("!") and path.startswith(p[1:]) for p in prefixes):
        return False
    return any(
        (prefix == "/" and path == "/") or (prefix != "/" and path.startswith(prefix))
        for prefix in prefixes
        if not prefix.startswith("!")
    )


def _visible(entry: dict[str, Any], actor: Callable[[], Actor]) -> bool:
    check = entry.get("visible")
    if check is None:
        return True
    if isinstance(check, str):
        check = import_string(check)
    return bool(check(actor()))


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The links the signed-in person sees, in the settings' order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    actors: list[Actor] = []

    def actor() -> Actor:  # built once, and only when an entry needs it
        if not actors:
            actors.append(Actor.for_user(user))
        return actors[0]

    links = []
    for entry in getattr(settings, "FRAUDOPS_NAV", ()):
        if not _visible(entry, actor):
            continue
        href = entry.get("href") or reverse(entry["url"])
        links.append(
            NavLink(
                label=str(entry["label"]),
                href=href,
                active=is_active(request.path, entry.get("active", ())),
            )
        )
    return links
