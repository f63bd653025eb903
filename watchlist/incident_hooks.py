"""The watch list on incidents: every newly filed incident is screened, its hits shown in a
panel on the incident page (with its parties, accounts and vehicles offered for
nomination), and incidents that hit an active entry carry a badge in queues and lists.

Registered from WatchlistConfig.ready() through incidents.events and incidents.panels.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.outbox import TransientError, outbox_enqueue, outbox_handler
from incidents.choices import IdType, VehicleKind
from incidents.models import Incident
from incidents.panels import Badge

from . import permissions, selectors
from .choices import (
    DECISION_COLOURS,
    Decision,
    EntryStatus,
    HitSource,
    NominationStatus,
    OutboxKind,
    ScreeningChannel,
)
from .models import IncidentScreeningHit, Nomination
from .screening import screen


def _screening_parties(incident: Incident) -> list[tuple[str, int, dict, str]]:
    """(source, id, party fields, what was screened) for everything on the incident."""
    items: list[tuple[str, int, dict, str]] = []
    for party in incident.parties.all():
        fields: dict = {}
        if party.name:
            fields["name"] = party.name
        if party.id_number:
            key = "org_code" if party.id_type == IdType.USCC else "id_number"
            fields[key] = party.id_number
        if party.phone:
            fields["phone"] = party.phone
        if fields:
            shown = " · ".join(v for v in (party.name, party.id_number, party.phone) if v)
            items.append((HitSource.PARTY, party.pk, fields, shown))
    for account in incident.accounts.all():
        fields = {"account": account.number}
        if account.holder_name:
            fields["name"] = account.holder_name
        shown = " · ".join(v for v in (account.number, account.holder_name) if v)
        items.append((HitSource.ACCOUNT, account.pk, fields, shown))
    for vehicle in incident.vehicles.all():
        if vehicle.kind == VehicleKind.PHISHING_URL:
            items.append((HitSource.VEHICLE, vehicle.pk, {"url": vehicle.value}, vehicle.value))
        elif vehicle.kind == VehicleKind.FRAUD_PHONE:
            items.append((HitSource.VEHICLE, vehicle.pk, {"phone": vehicle.value}, vehicle.value))
    return items


def incident_screen(*, incident: Incident) -> tuple[int, bool]:
    """Screen every party, account and vehicle of an incident and store the hits.

    Returns (number of hits stored, whether the screening completed). Idempotent: running
    it again adds only new hits.
    """
    items = _screening_parties(incident)
    if not items:
        return 0, True
    actor = Actor(user=incident.filed_by, client=incident.filed_by_client, unit=incident.unit)
    results = screen(
        actor=actor,
        parties=[fields for _s, _i, fields, _v in items],
        channel=ScreeningChannel.INCIDENT,
        incident=incident,
    )
    hits = []
    for (source, source_id, _fields, shown), result in zip(items, results, strict=True):
        for hit in result.hits:
            hits.append(
                IncidentScreeningHit(
                    incident=incident,
                    entry_id=hit.entry_id,
                    source=source,
                    source_id=source_id,
                    field=hit.field,
                    value=shown[:500],
                    score=Decimal(str(hit.score)).quantize(Decimal("0.01")),
                    reason=hit.reason,
                    decision=Decision.HIT if hit.field != "name" else Decision.REVIEW,
                )
            )
    IncidentScreeningHit.objects.bulk_create(hits, ignore_conflicts=True)
    complete = all(r.complete for r in results)
    if hits or not complete:
        audit_record(
            actor=Actor.system(),
            action="watchlist.incident_screened",
            thread=incident.thread,
            target=incident.number,
            data={
                "hits": sum(1 for h in hits if h.decision == Decision.HIT),
                "reviews": sum(1 for h in hits if h.decision == Decision.REVIEW),
                "entries": sorted({h.entry_id for h in hits}),
                "complete": complete,
            },
        )
    return len(hits), complete


def on_incident_filed(*, incident: Incident) -> None:
    """Inside the filing transaction: index lookups only. If the screening ran out of time,
    an outbox row (written in the same transaction, so it exists exactly when the incident
    does) has it run again once the incident is committed; a broker outage only delays it.
    A customer-safety event is not a fraud: its customer is not screened."""
    if not incident.incident_type.is_fraud:
        return
    _count, complete = incident_screen(incident=incident)
    if not complete:
        outbox_enqueue(
            kind=OutboxKind.INCIDENT_RESCREEN,
            payload={"incident_id": incident.pk},
            dedupe_key=f"watchlist-rescreen:{incident.pk}",
        )


@outbox_handler(OutboxKind.INCIDENT_RESCREEN)
def _relay_rescreen(payload: dict) -> None:
    """Screen the incident again (idempotent: only new hits are added). Still out of time:
    the outbox tries again later, with backoff, then keeps it as a dead letter."""
    incident = Incident.objects.filter(pk=payload["incident_id"]).first()
    if incident is None:
        return
    with transaction.atomic():  # a database error rolls back this screening only
        _count, complete = incident_screen(incident=incident)
    if not complete:
        raise TransientError(f"Screening {incident.number} ran out of time again.")


def panel_context(incident: Incident, actor: Actor) -> dict | None:
    """The watch-list block on the incident page (none on a customer-safety event: nothing
    of it is nominated)."""
    if not incident.incident_type.is_fraud:
        return None
    hits = list(selectors.incident_hits(incident=incident))
    may_nominate = permissions.may_nominate(actor)
    offers = selectors.incident_offers(incident=incident) if may_nominate else []
    nominations = list(Nomination.objects.filter(source_incident=incident).order_by("-created_at"))
    if not (hits or offers or nominations):
        return None
    return {
        "watch_hits": hits,
        "watch_offers": offers,
        "watch_nominations": nominations,
        "watch_may_nominate": may_nominate,
        "watch_may_read": permissions.may_read(actor),
        "watch_open": NominationStatus.OPEN,
        "watch_listed": EntryStatus.ACTIVE,
        "watch_default_reason": _("Involved in incident %(number)s.") % {"number": incident.number},
    }


def badges(incident_ids: list[int], actor: Actor) -> dict[int, list[Badge]]:
    """Mark incidents whose screening matched an entry that is still active (one query)."""
    found = selectors.incidents_with_active_hits(incident_ids=list(incident_ids))
    hit = Badge(label=str(_("Watch-list hit")), tone=DECISION_COLOURS[Decision.HIT])
    review = Badge(label=str(_("Watch-list: check name")), tone=DECISION_COLOURS[Decision.REVIEW])
    return {pk: [hit if decision == Decision.HIT else review] for pk, decision in found.items()}


def nomination_guard(ids: list[int]) -> dict[int, bool]:
    """For the clocks' sweep: lock the nominations it may escalate; open ones still need
    their decision clock."""
    rows = (
        Nomination.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "status")
    )
    return {pk: status == NominationStatus.OPEN for pk, status in rows}


# --- sentences on the incident's timeline ------------------------------------------------------


def _what(event) -> str:
    return str((event.data or {}).get("what", ""))


def _timeline_nominated(event, context) -> str:
    return _("Nominated for the watch list: %(what)s") % {"what": _what(event)}


def _timeline_approved(event, context) -> str:
    entry = (event.data or {}).get("entry")
    return _("Head office approved the watch-list nomination: %(what)s is entry #%(entry)s") % {
        "what": _what(event),
        "entry": entry,
    }


def _timeline_rejected(event, context) -> str:
    return _("Head office rejected the watch-list nomination: %(what)s") % {"what": _what(event)}


def _timeline_withdrawn(event, context) -> str:
    return _("Watch-list nomination withdrawn: %(what)s") % {"what": _what(event)}


def _timeline_updated(event, context) -> str:
    return _("Watch-list entry corrected: %(what)s") % {"what": _what(event)}


def _timeline_removed(event, context) -> str:
    return _("Removed from the watch list: %(what)s") % {"what": _what(event)}


def _timeline_screened(event, context) -> str:
    data = event.data or {}
    text = _(
        "Screened against the watch list: %(hits)s identifier hits, %(reviews)s names to check."
    ) % {
        "hits": data.get("hits", 0),
        "reviews": data.get("reviews", 0),
    }
    if data.get("complete") is False:
        text += " " + _("Not finished in time: screened again in the background.")
    return text


TIMELINE_SENTENCES = {
    "watchlist.nominated": _timeline_nominated,
    "watchlist.nomination_approved": _timeline_approved,
    "watchlist.nomination_rejected": _timeline_rejected,
    "watchlist.nomination_withdrawn": _timeline_withdrawn,
    "watchlist.entry_updated": _timeline_updated,
    "watchlist.entry_removed": _timeline_removed,
    "watchlist.incident_screened": _timeline_screened,
}
