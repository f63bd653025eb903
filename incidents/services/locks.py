"""Row locks for writes on incidents, in one place and one order.

**Lock order: the incident row first, then its tasks (ordered by pk).** Every service that
changes an incident or one of its tasks takes its locks through these helpers inside its
`atomic()`, so two writers never wait on each other in opposite orders: the second waits on
the incident row and then sees the first one's result (one success, one Conflict). Apps
above incidents that lock an incident (account control) use `incident_lock` too, with their
own scope rule, before locking rows of their own.

A *scope rule* decides, once the incident is loaded and locked, whether the actor may reach
it at all: it raises (NotFound, so that incidents of other regions are not revealed, or a
refusal) and returns nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.concurrency import parse_expected_revision
from fraudops.core.errors import Conflict, NotFound, PermissionRefused

from ..models import Incident, Task

ScopeRule = Callable[[Actor, Incident, str], None]

# What the incidents' services read from a locked incident: its unit chain (branch →
# sub-branch → head office) and its playbook.
INCIDENT_RELATED: tuple[str, ...] = ("unit", "unit__parent", "unit__parent__parent", "playbook")


def scope_subtree_writer(actor: Actor, incident: Incident, action: str) -> None:
    """Incidents' own rule: the incident's branch lies in the actor's subtree (else
    NotFound), and an API client also holds the incidents:write scope (else refused)."""
    if not actor.sees(incident.unit):
        # Not found rather than forbidden: do not reveal incidents of other regions.
        raise NotFound(_("No such incident."))
    if actor.client is not None and not actor.has_scope(ApiScope.INCIDENTS_WRITE):
        raise PermissionRefused(
            _("This API client lacks the incidents:write scope."),
            thread=incident.thread,
            action=action,
        )


def scope_subtree_or_units(unit_ids: Callable[[Incident], Iterable[int]]) -> ScopeRule:
    """A rule for apps above incidents: the incident's branch lies in the actor's subtree,
    or the actor's unit is one of `unit_ids(incident)` (account control: the regions asked
    for assistance); NotFound otherwise. No API-scope check (the caller's API view has
    checked its own scope)."""

    def rule(actor: Actor, incident: Incident, action: str) -> None:
        if actor.sees(incident.unit):
            return
        if actor.unit is not None and actor.unit.pk in set(unit_ids(incident)):
            return
        raise NotFound(_("No such incident."))

    return rule


def incident_lock(
    *,
    actor: Actor,
    pk: int,
    action: str,
    scope: ScopeRule = scope_subtree_writer,
    related: tuple[str, ...] = INCIDENT_RELATED,
) -> Incident:
    """Fetch and lock (`SELECT … FOR UPDATE` of the incident row only) the incident `pk`,
    with `related` joined, then apply `scope` (refusals name `action`). NotFound if there
    is no such incident."""
    try:
        incident: Incident = (
            Incident.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
        )
    except Incident.DoesNotExist:
        raise NotFound(_("No such incident.")) from None
    scope(actor, incident, action)
    return incident


def task_lock(
    *, actor: Actor, pk: int, action: str, scope: ScopeRule = scope_subtree_writer
) -> tuple[Incident, Task]:
    """Lock a task's incident (within `scope`), then the task: the documented order."""
    incident_id = Task.objects.filter(pk=pk).values_list("incident_id", flat=True).first()
    if incident_id is None:
        raise NotFound(_("No such task."))
    incident = incident_lock(actor=actor, pk=incident_id, action=action, scope=scope)
    task = Task.objects.select_for_update().select_related("step", "unit").get(pk=pk)
    return incident, task


def incident_check_revision(incident: Incident, expected_revision: Any, *, action: str) -> None:
    """Refuse a write made against an older revision of the incident than the locked one
    (optimistic concurrency; `expected_revision` None or blank: the row lock alone orders
    the writes). Call it with the incident's row locked."""
    expected = parse_expected_revision(expected_revision)
    if expected is None or expected == incident.revision:
        return
    raise Conflict(
        _(
            "Someone else changed this incident's facts while you were editing (it is "
            "now at revision %(now)s, you edited revision %(yours)s). Reload it, check "
            "their change and try again."
        )
        % {"now": incident.revision, "yours": expected},
        thread=incident.thread,
        action=action,
    )
