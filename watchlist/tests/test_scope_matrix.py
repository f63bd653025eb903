"""Watch-list detail pages and endpoints and writes, reached by someone of another region
(404, the same answer as a missing nomination or incident) and by someone who sees the
object but holds the wrong role (403 on the API; a refusal on a page); nothing changes
(harness: tests/scope_matrix.py). Entries are the whole bank's list: every reader sees
them, so they have only the wrong-role side."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents.tests.factories import IncidentFactory
from tests.scope_matrix import Endpoint, body, call, client_for, rows

from .factories import EntryFactory, NominationFactory

OUTSIDER = "monitor_sh"  # another region than the Beijing nominator's
DECIDE = {"decision": "approve", "reason": "核实无误"}


def _nomination(world):
    return {"nomination_id": world["nomination"].pk}


def _entry(world):
    return {"entry_id": world["entry"].pk}


def _incident(world):
    return {"number": world["incident"].number}


OUT_OF_SIGHT = [
    Endpoint("watchlist:nomination_detail", "get", _nomination, {"nomination_id": 999999}),
    Endpoint(
        "watchlist:nomination_withdraw",
        "post",
        _nomination,
        {"nomination_id": 999999},
        {"reason": "撤回"},
    ),
    Endpoint(
        "watchlist:nominate_from_incident",
        "post",
        _incident,
        {"number": "FI-2099-999999"},
        {"source": "party:1"},
    ),
]
# (endpoint, someone who sees it but may not do this, the API's refusal code)
WRONG_ROLES = [
    (
        Endpoint(
            "watchlist:nomination_decide", "post", _nomination, {"nomination_id": 999999}, DECIDE
        ),
        "monitor2_bj",  # head office decides
        "",
    ),
    (
        Endpoint(
            "api-watchlist-nomination-decision",
            "post",
            _nomination,
            {"nomination_id": 999999},
            DECIDE,
        ),
        "monitor2_bj",
        "permission_denied",
    ),
    (
        Endpoint(
            "watchlist:entry_remove", "post", _entry, {"entry_id": 999999}, {"reason": "误报"}
        ),
        "monitor_bj",  # head office maintains the list
        "",
    ),
    (
        Endpoint(
            "watchlist:entry_review", "post", _entry, {"entry_id": 999999}, {"note": "仍有效"}
        ),
        "monitor_bj",
        "",
    ),
]


@pytest.fixture
def world(bank):
    return {
        "nomination": NominationFactory(),
        "entry": EntryFactory(),
        "incident": IncidentFactory(),
    }


@pytest.mark.parametrize("endpoint", OUT_OF_SIGHT, ids=str)
def test_another_region_is_answered_as_if_the_object_did_not_exist(world, person, endpoint):
    client = client_for(person(OUTSIDER), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    missing = call(client, endpoint, endpoint.missing)
    assert (response.status_code, missing.status_code) == (404, 404)
    assert body(response) == body(missing)
    assert rows() == before


@pytest.mark.parametrize("endpoint, username, code", WRONG_ROLES, ids=str)
def test_the_wrong_role_is_refused_and_nothing_changes(world, person, endpoint, username, code):
    client = client_for(person(username), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    if endpoint.api:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    else:  # pages tell the refusal and go back to the object
        assert response.status_code == 302
        assert response["Location"] == reverse(
            endpoint.name.rsplit("_", 1)[0] + "_detail", kwargs=endpoint.kwargs(world)
        )
        [message] = get_messages(response.wsgi_request)
        assert message.level_tag == "error"
    assert rows() == before
