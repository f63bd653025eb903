"""The complaints API: scoped lists with filters, filing with Idempotency-Key, each
operation through its own endpoint, refusals as 400/403/404 naming the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Complaint
from fraudops.core.choices import ApiScope
from incidents.tests.factories import IncidentFactory

from .factories import ComplaintData, ComplaintFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(name: str, complaint: Complaint | None = None) -> str:
    return reverse(name, kwargs={"number": complaint.number} if complaint else None)


def test_filing_through_the_api_is_idempotent(bank, api):
    client = api("teller_bj_hd")
    body = ComplaintData()
    first = client.post(
        _url("api-complaint-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1", **EN
    )
    again = client.post(
        _url("api-complaint-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1", **EN
    )
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1
    assert first.json()["state"] == "received"
    assert first.json()["complainant"]["name"] == "刘桂芳"


def test_bad_input_is_400_naming_the_field(bank, api):
    body = ComplaintData(received_at="yesterday")
    body["complainant"]["id_number"] = "110108195803150025"
    response = api("teller_bj_hd").post(_url("api-complaint-list"), body, format="json", **EN)
    assert response.status_code == 400
    assert {"received_at", "complainant.id_number"} <= set(response.json()["error"]["fields"])


def test_lists_are_scoped_and_filtered(bank, api):
    mine = ComplaintFactory()
    ComplaintFactory(filer="teller_sh_pd", source="counter")
    rows = api("teller_bj_hd").get(_url("api-complaint-list")).json()["results"]
    assert [r["number"] for r in rows] == [mine.number]
    head_office = api("ho_monitor").get(_url("api-complaint-list"), {"source": "counter"})
    assert [r["source"] for r in head_office.json()["results"]] == ["counter"]
    assert api("teller_sh_pd").get(_url("api-complaint", mine)).status_code == 404


def test_the_operations_end_to_end_and_the_authors_sign_off_is_403(bank, api):
    complaint = ComplaintFactory()
    incident = IncidentFactory()
    teller, manager, monitor = api("teller_bj_hd"), api("manager_bj_hd"), api("monitor_bj")
    ok = [
        (teller, "api-complaint-link", {"incident": incident.number}),
        (teller, "api-complaint-investigation", {"findings": "柜员已核对身份。"}),
        (monitor, "api-complaint-review", {"conclusion": "followed", "finding": "已提示。"}),
        (manager, "api-complaint-reply", {"text": "现答复如下。"}),
    ]
    for client, name, data in ok:
        response = client.post(_url(name, complaint), data, format="json", **EN)
        assert response.status_code in (200, 201), (name, response.content)
    refused = manager.post(_url("api-complaint-sign-off", complaint), {}, format="json", **EN)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "four_eyes"
    teller.post(_url("api-complaint-reply", complaint), {"text": "答复。"}, format="json")
    signed = manager.post(_url("api-complaint-sign-off", complaint), {}, format="json")
    assert signed.json()["state"] == "reply_signed_off"
    sent = teller.post(
        _url("api-complaint-send", complaint), {"channel": "via_petitions_office"}, format="json"
    )
    assert sent.json()["state"] == "sent"
    closed = manager.post(
        _url("api-complaint-outcome", complaint), {"outcome": "not_upheld"}, format="json"
    )
    detail = closed.json()
    assert (detail["state"], detail["outcome"]) == ("closed", "not_upheld")
    assert detail["incidents"] == [incident.number]
    assert detail["reply"]["signed_off_by"] == "manager_bj_hd"
    assert detail["reviews"][0]["unit"] == "SB-BJ"


def test_api_clients_need_the_complaints_scopes(bank, scoped_client):
    complaint = ComplaintFactory()
    reader = scoped_client(unit="HO", scopes=(ApiScope.INCIDENTS_READ,))
    assert reader.get(_url("api-complaint-list")).status_code == 403
    allowed = scoped_client(unit="SB-BJ", scopes=(ApiScope.COMPLAINTS_READ,))
    assert allowed.get(_url("api-complaint", complaint)).status_code == 200
    assert (
        allowed.post(_url("api-complaint-investigation", complaint), {"findings": "x"}).status_code
        == 403
    )
