"""The facts after filing in the browser: the edit pages, their refusals on the field, the
conflict and wrong-role redirects, and what the incident page shows afterwards."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from fraudops.core.choices import Level
from incidents.demo import report_level
from incidents.models import Account, Incident, Party, Vehicle

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SECOND_PAYEE = "6217000010009876543"


@pytest.fixture
def incident(file_incident):
    return file_incident()


def _login(client, person, username):
    client.force_login(person(username))
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_incident_page_offers_the_edits_to_those_who_may(client, person, incident):
    page = _login(client, person, "teller_bj_hd").get(f"/incidents/{incident.number}/", **EN)
    body = page.content.decode()
    assert f"/incidents/{incident.number}/edit/" in body
    assert f"/incidents/{incident.number}/accounts/add/" in body
    assert f"/incidents/{incident.number}/parties/add/" in body
    assert f"/incidents/{incident.number}/vehicles/add/" in body
    account = incident.accounts.first()
    assert f"/incidents/{incident.number}/accounts/{account.pk}/remove/" in body
    auditor = _login(client, person, "auditor").get(f"/incidents/{incident.number}/", **EN)
    assert f"/incidents/{incident.number}/edit/" not in auditor.content.decode()


def test_editing_the_facts_and_adding_to_the_summary_from_the_page(client, person, incident):
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/edit/"
    form = client.get(url, **EN)
    assert form.status_code == 200
    assert 'name="expected_revision" value="0"' in form.content.decode()
    response = client.post(
        url,
        {
            "expected_revision": "0",
            "occurred_at": "2026-12-01T13:50",
            "channel": "atm",
            "fraud_script": "posing_as_police",
            "fraud_script_detail": "",
            "serious": "on",
            "summary_amendment": "客户补充：另有一笔转账。",
        },
        **EN,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.number}/"
    incident.refresh_from_db()
    assert (incident.channel, incident.serious, incident.revision) == ("atm", True, 1)
    page = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert incident.summary in page
    assert "客户补充：另有一笔转账。" in page and 'data-testid="amendment"' in page
    assert "Changed the incident&#x27;s facts" in page


def test_a_stale_page_is_sent_back_to_the_incident_with_the_conflict(client, person, incident):
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/accounts/add/"
    data = {"expected_revision": "0", "role": "payee", "kind": "account", "number": SECOND_PAYEE}
    assert client.post(url, data, **EN).status_code == 302
    again = client.post(url, {**data, "number": "6217000010001111111"}, **EN)
    assert again.status_code == 302
    assert again["Location"] == f"/incidents/{incident.number}/"
    assert any("Someone else changed" in m for m in _messages(again))
    assert not Account.objects.filter(number="6217000010001111111").exists()


def test_a_bad_identifier_is_shown_on_its_field_and_nothing_is_saved(client, person, incident):
    _login(client, person, "teller_bj_hd")
    party = incident.parties.get(role="victim")
    url = f"/incidents/{incident.number}/parties/{party.pk}/edit/"
    form = client.get(url, **EN).content.decode()
    assert party.id_number in form
    response = client.post(
        url,
        {
            "expected_revision": "0",
            "role": "victim",
            "name": party.name,
            "id_type": "resident_id",
            "id_number": "110105194912310021",
            "phone": party.phone,
        },
        **EN,
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["id_number"]
    party.refresh_from_db()
    assert party.id_number == "11010519491231002X"
    assert Incident.objects.get(pk=incident.pk).revision == 0


def test_removing_from_the_page_strikes_the_row_through(client, person, incident):
    _login(client, person, "teller_bj_hd")
    vehicle = incident.vehicles.get()
    url = f"/incidents/{incident.number}/vehicles/{vehicle.pk}/remove/"
    assert client.get(url, **EN).status_code == 200
    refused = client.post(url, {"expected_revision": "0", "reason": ""}, **EN)
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    response = client.post(url, {"expected_revision": "0", "reason": "经核实为官网"}, **EN)
    assert response.status_code == 302 and response["Location"].endswith("#vehicles")
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()
    page = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert 'data-testid="removed-vehicles"' in page and "经核实为官网" in page
    assert f'<s>Phishing site <span class="mono">{vehicle.value}</span></s>' in page
    # A removed row has no edit page any more.
    assert client.get(url, **EN).status_code == 404


def test_adding_an_account_from_the_page_with_its_holder(client, person, incident):
    _login(client, person, "monitor_bj")
    payee = incident.parties.get(role="payee")
    url = f"/incidents/{incident.number}/accounts/add/"
    form = client.get(url, **EN).content.decode()
    assert f'<option value="{payee.pk}">' in form
    response = client.post(
        url,
        {
            "expected_revision": "0",
            "role": "payee",
            "kind": "account",
            "number": "6217 0000 1000 9876 543",
            "opening_unit": "BR-BJ-CY",
            "party": str(payee.pk),
        },
        **EN,
    )
    assert response.status_code == 302, response.context["form"].errors
    account = Account.objects.get(number=SECOND_PAYEE)
    assert (account.party, account.opening_unit.code, account.at_this_bank) == (
        payee,
        "BR-BJ-CY",
        True,
    )


@pytest.mark.parametrize("path", ["edit/", "parties/add/", "accounts/add/", "vehicles/add/"])
def test_the_level_below_is_sent_back_with_the_reason(client, person, incident, path):
    report_level(incident, Level.BRANCH)
    _login(client, person, "teller_bj_hd")
    response = client.get(f"/incidents/{incident.number}/{path}", **EN)
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.number}/"
    assert any("only it and the levels above it" in m for m in _messages(response))
    response = client.post(
        f"/incidents/{incident.number}/{path}",
        {"expected_revision": "0", "role": "payee", "name": "王五", "serious": "on"},
        **EN,
    )
    assert response.status_code == 302
    assert not Party.objects.filter(name="王五").exists()
    assert Incident.objects.get(pk=incident.pk).serious is False


def test_the_edit_page_renders_in_chinese(client, person, incident):
    _login(client, person, "teller_bj_hd")
    response = client.get(f"/incidents/{incident.number}/edit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200


def test_saving_the_facts_page_unchanged_changes_nothing(client, person, incident):
    """The page shows the time to the minute; sending it back is not an edit."""
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/edit/"
    form = client.get(url, **EN).context["form"]
    data = {
        name: form[name].value() or ""
        for name in ("expected_revision", "occurred_at", "channel", "fraud_script")
    }
    data["occurred_at"] = form["occurred_at"].as_widget().split('value="')[1].split('"')[0]
    response = client.post(url, data, **EN)
    assert response.status_code == 302
    assert any("Nothing changed" in m for m in _messages(response))
    assert Incident.objects.get(pk=incident.pk).revision == 0
