"""factory_boy factories for the watch list, through the real lifecycle: a nomination is
`nomination_create` by a sub-branch monitor, an entry is that nomination approved by a
head-office monitor (`nomination_approve`), so keys, the change feed and clocks are as in
production.

    NominationFactory()                                  # a phone number, by monitor_bj
    NominationFactory(kind="person", data={"name": "李强"})
    EntryFactory()                                       # nominated and published
    EntryFactory.create_batch(5)                         # five different phone numbers

Needs the demo bank (`bank` fixture) for the default people.
"""

from __future__ import annotations

from typing import Any

import factory

from incidents.tests.factories import as_actor
from watchlist.choices import EntryKind
from watchlist.models import Entry, Nomination
from watchlist.services import nomination_approve, nomination_create


class NominationFactory(factory.Factory):
    class Meta:
        model = Nomination

    nominator: Any = "monitor_bj"
    kind = EntryKind.PHONE
    data = factory.Sequence(lambda n: {"phone": f"139{n:08d}"})
    reason = "涉案收款人"

    @classmethod
    def _build(cls, model_class: type[Nomination], *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Nominations are made through the service: use create().")

    @classmethod
    def _create(
        cls, model_class: type[Nomination], *args: Any, nominator: Any, **kwargs: Any
    ) -> Nomination:
        return nomination_create(actor=as_actor(nominator), **kwargs)


class EntryFactory(factory.Factory):
    """A published entry: nominated by `nominator`, approved by `approver`."""

    class Meta:
        model = Entry

    nominator: Any = "monitor_bj"
    approver: Any = "ho_monitor"
    kind = EntryKind.PHONE
    data = factory.Sequence(lambda n: {"phone": f"138{n:08d}"})
    reason = "涉案收款人"
    approval_reason = "核实无误"

    @classmethod
    def _build(cls, model_class: type[Entry], *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Entries are published through the service: use create().")

    @classmethod
    def _create(
        cls,
        model_class: type[Entry],
        *args: Any,
        approver: Any,
        approval_reason: str,
        **kwargs: Any,
    ) -> Entry:
        nomination = NominationFactory(**kwargs)
        return nomination_approve(
            actor=as_actor(approver), nomination_id=nomination.pk, reason=approval_reason
        )
