"""The watch list's review queues on live pages (docs/live-updates.md): the review list and
the nominations list each have a change marker, the same as the page carries, that answers
304 until a row arrives, leaves or changes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from fraudops.core.actors import Actor
from watchlist.services import entry_remove

from .factories import EntryFactory, NominationFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _marker(client, url: str) -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response.json()["marker"]


def _unchanged(client, url: str, marker: str) -> bool:
    return client.get(url, HTTP_IF_NONE_MATCH=f'"{marker}"', **EN).status_code == 304


def test_the_nominations_marker_moves_when_a_sub_branch_nominates(client, person, bank):
    NominationFactory()
    client.force_login(person("ho_monitor"))
    marker = _marker(client, "/watchlist/nominations/changes/")
    page = client.get("/watchlist/nominations/", **EN).content.decode()
    assert f'data-live-marker="{marker}"' in page
    assert _unchanged(client, "/watchlist/nominations/changes/", marker)
    NominationFactory(nominator="monitor_sh")
    assert not _unchanged(client, "/watchlist/nominations/changes/", marker)


def test_the_nominations_marker_is_scoped_to_the_sub_branch(client, person, bank):
    client.force_login(person("monitor_bj"))
    marker = _marker(client, "/watchlist/nominations/changes/")
    NominationFactory(nominator="monitor_sh")  # Shanghai's: not on Beijing's list
    assert _unchanged(client, "/watchlist/nominations/changes/", marker)
    NominationFactory(nominator="monitor_bj")
    assert not _unchanged(client, "/watchlist/nominations/changes/", marker)


def test_the_review_marker_moves_when_an_entry_due_is_removed(client, person, bank):
    with freeze_time(timezone.now() - datetime.timedelta(days=400)):
        entry, _other = EntryFactory.create_batch(2)
    client.force_login(person("ho_monitor"))
    marker = _marker(client, "/watchlist/review/changes/")
    page = client.get("/watchlist/review/", **EN).content.decode()
    assert f'data-live-marker="{marker}"' in page
    assert _unchanged(client, "/watchlist/review/changes/", marker)
    entry_remove(actor=Actor.for_user(person("ho_monitor2")), entry_id=entry.pk, reason="已核销")
    assert not _unchanged(client, "/watchlist/review/changes/", marker)


def test_the_review_marker_refuses_those_who_may_not_read_the_list(client, person, bank):
    client.force_login(person("teller_bj_hd"))
    assert client.get("/watchlist/review/", **EN).status_code == 403
    assert client.get("/watchlist/review/changes/", **EN).status_code == 403
