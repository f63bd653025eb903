"""The watch list's records that do playbook steps (`incidents.step_records`), registered
from WatchlistConfig.ready():

- ``watchlist.nomination``: the nominations raised from an incident do the sub-branch's
  step "nominate the payee customers for the watch list" (one is enough);
- ``watchlist.decision``: head office's decisions on them do its step "maintain the watch
  list" (every nomination of the incident decided, or withdrawn by its nominator).

The nomination services link each record with `record_link` inside their transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from incidents.models import Incident
from incidents.services import task_record_attach
from incidents.step_records import ALL, ANY, RecordRef, register_record_source

from . import presentation
from .choices import NOMINATION_STATUS_COLOURS, NominationStatus
from .models import Nomination

NOMINATION = "watchlist.nomination"
DECISION = "watchlist.decision"


def _label(nomination: Nomination) -> str:
    return f"N-{nomination.pk} {nomination.display_value}"


def _describe(ids: list[int], *, decided: bool) -> dict[int, RecordRef]:
    refs = {}
    for nomination in Nomination.objects.filter(pk__in=ids):
        refs[nomination.pk] = RecordRef(
            label=_label(nomination),
            url=presentation.nomination_url(nomination),
            state=str(nomination.get_status_display()),
            tone=NOMINATION_STATUS_COLOURS.get(nomination.status, ""),
            done=(nomination.status != NominationStatus.OPEN) if decided else True,
        )
    return refs


def _nominations_describe(ids: list[int]) -> dict[int, RecordRef]:
    return _describe(ids, decided=False)


def _decisions_describe(ids: list[int]) -> dict[int, RecordRef]:
    return _describe(ids, decided=True)


def _on_incident_page(incident: Incident) -> str:
    return f"{incident.get_absolute_url()}#watchlist"


def register() -> None:
    register_record_source(
        NOMINATION,
        label=_("Watch-list nominations raised from this incident"),
        describe=_nominations_describe,
        raise_url=_on_incident_page,
        raise_label=_("Nominate from the watch-list panel"),
        rule=ANY,
    )
    register_record_source(
        DECISION,
        label=_("Head office's decisions on this incident's nominations"),
        describe=_decisions_describe,
        raise_url=_on_incident_page,
        raise_label=_("Decide the nominations"),
        rule=ALL,
    )


def record_link(*, actor: Actor, nomination: Nomination, incident: Incident) -> None:
    """The nomination on its incident's steps: raised (does the nomination step; waits for
    head office's decision), or decided or withdrawn (does its part of head office's)."""
    label = _label(nomination)
    task_record_attach(
        actor=actor,
        incident=incident,
        source=NOMINATION,
        record_id=nomination.pk,
        label=label,
        done=True,
    )
    task_record_attach(
        actor=actor,
        incident=incident,
        source=DECISION,
        record_id=nomination.pk,
        label=label,
        done=nomination.status != NominationStatus.OPEN,
    )
