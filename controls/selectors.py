"""Reads of account control, always limited to what the actor may see: requests on
incidents in their subtree, requests their region decides (including those received from
other regions) and, for head office, everything."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.changes import list_marker
from fraudops.core.choices import Level, Role
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import OrgUnit
from incidents.models import Incident

from .choices import (
    HOLD_KINDS,
    IN_FLIGHT_STATES,
    PENDING_STATES,
    ControlKind,
    Period,
)
from .models import AssistanceRequest, ControlRequest, FreezeInstruction
from .permissions import approver_role

# PostgreSQL's planning time grows steeply with the number of joined tables: on the list of
# requests it was 0.5 ms with 5 joins, 1.6 ms with 7 and 14 to 38 ms with 12, far more
# than executing the query. So reads join at most MAX_JOINS tables (the ones the visibility
# filter needs) and fetch the other related rows with one small query each.
MAX_JOINS = 5
RELATED = (
    "incident",
    "incident__incident_type",
    "incident__unit",
    "approving_unit",
    "opening_unit",
)
PREFETCHED = (
    "requesting_unit",
    "requested_by",
    "first_approved_by",
    "second_approved_by",
    "rejected_by",
    "reviewed_by",
    "instruction",
    "releases",
)


def with_related(qs: QuerySet[ControlRequest]) -> QuerySet[ControlRequest]:
    """Everything the pages and the API show of each request, in a constant number of
    queries and never more than MAX_JOINS joins."""
    return qs.select_related(*RELATED).prefetch_related(*PREFETCHED)


def _visible(qs: QuerySet[ControlRequest], actor: Actor) -> QuerySet[ControlRequest]:
    path = actor.subtree_path()
    if path is None:
        return qs
    return qs.filter(
        Q(incident__unit__path__startswith=path)
        | Q(approving_unit__path__startswith=path)
        | Q(opening_unit__path__startswith=path)
    )


def control_request_list(*, actor: Actor) -> QuerySet[ControlRequest]:
    return _visible(with_related(ControlRequest.objects.all()), actor).order_by(
        "-requested_at", "-id"
    )


def control_request_get(*, actor: Actor, number: str) -> ControlRequest:
    control = control_request_list(actor=actor).filter(number=number).first()
    if control is None:
        raise NotFound()
    return control


def approval_queue(*, actor: Actor) -> QuerySet[ControlRequest]:
    """Requests waiting for a decision by the actor's unit in a role the actor holds, oldest
    deadline first (requests received from other regions included)."""
    if actor.unit is None or actor.user is None:
        return ControlRequest.objects.none()
    kinds = [kind for kind in ControlKind.values if actor.has_role(approver_role(kind))]
    if not kinds:
        return ControlRequest.objects.none()
    return (
        ControlRequest.objects.filter(
            approving_unit=actor.unit, state__in=PENDING_STATES, kind__in=kinds
        )
        .select_related(*RELATED)
        .prefetch_related(
            *PREFETCHED,
            Prefetch("assistance", AssistanceRequest.objects.select_related("from_unit")),
            "incident__parties",
        )
        .order_by("due_at", "id")
    )


def review_queue(*, actor: Actor) -> QuerySet[ControlRequest]:
    """Immediate stop-payments the branches of the actor's sub-branch put on without
    approval, not reviewed yet, oldest first: for its operations monitors."""
    if actor.unit is None or actor.user is None or not actor.has_role(Role.SUB_BRANCH_MONITOR):
        return ControlRequest.objects.none()
    return with_related(
        ControlRequest.objects.filter(
            approving_unit=actor.unit, immediate=True, reviewed_at__isnull=True
        )
    ).order_by("requested_at", "id")


def assistance_queue(*, actor: Actor) -> QuerySet[AssistanceRequest]:
    """Assistance requests the actor's region received (head office: every one, as it is
    copied on them), open ones first by deadline."""
    qs = AssistanceRequest.objects.select_related(
        "incident", "incident__incident_type", "incident__unit", "from_unit", "to_unit"
    ).prefetch_related(
        "requested_by",
        "acknowledged_by",
        Prefetch(
            "control_requests",
            queryset=ControlRequest.objects.select_related("opening_unit").order_by("id"),
        ),
    )
    if actor.unit is None:
        return qs.none()
    if actor.unit.level == Level.HEAD_OFFICE:
        pass
    elif actor.unit.level == Level.SUB_BRANCH:
        qs = qs.filter(Q(to_unit=actor.unit) | Q(from_unit=actor.unit))
    else:
        qs = qs.filter(incident__unit=actor.unit)
    return qs.order_by("state", "due_at", "id")


def assistance_get(*, actor: Actor, pk: int) -> AssistanceRequest:
    assistance = assistance_queue(actor=actor).filter(pk=pk).first()
    if assistance is None:
        raise NotFound()
    return assistance


def assisting_unit_ids(*, incident) -> set[int]:
    """The regions asked for assistance on `incident` (their monitors may act on it)."""
    return set(
        AssistanceRequest.objects.filter(incident=incident).values_list("to_unit_id", flat=True)
    )


def incident_for_control(*, actor: Actor, number: str) -> Incident:
    """The incident an account-control form acts on: in the actor's subtree, or in a region
    that asked the actor's unit for assistance; NotFound otherwise, exactly as for a missing
    one (the services' `scope_subtree_or_assisting` rule, read before the form is handled)."""
    incident = Incident.objects.select_related("unit").filter(number=number).first()
    if incident is None or not (
        actor.sees(incident.unit)
        or (actor.unit is not None and actor.unit.pk in assisting_unit_ids(incident=incident))
    ):
        raise NotFound(_("No such incident."))
    return incident


def _in_flight(qs: QuerySet[ControlRequest], actor: Actor) -> QuerySet[ControlRequest]:
    """Approved requests awaiting core banking that the actor's unit approved or the actor
    raised, oldest approval first."""
    if actor.unit is None or actor.user is None:
        return qs.none()
    return (
        _visible(qs, actor)
        .filter(
            Q(approving_unit=actor.unit) | Q(requested_by=actor.user),
            state__in=IN_FLIGHT_STATES,
        )
        .order_by("approved_at", "id")
    )


def in_flight_queue(*, actor: Actor, limit: int = 50) -> list[ControlRequest]:
    return list(_in_flight(with_related(ControlRequest.objects.all()), actor)[:limit])


def queue_marker(
    *,
    controls: Iterable[tuple[int, str, int]],
    assistances: Iterable[tuple[int, str, int]],
) -> str:
    """The queue page's change marker (docs/live-updates.md) from its rows, (pk, state,
    incident pk): one query, on the audit threads of their incidents."""
    controls, assistances = list(controls), list(assistances)
    return list_marker(
        rows=[("c", *row) for row in controls] + [("a", *row) for row in assistances],
        threads=[f"incident:{incident_id}" for _pk, _s, incident_id in controls + assistances],
    )


def queue_change_marker(*, actor: Actor) -> str:
    """What the queue page lists, as (pk, state, incident) rows only, and its marker: six
    queries however long the queue."""
    row = ("pk", "state", "incident_id")
    controls = list(approval_queue(actor=actor).prefetch_related(None).values_list(*row))
    # The immediate stop-payments waiting for the sub-branch's review after the fact.
    controls += list(review_queue(actor=actor).prefetch_related(None).values_list(*row)[:50])
    controls += list(_in_flight(ControlRequest.objects.all(), actor).values_list(*row)[:50])
    if actor.user is not None:
        controls += list(
            ControlRequest.objects.filter(requested_by=actor.user)
            .order_by("-requested_at", "-id")
            .values_list(*row)[:20]
        )
    assistances = list(assistance_queue(actor=actor).prefetch_related(None).values_list(*row)[:50])
    return queue_marker(controls=controls, assistances=assistances)


def my_requests(*, actor: Actor, limit: int = 20) -> list[ControlRequest]:
    if actor.user is None:
        return []
    return list(
        with_related(ControlRequest.objects.filter(requested_by=actor.user)).order_by(
            "-requested_at", "-id"
        )[:limit]
    )


def incident_controls(*, incident) -> list[ControlRequest]:
    return list(
        ControlRequest.objects.filter(incident=incident)
        .select_related("approving_unit", "opening_unit", "instruction", "assistance")
        .prefetch_related(
            "requested_by", "first_approved_by", "second_approved_by", "rejected_by", "releases"
        )
        .order_by("requested_at", "id")
    )


def freeze_instruction_list(*, actor: Actor, status: str | None = None) -> QuerySet:
    qs = FreezeInstruction.objects.select_related(
        "control", "control__incident", "unit", "releases"
    )
    path = actor.subtree_path()
    if path is not None:
        qs = qs.filter(unit__path__startswith=path)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("issued_at", "id")


def freeze_instruction_get(*, actor: Actor, pk: int) -> FreezeInstruction:
    instruction = freeze_instruction_list(actor=actor).filter(pk=pk).first()
    if instruction is None:
        raise NotFound()
    return instruction


# --- timeliness -------------------------------------------------------------------------------


def _seconds(start, end) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def incident_timeliness(*, incident, controls: Iterable[ControlRequest]) -> dict:
    """Filing → first request → first approval → first execution for one incident, in
    seconds (None where that point is not reached yet). Releases do not count."""
    relevant = [c for c in controls if c.kind != ControlKind.RELEASE]
    requested = min((c.requested_at for c in relevant), default=None)
    approved = min((c.approved_at for c in relevant if c.approved_at), default=None)
    executed = min((c.executed_at for c in relevant if c.executed_at), default=None)
    return {
        "filed_at": incident.filed_at,
        "first_requested_at": requested,
        "first_approved_at": approved,
        "first_executed_at": executed,
        "filing_to_request": _seconds(incident.filed_at, requested),
        "request_to_approval": _seconds(requested, approved),
        "approval_to_execution": _seconds(approved, executed),
        "filing_to_execution": _seconds(incident.filed_at, executed),
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _distribution(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "min": None, "p50": None, "p90": None, "max": None, "mean": None}
    return {
        "count": len(values),
        "min": round(min(values), 1),
        "p50": round(_percentile(values, 0.5), 1),
        "p90": round(_percentile(values, 0.9), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def _period_start(moment: datetime.datetime, period: str) -> datetime.date:
    day = timezone.localtime(moment).date()
    if period == Period.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    return day


MEASURES = (
    "filing_to_request",
    "request_to_approval",
    "approval_to_execution",
    "filing_to_execution",
)


def control_timeliness(
    *,
    actor: Actor,
    period: str = Period.MONTH,
    group_by: str = Level.SUB_BRANCH,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    unit: OrgUnit | None = None,
) -> list[dict]:
    """Distributions (seconds: count, min, p50, p90, max, mean) of filing → request →
    approval → execution per unit and period, over the incidents the actor sees that had a
    stop-payment, freeze or reversal requested. `group_by` is the level of the unit the
    incident is counted under (its filing branch or that branch's sub-branch); periods are
    local calendar days, ISO weeks (from Monday) or months of the incident's filing."""
    if period not in Period.values:
        raise InvalidInput(fields={"period": [_("Use one of: %s.") % ", ".join(Period.values)]})
    if group_by not in (Level.BRANCH, Level.SUB_BRANCH):
        raise InvalidInput(fields={"group_by": [_("Use branch or sub_branch.")]})
    qs = ControlRequest.objects.filter(
        kind__in=[*HOLD_KINDS, ControlKind.REVERSAL],
    ).select_related("incident", "incident__unit", "incident__unit__parent")
    path = actor.subtree_path()
    if path is not None:
        qs = qs.filter(
            Q(incident__unit__path__startswith=path) | Q(approving_unit__path__startswith=path)
        )
    if unit is not None:
        qs = qs.filter(incident__unit__path__startswith=unit.path)
    if since is not None:
        qs = qs.filter(incident__filed_at__gte=since)
    if until is not None:
        qs = qs.filter(incident__filed_at__lt=until)
    by_incident: dict[int, list[ControlRequest]] = defaultdict(list)
    # The states too: ConcurrentTransitionMixin reads each row's state when it loads it,
    # one query per row and per model if deferred.
    for control in qs.only(
        "kind",
        "state",
        "incident__state",
        "requested_at",
        "approved_at",
        "executed_at",
        "incident__filed_at",
        "incident__unit__code",
        "incident__unit__path",
        "incident__unit__parent__code",
        "incident__unit__parent__name_zh",
        "incident__unit__parent__name_en",
        "incident__unit__name_zh",
        "incident__unit__name_en",
    ):
        by_incident[control.incident_id].append(control)
    buckets: dict[tuple, dict] = {}
    for controls in by_incident.values():
        incident = controls[0].incident
        group_unit = incident.unit if group_by == Level.BRANCH else incident.unit.parent
        key = (group_unit.code, _period_start(incident.filed_at, period))
        bucket = buckets.setdefault(
            key,
            {
                "unit": group_unit.code,
                "unit_name": group_unit.name,
                "period_start": key[1],
                "incidents": 0,
                **{measure: [] for measure in MEASURES},
            },
        )
        bucket["incidents"] += 1
        figures = incident_timeliness(incident=incident, controls=controls)
        for measure in MEASURES:
            if figures[measure] is not None:
                bucket[measure].append(figures[measure])
    rows = []
    for key in sorted(buckets):
        bucket = buckets[key]
        rows.append(
            {
                **{k: v for k, v in bucket.items() if k not in MEASURES},
                **{measure: _distribution(bucket[measure]) for measure in MEASURES},
            }
        )
    return rows
