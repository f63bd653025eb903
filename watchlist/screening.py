"""Screening parties against the watch list: exact identifiers, then Chinese-aware names.

One request of up to 100 parties costs a fixed number of queries whatever its size: one
probe of the identifier key index for every identifier of every party, one of the name key
index for every name key, one to read head office's threshold (only when a name is
screened), and one insert into the screening log. Nothing is cached: an entry approved a
moment ago is found by the next request.

Decisions: an exact identifier hit is `hit`; a name-only match scoring at or above head
office's threshold is `review`; otherwise `clear`. A screening that runs out of its time
budget (WATCHLIST_SCREENING_BUDGET_MS; a PostgreSQL statement_timeout, a SQLite progress
handler, and a deadline between parties) answers `review` for every party it could not
finish: never a false `clear`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import time
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from fraudops.core.actors import Actor
from fraudops.core.errors import InvalidInput

from . import matching
from .choices import (
    DECISION_RANK,
    EXACT_RULE_BY_KEY,
    ORGANISATION_NAME_KINDS,
    Decision,
    EntryStatus,
    NameKeyKind,
    ScreeningChannel,
)
from .models import Entry, EntryKey, NameKey, ScreeningLog, WatchlistSettings
from .probes import MAX_FIELD_LENGTH, PreparedParty, prepare_party
from .selectors import watchlist_settings

logger = logging.getLogger(__name__)

SCREEN_FIELDS = ("name", "id_number", "phone", "account", "url", "org_code", "bill_number")
MAX_PARTIES = 100
MAX_HITS = 50
# Candidates read per name key (a key shared by more listed names than this is a very common
# name; its first ones by id are scored) and, on the portable path, per party.
MAX_CANDIDATES_PER_KEY = 1000
DEFAULT_BUDGET_MS = 500


@dataclass
class Hit:
    entry_id: int
    kind: str
    field: str
    score: float
    reason: str

    def as_dict(self) -> dict:
        return {
            "entry_id": self.entry_id,
            "kind": self.kind,
            "field": self.field,
            "score": self.score,
            "reason": self.reason,
        }


@dataclass
class PartyResult:
    decision: str
    hits: list[Hit] = field(default_factory=list)
    complete: bool = True
    invalid_fields: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "decision": self.decision,
            "hits": [hit.as_dict() for hit in self.hits],
            "complete": self.complete,
            "invalid_fields": self.invalid_fields,
        }


def screening_parties(data) -> list[dict]:
    """Check a screening request body (the shape ScreeningInputSerializer documents).

    Done by hand rather than by the serializer: this sits on core banking's payment path
    and the serializer costs a quarter of a millisecond a call. Refuses with the API's
    usual `invalid_input` error.
    """
    parties = data.get("parties") if isinstance(data, dict) else None
    if not isinstance(parties, list) or not parties:
        raise InvalidInput(fields={"parties": ["Send a list of 1 to 100 parties."]})
    if len(parties) > MAX_PARTIES or set(data) != {"parties"}:
        raise InvalidInput(fields={"parties": ["Send only “parties”: a list of 1 to 100 parties."]})
    errors: dict[str, list[str]] = {}
    for index, party in enumerate(parties):
        if not isinstance(party, dict):
            errors[f"parties[{index}]"] = ["Each party is an object of fields."]
            continue
        for key, value in party.items():
            if key not in SCREEN_FIELDS:
                errors[f"parties[{index}].{key}"] = [
                    "Unknown field; use: " + ", ".join(SCREEN_FIELDS)
                ]
            elif value is not None and not isinstance(value, str):
                errors[f"parties[{index}].{key}"] = ["Send this as a string."]
            elif value and len(value) > MAX_FIELD_LENGTH:
                errors[f"parties[{index}].{key}"] = [f"At most {MAX_FIELD_LENGTH} characters."]
    if errors:
        raise InvalidInput(fields=errors)
    return parties


def query_digest(canonical: str) -> str:
    """A keyed digest of what was screened: an auditor holding the value can check it was
    screened, but the log never holds the value (ID numbers are too few to hash plainly)."""
    return salted_hmac("fraudops.watchlist.screening", canonical, algorithm="sha256").hexdigest()[
        :32
    ]


def _budget_seconds(budget_ms: int | None) -> float:
    if budget_ms is None:
        budget_ms = getattr(settings, "WATCHLIST_SCREENING_BUDGET_MS", DEFAULT_BUDGET_MS)
    return max(1, int(budget_ms)) / 1000


@contextlib.contextmanager
def _query_deadline(deadline: float, *, restore: bool) -> Iterator[None]:
    """Make the database give up at `deadline` (raises OperationalError when it does).

    `restore`: we run inside someone else's transaction (an incident being filed), so give
    its later statements their own timeout back afterwards. After an error there is
    nothing to restore: rolling back our savepoint already did.
    """
    remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), "
                "set_config('statement_timeout', %s, true)",
                [f"{remaining_ms}ms"],
            )
            previous = cursor.fetchone()[0]
        yield
        if restore:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
    else:  # pragma: no cover - PostgreSQL and SQLite are the supported databases
        yield


def _active(prefix: str, today) -> Q:
    return Q(**{f"{prefix}status": EntryStatus.ACTIVE}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})
    )


def _group(pairs: set[tuple[str, str]]) -> Q:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in pairs:
        by_kind[kind].append(value)
    condition = Q()
    for kind, values in sorted(by_kind.items()):
        condition |= Q(kind=kind, value__in=sorted(values))
    return condition


def _exact_lookup(keys: set[tuple[str, str]], today) -> dict[tuple[str, str], list[tuple]]:
    found: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    rows = (
        EntryKey.objects.filter(_group(keys))
        .filter(_active("entry__", today))
        .values_list("kind", "value", "entry_id", "entry__kind")
    )
    for kind, value, entry_id, entry_kind in rows:
        found[(kind, value)].append((entry_id, entry_kind))
    return found


def _name_lookup(keys: set[tuple[str, str]], today, limit: int):
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    entries: dict[int, tuple[str, str, str, str]] = {}
    rows = (
        NameKey.objects.filter(_group(keys))
        .filter(_active("entry__", today))
        .values_list(
            "kind",
            "value",
            "entry_id",
            "entry__kind",
            "entry__match_name",
            "entry__match_syllables",
            "entry__match_canonical",
        )
        .order_by("entry_id")[:limit]
    )
    for kind, value, entry_id, entry_kind, name, syllables, canonical in rows:
        by_key[(kind, value)].append(entry_id)
        entries[entry_id] = (entry_kind, name, syllables, canonical)
    return by_key, entries


def _score_names(party: PreparedParty, by_key, entries, profiles, threshold: float) -> list[Hit]:
    assert party.name is not None
    candidates: set[int] = set()
    for key in party.name.keys:
        candidates.update(by_key.get(key, ()))
    hits = []
    for entry_id in candidates:
        entry_kind, name, syllables, canonical = entries[entry_id]
        organisation = entry_kind in ORGANISATION_NAME_KINDS
        stored = profiles.get(entry_id)
        if stored is None:
            stored = matching.stored_profile(name, syllables, canonical, organisation=organisation)
            profiles[entry_id] = stored
        query = party.name.organisation if organisation else party.name.person
        result = matching.name_score(query, stored)
        if result is not None and result[0] >= threshold:
            hits.append(Hit(entry_id, entry_kind, "name", round(result[0], 2), str(result[1])))
    return hits


def _keys_for(threshold: float, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The open-syllable keys find any one-character difference (0.70): read them only when
    head office's threshold lets such a match through; near-homophone slips have their
    own keys."""
    if threshold <= matching.SCORE_TYPO_FAR:
        return keys
    return {(kind, value) for kind, value in keys if kind != NameKeyKind.PINYIN_WILDCARD}


def _lookup(exact_keys, name_keys, today, deadline):
    """The portable path (SQLite, or inside the caller's transaction on PostgreSQL)."""
    exact_found: dict = {}
    by_key: dict = {}
    entries: dict = {}
    threshold = 1.0
    restore = connection.in_atomic_block
    atomic = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
    with atomic, _query_deadline(deadline, restore=restore):
        if exact_keys:
            exact_found = _exact_lookup(exact_keys, today)
        if name_keys:
            threshold = float(watchlist_settings().name_review_threshold)
            name_keys = _keys_for(threshold, name_keys)
            by_key, entries = _name_lookup(
                name_keys, today, MAX_CANDIDATES_PER_KEY * len(name_keys)
            )
    return exact_found, by_key, entries, threshold


def _one_round_trip_sql() -> str:
    entry = Entry._meta.db_table
    active = "e.status = 'active' AND (e.expires_on IS NULL OR e.expires_on >= %(today)s)"
    return f"""
SELECT set_config('statement_timeout', %(timeout)s, true);
SELECT 'x', q.kind, q.value, k.entry_id, e.kind, '', '', ''
  FROM unnest(%(exact_kinds)s::text[], %(exact_values)s::text[]) AS q(kind, value)
  JOIN {EntryKey._meta.db_table} k ON k.kind = q.kind AND k.value = q.value
  JOIN {entry} e ON e.id = k.entry_id
 WHERE {active}
UNION ALL
SELECT 'n', q.kind, q.value, c.entry_id, c.kind, c.match_name, c.match_syllables,
       c.match_canonical
  FROM unnest(%(name_kinds)s::text[], %(name_values)s::text[]) AS q(kind, value)
  CROSS JOIN (SELECT coalesce(max(name_review_threshold), 1) AS threshold
                FROM {WatchlistSettings._meta.db_table} WHERE id = 1) s
  CROSS JOIN LATERAL (
       SELECT k.entry_id, e.kind, e.match_name, e.match_syllables, e.match_canonical
         FROM {NameKey._meta.db_table} k JOIN {entry} e ON e.id = k.entry_id
        WHERE k.kind = q.kind AND k.value = q.value AND {active}
        ORDER BY k.entry_id
        LIMIT {MAX_CANDIDATES_PER_KEY}) c
 WHERE q.kind <> 'pw' OR s.threshold <= %(far)s
UNION ALL
SELECT 't', name_review_threshold::text, '', 0, '', '', '', ''
  FROM {WatchlistSettings._meta.db_table} WHERE id = 1 AND %(names)s
"""


# The lookup is prepared once per database connection: planning it costs about half a
# millisecond, several times its execution. Off (WATCHLIST_SCREENING_PREPARED=False) behind
# a transaction-pooling proxy, which does not keep a session's prepared statements.
_PREPARED_PARAMETERS = (
    ("today", "date"),
    ("exact_kinds", "text[]"),
    ("exact_values", "text[]"),
    ("name_kinds", "text[]"),
    ("name_values", "text[]"),
    ("names", "boolean"),
    ("far", "numeric"),
)
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _execute_prepared(cursor, sql: str, params: dict) -> None:
    """Run "SELECT set_config(...); <lookup>" with the lookup as a prepared statement."""
    if not getattr(settings, "WATCHLIST_SCREENING_PREPARED", True):
        cursor.execute(sql, params)
        return
    head, body = sql.split(";", 1)
    name = "watchlist_screening_" + hashlib.sha1(body.encode()).hexdigest()[:12]
    positional = body
    for number, (parameter, _type) in enumerate(_PREPARED_PARAMETERS, start=1):
        positional = positional.replace(f"%({parameter})s", f"${number}")
    types = ", ".join(sql_type for _p, sql_type in _PREPARED_PARAMETERS)
    arguments = ", ".join(f"%({parameter})s" for parameter, _t in _PREPARED_PARAMETERS)
    raw = connection.connection
    prepared = _prepared_on.setdefault(raw, set())
    for attempt in (1, 2):
        if name not in prepared:
            cursor.execute(f"PREPARE {name} ({types}) AS {positional}")
            prepared.add(name)
        try:
            cursor.execute(f"{head}; EXECUTE {name} ({arguments})", params)
            return
        except (OperationalError, ProgrammingError) as exc:
            # 26000: the session lost it (a proxy, DISCARD ALL): prepare again, once.
            if getattr(exc.__cause__, "pgcode", None) != "26000" or attempt == 2:
                raise
            prepared.discard(name)


def _lookup_one_round_trip(exact_keys, name_keys, today, deadline):
    """PostgreSQL in autocommit (an API request): the time limit and every lookup travel
    as one multi-statement query, which PostgreSQL runs as one implicit transaction, so
    `set_config(..., true)` holds for exactly these statements. One round trip instead of
    five (BEGIN, SET, two SELECTs, COMMIT)."""
    remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
    exact_pairs = sorted(exact_keys)
    name_pairs = sorted(name_keys)
    params = {
        "timeout": f"{remaining_ms}ms",
        "today": today,
        "exact_kinds": [k for k, _v in exact_pairs],
        "exact_values": [v for _k, v in exact_pairs],
        "name_kinds": [k for k, _v in name_pairs],
        "name_values": [v for _k, v in name_pairs],
        "names": bool(name_keys),
        "far": matching.SCORE_TYPO_FAR,
    }
    with connection.cursor() as cursor:
        _execute_prepared(cursor, _one_round_trip_sql(), params)
        rows = cursor.fetchall()
    exact_found: dict = defaultdict(list)
    by_key: dict = defaultdict(list)
    entries: dict = {}
    threshold = None
    for source, kind, value, entry_id, entry_kind, name, syllables, canonical in rows:
        if source == "x":
            exact_found[(kind, value)].append((entry_id, entry_kind))
        elif source == "n":
            by_key[(kind, value)].append(entry_id)
            entries[entry_id] = (entry_kind, name, syllables, canonical)
        else:
            threshold = float(kind)
    if threshold is None:
        threshold = float(watchlist_settings().name_review_threshold) if name_keys else 1.0
    return exact_found, by_key, entries, threshold


def _decide(hits: list[Hit], *, complete: bool) -> str:
    if any(hit.field != "name" for hit in hits):
        return Decision.HIT
    if hits or not complete:
        return Decision.REVIEW
    return Decision.CLEAR


def screen(
    *,
    actor: Actor,
    parties: list[dict],
    channel: str = ScreeningChannel.API,
    incident=None,
    budget_ms: int | None = None,
) -> list[PartyResult]:
    """Screen up to MAX_PARTIES parties; results in the parties' order. Logged."""
    started = time.monotonic()
    deadline = started + _budget_seconds(budget_ms)
    prepared = [prepare_party(raw) for raw in parties[:MAX_PARTIES]]
    exact_keys = {(kind, value) for p in prepared for _f, kind, value in p.exact}
    name_keys = set().union(*(p.name.keys for p in prepared if p.name)) if prepared else set()
    today = timezone.localdate()

    results = [PartyResult(decision=Decision.CLEAR, invalid_fields=p.invalid) for p in prepared]
    exact_done = names_done = False
    exact_found: dict = {}
    by_key: dict = {}
    entries: dict = {}
    threshold = 1.0
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            exact_found, by_key, entries, threshold = _lookup_one_round_trip(
                exact_keys, name_keys, today, deadline
            )
        else:
            exact_found, by_key, entries, threshold = _lookup(
                exact_keys, name_keys, today, deadline
            )
        exact_done = names_done = True
    # sqlite3's own error escapes Django's wrapper when DEBUG's cursor logs the interrupted
    # query; either way the budget ran out and the answer must be "review".
    except (OperationalError, sqlite3.OperationalError):
        logger.warning("Watch-list screening ran out of its time budget.")

    profiles: dict = {}
    for party, result in zip(prepared, results, strict=True):
        hits: list[Hit] = []
        complete = True
        if exact_done:
            seen = set()
            for field_name, kind, value in party.exact:
                for entry_id, entry_kind in exact_found.get((kind, value), ()):
                    if (entry_id, field_name) not in seen:
                        seen.add((entry_id, field_name))
                        hits.append(
                            Hit(entry_id, entry_kind, field_name, 1.0, EXACT_RULE_BY_KEY[kind])
                        )
        elif party.exact:
            complete = False
        if party.name is not None:
            if names_done and time.monotonic() < deadline:
                hits += _score_names(party, by_key, entries, profiles, threshold)
            else:
                complete = False
        hits.sort(key=lambda h: (h.field == "name", -h.score, h.entry_id))
        result.hits = hits[:MAX_HITS]
        result.complete = complete
        result.decision = _decide(hits, complete=complete)
    duration_ms = int((time.monotonic() - started) * 1000)
    _log(
        actor=actor,
        channel=channel,
        incident=incident,
        prepared=prepared,
        results=results,
        duration_ms=duration_ms,
    )
    return results


def _log(*, actor, channel, incident, prepared, results, duration_ms) -> None:
    worst = max(
        (r.decision for r in results), key=DECISION_RANK.__getitem__, default=Decision.CLEAR
    )
    ScreeningLog.objects.create(
        channel=channel,
        client=actor.client,
        user=actor.user,
        unit=actor.unit,
        incident=incident,
        party_count=len(results),
        decision=worst,
        decisions=[r.decision for r in results],
        digests=[query_digest(p.canonical) for p in prepared],
        hit_entry_ids=sorted({h.entry_id for r in results for h in r.hits}),
        duration_ms=duration_ms,
        complete=all(r.complete for r in results),
    )
