"""Extension points of the incident pages, so that other apps slot in without editing them.

- A *panel* is a block on the incident page (account control, watch-list hits, ...):
  `register_panel("controls", template="controls/_incident_panel.html", context=func, order=30)`
  where `func(incident, actor) -> dict` returns the template's context (or None to hide it).
- A *badge* marks incidents in queues and lists (e.g. "watch-list hit"):
  `register_badges("watchlist", func)` where `func(incident_ids, actor) -> {id: [Badge, ...]}`
  is called once per page with every incident on it, so it costs one query, not one per row.
- A *next action* is what the person should do now, shown at the top of the incident page
  above the steps (e.g. "request a stop-payment now"):
  `register_next_actions("controls", func)` where `func(incident, actor) -> [NextAction, ...]`
  returns what this person may do now (an empty list when nothing).
- A *home panel* is a block on the home queue ("My work") under the steps, for work that is
  not an incident's step (open complaints with their reply deadlines):
  `register_home_panel("complaints", template="complaints/_home_panel.html", context=func,
  order=50)` where `func(actor) -> dict` returns the template's context (or None to hide it);
  keep it to a fixed number of queries (the home page's count is pinned).

Apps register from their AppConfig.ready().
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable
    order: int = 50


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str = "warning"  # info | warning | danger
    url: str = ""


@dataclass(frozen=True)
class NextAction:
    """One thing to do now. `urgency` orders the block: NOW (act this minute: a hold, a
    reversal) before DUE (a step with its clock) before LATER; `countdown` is the deadline
    shown beside it (None: no clock)."""

    label: str
    url: str
    urgency: int = 1
    countdown: datetime.datetime | None = None
    hint: str = ""
    testid: str = ""

    NOW = 0
    DUE = 1
    LATER = 2


_panels: dict[str, Panel] = {}
_home_panels: dict[str, Panel] = {}
_home_markers: dict[str, Callable] = {}
_badge_sources: dict[str, Callable] = {}
_next_action_sources: dict[str, Callable] = {}


def register_panel(name: str, *, template: str, context: Callable, order: int = 50) -> None:
    _panels[name] = Panel(name=name, template=template, context=context, order=order)


def register_home_panel(
    name: str,
    *,
    template: str,
    context: Callable,
    order: int = 50,
    marker: Callable | None = None,
) -> None:
    """A block of the home queue. `marker(actor) -> (rows, threads)`: what the block lists
    (hashable rows) and their audit threads, in one query, so that the home queue's live
    marker changes when the block would (docs/live-updates.md)."""
    _home_panels[name] = Panel(name=name, template=template, context=context, order=order)
    if marker is not None:
        _home_markers[name] = marker


def home_panel_marks(*, actor) -> tuple[list[tuple], list[str]]:
    """The registered home blocks' rows (each tagged with its block's name) and threads."""
    rows: list[tuple] = []
    threads: list[str] = []
    for name, marker in sorted(_home_markers.items()):
        block_rows, block_threads = marker(actor)
        rows.extend((name, *row) for row in block_rows)
        threads.extend(block_threads)
    return rows, threads


def home_panels(*, actor) -> list[dict]:
    """The registered home-queue blocks this actor sees: name, template, context."""
    rendered = []
    for panel in sorted(_home_panels.values(), key=lambda p: p.order):
        context = panel.context(actor)
        if context is not None:
            rendered.append({"name": panel.name, "template": panel.template, "context": context})
    return rendered


def register_badges(name: str, source: Callable) -> None:
    _badge_sources[name] = source


def register_next_actions(name: str, source: Callable) -> None:
    _next_action_sources[name] = source


def registered_next_actions(*, incident, actor) -> list[NextAction]:
    """What the registered apps say this person should do now on `incident`."""
    found: list[NextAction] = []
    for source in _next_action_sources.values():
        found.extend(source(incident, actor))
    return found


def incident_panels(*, incident, actor) -> list[dict]:
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(incident, actor)
        if context is not None:
            rendered.append({"name": panel.name, "template": panel.template, "context": context})
    return rendered


def incident_badges(*, incident_ids: Iterable[int], actor) -> dict[int, list[Badge]]:
    ids = list(incident_ids)
    badges: dict[int, list[Badge]] = {pk: [] for pk in ids}
    if not ids:
        return badges
    for source in _badge_sources.values():
        for pk, items in source(ids, actor).items():
            badges.setdefault(pk, []).extend(items)
    return badges
