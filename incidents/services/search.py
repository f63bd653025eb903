"""The search keys of an incident (`incidents.search`): written at filing, rebuilt on
demand. Derived data, like an index: not audited (the change that moved the facts is), and
always written inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from ..models import Incident, SearchKey
from ..search import incident_keys


def search_keys_store(
    incident: Incident,
    *,
    parties: Iterable[Any],
    accounts: Iterable[Any],
    vehicles: Iterable[Any],
) -> None:
    """Write a new incident's keys from the rows just created (one INSERT, no reads)."""
    pairs = incident_keys(incident, parties=parties, accounts=accounts, vehicles=vehicles)
    SearchKey.objects.bulk_create(
        [SearchKey(incident=incident, kind=kind, key=key) for kind, key in sorted(pairs)]
    )


def search_keys_refresh(*, incident: Incident) -> None:
    """Rebuild one incident's search keys from what is stored now: call it, inside the same
    transaction, after anything that changes the incident's number, reference, parties,
    accounts or fraud vehicles."""
    pairs = incident_keys(
        incident,
        parties=incident.parties.all(),
        accounts=incident.accounts.all(),
        vehicles=incident.vehicles.all(),
    )
    stored = set(SearchKey.objects.filter(incident=incident).values_list("kind", "key"))
    gone = stored - pairs
    if gone:
        match = reduce(or_, (Q(kind=kind, key=key) for kind, key in gone))
        SearchKey.objects.filter(match, incident=incident).delete()
    SearchKey.objects.bulk_create(
        [SearchKey(incident=incident, kind=kind, key=key) for kind, key in sorted(pairs - stored)]
    )
