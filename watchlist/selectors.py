"""Reads of the watch list: entries, nominations, history, the change feed, incident hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.changes import list_marker
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import AuditEvent
from incidents.choices import AccountRole, IdType, PartyRole, VehicleKind
from incidents.models import Incident

from . import matching, permissions, subjects
from .choices import DocumentType, EntryKind, EntryStatus, KeyKind, NominationStatus
from .models import (
    Entry,
    EntryChange,
    EntryKey,
    ImportJob,
    IncidentScreeningHit,
    NameKey,
    Nomination,
    WatchlistSettings,
)
from .probes import prepare_party


def watchlist_settings() -> WatchlistSettings:
    """Head office's settings row (created with the defaults the first time)."""
    row = WatchlistSettings.objects.filter(pk=1).first()
    if row is None:
        row, _created = WatchlistSettings.objects.get_or_create(pk=1)
    return row


def entry_list(
    *, actor: Actor, kind: str = "", status: str = "", query: str = ""
) -> QuerySet[Entry]:
    permissions.check_may_read(actor)
    qs = Entry.objects.select_related("nominating_unit", "source_incident")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    text = (query or "").strip()[:200]
    if text:
        qs = qs.filter(_search(text))
    return qs.order_by("-published_at", "-id")


def _search(text: str) -> Q:
    """Index lookups only (the list may hold a million entries): an identifier in any of
    its normalised forms, a name by its pinyin and Latin keys, or an entry number; the
    free-text features of forged bills and fake cards are searched among those kinds."""
    party = prepare_party(
        {"id_number": text, "phone": text, "account": text, "url": text, "org_code": text}
    )
    pairs = {(kind, value) for _field, kind, value in party.exact if kind != KeyKind.DOMAIN}
    pairs |= {(KeyKind.BILL, subjects.compact_upper(text))}
    found = Q()
    for kind, value in pairs:
        found |= Q(kind=kind, value=value)
    ids = set(EntryKey.objects.filter(found).values_list("entry_id", flat=True)[:SEARCH_LIMIT])
    name = matching.name_query(text)
    if name is not None:
        found = Q()
        for kind, value in name.keys:
            if kind != "pw":
                found |= Q(kind=kind, value=value)
        if found:
            ids |= set(
                NameKey.objects.filter(found).values_list("entry_id", flat=True)[:SEARCH_LIMIT]
            )
    if text.isdigit() and len(text) < 12:
        ids.add(int(text))
    return Q(pk__in=sorted(ids)) | Q(
        kind__in=[EntryKind.FORGED_BILL, EntryKind.FAKE_CARD], features__icontains=text
    )


SEARCH_LIMIT = 2000
PAGE_RELATED = (
    "nominating_unit",
    "nominated_by",
    "decided_by",
    "source_incident",
    "removed_by",
    "last_reviewed_by",
)


def entry_get(*, actor: Actor, entry_id: int, related: tuple[str, ...] = PAGE_RELATED) -> Entry:
    """One entry by primary key (`related`: what the caller shows of its relations)."""
    permissions.check_may_read(actor)
    entry = Entry.objects.select_related(*related).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


ENTRY_API_FIELDS = (
    "id",
    "kind",
    "status",
    "name",
    "id_number",
    "documents",
    "org_code",
    "account_number",
    "holder_name",
    "bank_name",
    "phone",
    "url",
    "domain",
    "match_whole_domain",
    "reference_number",
    "features",
    "reason",
    "published_at",
    "review_on",
    "expires_on",
    "removed_at",
    "removal_reason",
)


def entry_row(*, actor: Actor, entry_id: int) -> dict[str, Any]:
    """One entry as plain data for the API: a single primary-key read (the benchmark's
    baseline), with its exact keys while active."""
    permissions.check_may_read(actor)
    row = (
        Entry.objects.filter(pk=entry_id)
        .values(
            *ENTRY_API_FIELDS,
            source_incident_number=F("source_incident__number"),
            nominating_unit_code=F("nominating_unit__code"),
        )
        .first()
    )
    if row is None:
        raise NotFound(_("No such entry."))
    row["source_incident"] = row.pop("source_incident_number")
    row["nominating_unit"] = row.pop("nominating_unit_code")
    keys = []
    if row["status"] == EntryStatus.ACTIVE:
        subject = SimpleNamespace(**row)
        keys = [{"kind": k, "value": v} for k, v in sorted(subjects.exact_keys(subject))]
    row["keys"] = keys
    return row


def entry_history(*, entry: Entry) -> QuerySet[AuditEvent]:
    """The entry's own events and those of the nomination(s) that led to it."""
    threads = [entry.thread] + [
        f"watchlist-nomination:{pk}" for pk in entry.nominations.values_list("pk", flat=True)
    ]
    return (
        AuditEvent.objects.filter(thread__in=threads)
        .select_related("actor_unit", "actor_user")
        .order_by("at", "id")
    )


def entries_due_for_review(*, actor: Actor, today=None) -> QuerySet[Entry]:
    """Active entries whose review date has come (oldest first)."""
    permissions.check_may_read(actor)
    today = today or timezone.localdate()
    return (
        Entry.objects.filter(status=EntryStatus.ACTIVE, review_on__lte=today)
        .select_related("nominating_unit")
        .order_by("review_on", "id")
    )


def nomination_list(*, actor: Actor, status: str = "") -> QuerySet[Nomination]:
    """Head office sees every nomination; a sub-branch its own unit's."""
    permissions.check_may_see_nominations(actor)
    qs = Nomination.objects.select_related(
        "nominating_unit", "nominated_by", "decided_by", "source_incident", "entry"
    )
    if not permissions.sees_all_nominations(actor):
        path = actor.subtree_path()
        if path is not None:
            qs = qs.filter(nominating_unit__path__startswith=path)
    if status:
        qs = qs.filter(status=status)
    if status == NominationStatus.OPEN:
        return qs.order_by("due_at", "id")
    return qs.order_by("-created_at", "-id")


def nomination_get(*, actor: Actor, nomination_id: int) -> Nomination:
    nomination = nomination_list(actor=actor).filter(pk=nomination_id).first()
    if nomination is None:
        raise NotFound(_("No such nomination."))
    return nomination


def nomination_history(*, nomination: Nomination) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(thread=nomination.thread)
        .select_related("actor_unit", "actor_user")
        .order_by("at", "id")
    )


# --- the change feed -------------------------------------------------------------------------

FEED_PAGE = 100
FEED_MAX_PAGE = 1000


def parse_cursor(cursor: str | None) -> int:
    if cursor in (None, ""):
        return 0
    text = str(cursor).strip()
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput(fields={"cursor": [_("Use the next_cursor of the previous page.")]})
    return int(text)


def changes_since(*, actor: Actor, cursor: str | None, limit: int = FEED_PAGE) -> dict[str, Any]:
    """Every publish, update, removal and expiry after `cursor`, in commit order."""
    permissions.check_may_read(actor)
    after = parse_cursor(cursor)
    limit = max(1, min(int(limit or FEED_PAGE), FEED_MAX_PAGE))
    rows = list(
        EntryChange.objects.filter(seq__gt=after)
        .order_by("seq")
        .values("seq", "action", "at", "entry_id", "data")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "changes": rows,
        "next_cursor": str(rows[-1]["seq"] if rows else after),
        "has_more": has_more,
    }


# --- incidents -------------------------------------------------------------------------------


@dataclass
class Offer:
    """Something on an incident that can be nominated with one click."""

    source_ref: str
    kind: str
    data: dict
    label: str
    role: str = ""
    value_key: str = ""
    listed_entry_id: int | None = None
    open_nomination_id: int | None = None
    problems: list[str] = field(default_factory=list)


def _party_offers(incident: Incident) -> list[Offer]:
    offers = []
    for party in incident.parties.all():
        if party.role in (PartyRole.VICTIM, PartyRole.CUSTOMER):
            continue  # victims (and a safety event's customer) are never listed
        role = party.get_role_display()
        if party.name or party.id_number:
            if party.id_type == IdType.USCC or (
                party.role == PartyRole.BILL_DRAWER and not party.id_number
            ):
                kind = EntryKind.ORGANISATION
                data = {"name": party.name, "org_code": party.id_number}
            else:
                kind = EntryKind.PERSON
                data = {"name": party.name}
                if party.id_type == IdType.RESIDENT_ID:
                    data["id_number"] = party.id_number
                elif party.id_number:
                    doc_type = (
                        party.id_type
                        if party.id_type in DocumentType.values
                        else DocumentType.OTHER
                    )
                    data["documents"] = [{"type": doc_type, "number": party.id_number}]
            label = " · ".join(v for v in (party.name, party.id_number) if v)
            offers.append(Offer(f"party:{party.pk}", kind, data, label, role))
        if party.phone:
            offers.append(
                Offer(
                    f"party-phone:{party.pk}",
                    EntryKind.PHONE,
                    {"phone": party.phone},
                    party.phone,
                    role,
                )
            )
    return offers


def incident_offers(*, incident: Incident) -> list[Offer]:
    """The parties (not victims), accounts (not victims') and fraud vehicles of an incident
    as ready-made nominations, each with whether it is already listed or nominated."""
    offers = _party_offers(incident)
    for account in incident.accounts.all():
        if account.role == AccountRole.VICTIM:
            continue
        offers.append(
            Offer(
                f"account:{account.pk}",
                EntryKind.ACCOUNT,
                {
                    "account_number": account.number,
                    "holder_name": account.holder_name,
                    "bank_name": account.bank_name,
                },
                " · ".join(v for v in (account.number, account.holder_name) if v),
                account.get_role_display(),
            )
        )
    type_code = incident.incident_type_id
    for vehicle in incident.vehicles.all():
        data: dict | None = None
        if vehicle.kind == VehicleKind.PHISHING_URL:
            kind, data = EntryKind.WEBSITE, {"url": vehicle.value}
        elif vehicle.kind == VehicleKind.FRAUD_PHONE:
            kind, data = EntryKind.PHONE, {"phone": vehicle.value}
        elif vehicle.kind == VehicleKind.FORGED_ITEM and type_code == "forged_bills":
            kind, data = EntryKind.FORGED_BILL, {"features": vehicle.value + "\n" + vehicle.notes}
        elif vehicle.kind == VehicleKind.FORGED_ITEM and type_code == "fake_credit_card":
            kind, data = EntryKind.FAKE_CARD, {"features": vehicle.value + "\n" + vehicle.notes}
        if data is not None:
            offers.append(
                Offer(
                    f"vehicle:{vehicle.pk}", kind, data, vehicle.value, vehicle.get_kind_display()
                )
            )
    for offer in offers:
        try:
            cleaned = subjects.subject_clean(kind=offer.kind, raw=offer.data)
        except InvalidInput as exc:
            offer.problems = [m for messages in exc.fields.values() for m in messages]
            continue
        offer.data = {k: v for k, v in cleaned.items() if k != "value_key"}
        offer.value_key = cleaned["value_key"]
    keys = [o.value_key for o in offers if o.value_key]
    if keys:
        listed = dict(
            Entry.objects.filter(value_key__in=keys, status=EntryStatus.ACTIVE).values_list(
                "value_key", "pk"
            )
        )
        nominated = dict(
            Nomination.objects.filter(value_key__in=keys, status=NominationStatus.OPEN).values_list(
                "value_key", "pk"
            )
        )
        for offer in offers:
            offer.listed_entry_id = listed.get(offer.value_key)
            offer.open_nomination_id = nominated.get(offer.value_key)
    return offers


def incident_offer(*, incident: Incident, source_ref: str) -> Offer | None:
    for offer in incident_offers(incident=incident):
        if offer.source_ref == source_ref:
            return None if offer.problems else offer
    return None


def incident_hits(*, incident: Incident) -> QuerySet[IncidentScreeningHit]:
    return (
        IncidentScreeningHit.objects.filter(incident=incident)
        .select_related("entry")
        .order_by("-decision", "-score", "id")
    )


def incidents_with_active_hits(*, incident_ids: list[int]) -> dict[int, str]:
    """Which of these incidents matched an entry that is still active, and how strongly
    ("hit" beats "review"). One query."""
    found: dict[int, str] = {}
    rows = (
        IncidentScreeningHit.objects.filter(
            incident_id__in=incident_ids, entry__status=EntryStatus.ACTIVE
        )
        .values_list("incident_id", "decision")
        .distinct()
    )
    for incident_id, decision in rows:
        if found.get(incident_id) != "hit":
            found[incident_id] = decision
    return found


# --- imports ---------------------------------------------------------------------------------


def import_list(*, actor: Actor) -> QuerySet[ImportJob]:
    permissions.check_may_import(actor, action="")
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")


def import_get(*, actor: Actor, job_id: int) -> ImportJob:
    job = import_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def page_marker(*, page: Any) -> str:
    """A list page's change marker (docs/live-updates.md): how many rows the list has, the
    rows of this page with their status, and the events of their threads (one query)."""
    rows = list(page.object_list)
    return list_marker(
        rows=[("count", page.paginator.count)] + [(row.pk, row.status) for row in rows],
        threads=[row.thread for row in rows],
    )
