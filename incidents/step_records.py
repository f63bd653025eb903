"""Steps done by their records: the extension point through which apps above incidents
complete playbook steps with their own records instead of a form.

A playbook step names a *record source* (`done_by: watchlist.nomination` in its YAML
file); the app that owns those records registers the source from its AppConfig.ready():

    register_record_source(
        "watchlist.nomination",
        label=_("Watch-list nominations"),
        describe=nominations_describe,        # record ids -> {id: RecordRef}, one query
        raise_url=lambda incident: incident.get_absolute_url() + "#watchlist",
        raise_label=_("Nominate from the watch-list panel"),
        rule=ANY,
    )

and its services call `incidents.services.task_record_attach(...)` inside their own
transaction whenever such a record is made or reaches a result. The incident keeps the link
(`TaskRecord`); the step is recorded as done, once, when the source's `rule` says so:
`ANY` (one record that has done its part completes the step: a nomination raised) or `ALL`
(every linked record has: head office decided every nomination). A record made before its
step exists (the sub-branch approved a stop-payment while the branch still held the
incident) is linked when the step's level opens, and completes it then.

The incident page and the API show each step's records through `records_for_tasks`, which
asks each source to describe its records once per page (one query per source, not one per
row). Registering a key twice replaces it (the tests' app registry reloads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.functional import Promise

from .models import Incident, Task, TaskRecord

ANY = "any"
ALL = "all"


@dataclass(frozen=True)
class RecordRef:
    """One record as a step shows it: its label (the record's number), where to open it,
    its state in words (and its badge tone), and whether it has done its part (what the
    source's `describe` says; the step shows what the last `task_record_attach` said)."""

    label: str
    url: str
    state: str
    done: bool
    tone: str = ""


@dataclass(frozen=True)
class RecordSource:
    key: str
    label: str | Promise
    describe: Callable[[list[int]], dict[int, RecordRef]]
    raise_url: Callable[[Any], str] | None = None
    raise_label: str | Promise = ""
    rule: str = ANY


_sources: dict[str, RecordSource] = {}


def register_record_source(
    key: str,
    *,
    label: str | Promise,
    describe: Callable[[list[int]], dict[int, RecordRef]],
    raise_url: Callable[[Any], str] | None = None,
    raise_label: str | Promise = "",
    rule: str = ANY,
) -> None:
    """Declare a record source: `describe(record_ids) -> {record_id: RecordRef}` in one
    query; `raise_url(incident)`: where to raise such a record for this incident (shown on
    the step while it is open); `rule`: `ANY` or `ALL` (see the module's docstring)."""
    if rule not in (ANY, ALL):
        raise ValueError(f"rule must be {ANY!r} or {ALL!r}, not {rule!r}")
    _sources[key] = RecordSource(
        key=key,
        label=label,
        describe=describe,
        raise_url=raise_url,
        raise_label=raise_label,
        rule=rule,
    )


def record_source(key: str) -> RecordSource | None:
    return _sources.get(key)


def record_sources() -> dict[str, RecordSource]:
    return dict(_sources)


@dataclass(frozen=True)
class StepRecords:
    """What a step shows of its records: the source, its records (newest last) and where
    to raise another one."""

    source: RecordSource | None
    records: list[RecordRef]
    raise_url: str = ""


def records_for_tasks(tasks: Iterable[Task], *, incident: Incident) -> dict[int, StepRecords]:
    """The records of each task done by records (task id -> StepRecords): one query for the
    links, then one `describe` per source, whatever the number of steps and records."""
    by_source_task = [task for task in tasks if task.step.done_by]
    if not by_source_task:
        return {}
    links = list(
        TaskRecord.objects.filter(task__in=[task.pk for task in by_source_task]).order_by(
            "created_at", "id"
        )
    )
    ids_by_source: dict[str, list[int]] = defaultdict(list)
    for link in links:
        ids_by_source[link.source].append(link.record_id)
    described: dict[tuple[str, int], RecordRef] = {}
    for key, ids in ids_by_source.items():
        source = _sources.get(key)
        if source is None:
            continue
        for record_id, ref in source.describe(ids).items():
            described[(key, record_id)] = ref
    result: dict[int, StepRecords] = {}
    for task in by_source_task:
        source = _sources.get(task.step.done_by)
        refs: list[RecordRef] = []
        for link in links:
            if link.task_id != task.pk:
                continue
            # Whether it has done its part is the incident's own record of it (the source
            # says so at every result); the rest is the record as it is now.
            found = described.get((link.source, link.record_id))
            refs.append(
                replace(found, done=link.done)
                if found is not None
                else RecordRef(label=link.label, url="", state="", done=link.done)
            )
        url = source.raise_url(incident) if source and source.raise_url else ""
        result[task.pk] = StepRecords(source=source, records=refs, raise_url=url)
    return result
