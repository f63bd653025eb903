"""Account control on live pages: the incident page opens on "request a stop-payment now"
(and a reversal while the remittance is recent) for those who may ask; the approvers' queue
has a change marker (304 until a request arrives or changes) in a fixed number of queries;
a decision moves the incident page's marker (docs/live-updates.md)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from controls.choices import ControlKind
from controls.services import control_request_approve, control_requests_create
from fraudops.core.actors import Actor
from incidents.services import incident_file
from tests.incident_data import filing

from .conftest import PAYEE_BJ, PAYEE_SH, file_incident

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Sign-in (session, user, roles) + pending, in flight, mine, assistance + their threads.
QUEUE_CHANGES_QUERIES = 9


def _next_block(client, incident) -> str:
    html = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    start = html.index('data-testid="next-actions"')
    return html[start : html.index("</section>", start)]


def _testids(block: str) -> list[str]:
    return re.findall(r'<li class="next[^"]*" data-testid="([a-z_-]+)"', block)


def _hold(person, incident, number, username="teller_bj_hd"):
    account = incident.accounts.get(number=number)
    return control_requests_create(
        actor=Actor.for_user(person(username)),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": account.pk}],
        reason="诈骗收款账户",
    )[0]


def test_a_teller_is_told_first_to_request_a_stop_payment_and_a_reversal(client, person):
    incident = file_incident(person)
    client.force_login(person("teller_bj_hd"))
    block = _next_block(client, incident)
    ids = _testids(block)
    assert ids[:2] == ["next-stop-payment", "next-reversal"]  # before any step
    assert any(i.startswith("next-step-") for i in ids[2:])
    assert 'href="#control-request-form"' in block and 'href="#reversal-form"' in block
    assert PAYEE_BJ in block and PAYEE_SH in block  # the accounts still without a hold
    # The links lead to the account-control panel's own forms.
    html = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert 'id="control-request-form"' in html and 'id="reversal-form"' in html


def test_the_stop_payment_is_no_longer_urged_once_every_payee_account_has_a_hold(client, person):
    incident = file_incident(person)
    client.force_login(person("teller_bj_hd"))
    _hold(person, incident, PAYEE_BJ)
    block = _next_block(client, incident)
    assert "next-stop-payment" in _testids(block)
    assert PAYEE_SH in block and PAYEE_BJ not in block.split("next-stop-payment")[1][:400]
    _hold(person, incident, PAYEE_SH)
    assert "next-stop-payment" not in _testids(_next_block(client, incident))


def test_a_reversal_is_urged_only_while_the_remittance_is_recent(client, person, settings):
    settings.FRAUDOPS_REVERSAL_RECENT_MINUTES = 120
    incident = file_incident(person)  # occurred 20 minutes ago
    client.force_login(person("teller_bj_hd"))
    assert "next-reversal" in _testids(_next_block(client, incident))
    with freeze_time(timezone.now() + datetime.timedelta(minutes=101)):
        assert "next-reversal" not in _testids(_next_block(client, incident))
        assert "next-stop-payment" in _testids(_next_block(client, incident))


def test_nothing_is_urged_without_a_payee_account_at_this_bank_or_for_other_types(
    client, person, actor
):
    client.force_login(person("teller_bj_hd"))
    elsewhere = file_incident(
        person,
        amount_lost="0",
        accounts=[{"role": "payee", "number": "6228480000000000003", "bank_name": "某农商银行"}],
    )
    assert not {"next-stop-payment", "next-reversal"} & set(
        _testids(_next_block(client, elsewhere))
    )
    impostor = incident_file(actor=actor("teller_bj_hd"), data=filing("impostor_customer"))
    assert not {"next-stop-payment", "next-reversal"} & set(_testids(_next_block(client, impostor)))


def test_only_those_who_may_ask_are_urged(client, person):
    incident = file_incident(person)
    client.force_login(person("monitor_bj"))  # the region's monitors may ask for holds...
    ids = _testids(_next_block(client, incident))
    assert "next-stop-payment" in ids
    assert "next-reversal" not in ids  # ...but a reversal is the sending branch's
    client.force_login(person("security_bj"))  # sees the incident, may ask for neither
    assert not {"next-stop-payment", "next-reversal"} & set(_testids(_next_block(client, incident)))


# --- the approvers' queue ---------------------------------------------------------------------


def _marker(client, url="/controls/changes/") -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response.json()["marker"]


def test_the_queue_marker_moves_when_a_request_arrives_and_when_it_is_decided(client, person):
    incident = file_incident(person)
    client.force_login(person("monitor_sh"))  # approves holds on Shanghai's accounts
    marker = _marker(client)
    html = client.get("/controls/", **EN).content.decode()
    assert f'data-live-marker="{marker}"' in html
    assert client.get("/controls/changes/", HTTP_IF_NONE_MATCH=f'"{marker}"').status_code == 304

    _hold(person, incident, PAYEE_BJ)  # Beijing approves this one: not in Shanghai's queue
    assert client.get("/controls/changes/", HTTP_IF_NONE_MATCH=f'"{marker}"').status_code == 304

    control = _hold(person, incident, PAYEE_SH)
    arrived = _marker(client)
    assert arrived != marker

    # Another Shanghai monitor approves it: the first one's open queue shows it.
    control_request_approve(actor=Actor.for_user(person("monitor2_sh")), control_id=control.pk)
    assert _marker(client) != arrived


def test_a_decision_moves_the_incident_pages_marker(client, person):
    incident = file_incident(person)
    control = _hold(person, incident, PAYEE_BJ)
    client.force_login(person("teller_bj_hd"))
    url = f"/incidents/{incident.number}/changes/"
    marker = _marker(client, url)
    control_request_approve(actor=Actor.for_user(person("monitor_bj")), control_id=control.pk)
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"{marker}"').status_code == 200


def test_the_queue_marker_query_count_does_not_grow_with_the_queue(client, person):
    client.force_login(person("monitor_sh"))
    counts = []
    for n in (1, 3):
        for _ in range(n):
            _hold(person, file_incident(person), PAYEE_SH)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/controls/changes/", **EN).status_code == 200
        counts.append(len(queries))
    assert counts == [QUEUE_CHANGES_QUERIES, QUEUE_CHANGES_QUERIES]
