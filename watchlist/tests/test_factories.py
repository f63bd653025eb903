"""The watch-list factories go through the real nominate and approve services."""

from __future__ import annotations

from watchlist.choices import EntryKind, NominationStatus
from watchlist.models import Entry

from .factories import EntryFactory, NominationFactory


def test_a_nomination_waits_for_head_office(bank):
    nomination = NominationFactory()
    assert nomination.status == NominationStatus.OPEN
    assert not Entry.objects.exists()


def test_an_entry_is_published_and_each_one_is_a_different_subject(bank):
    entries = EntryFactory.create_batch(3)
    assert Entry.objects.count() == 3
    assert len({e.pk for e in entries}) == 3
    person = EntryFactory(kind=EntryKind.PERSON, data={"name": "王小明"})
    assert person.kind == EntryKind.PERSON
