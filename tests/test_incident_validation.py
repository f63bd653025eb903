"""Bad input is refused with a clear message in the user's language naming the field, and
nothing is half-saved (SPEC §6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fraudops.core.models import AuditEvent
from incidents.models import Account, Incident, Party

from .incident_data import VALID_CARD, filing


def _post(api, payload, language="en"):
    return api("teller_bj_hd").post(
        "/api/v1/incidents/", payload, format="json", HTTP_ACCEPT_LANGUAGE=language
    )


def _nothing_saved():
    assert not Incident.objects.exists()
    assert not Party.objects.exists()
    assert not Account.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.filed").exists()


@pytest.mark.parametrize(
    ("bad_id", "needle"),
    [
        ("11010519491231002", "18-character"),  # too short
        ("110105194912310021", "fails its check"),  # wrong check digit
        ("110105194913310025", "birth date"),  # month 13
        ("110105491231002", "15-digit"),  # first-generation number
    ],
)
def test_bad_resident_id_refused_with_its_message(api, bank, bad_id, needle):
    payload = filing()
    payload["parties"][0]["id_number"] = bad_id
    response = _post(api, payload)
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid_input"
    assert needle in " ".join(body["fields"]["parties[0].id_number"])
    _nothing_saved()


def test_bad_phone_refused(api, bank):
    payload = filing()
    payload["parties"][1]["phone"] = "1234"
    response = _post(api, payload)
    assert response.status_code == 400
    assert "parties[1].phone" in response.json()["error"]["fields"]
    _nothing_saved()


def test_bad_card_number_refused_by_luhn(api, bank):
    payload = filing()
    payload["accounts"][0]["number"] = VALID_CARD[:-1] + "1"
    response = _post(api, payload)
    assert response.status_code == 400
    assert "Luhn" in " ".join(response.json()["error"]["fields"]["accounts[0].number"])
    _nothing_saved()


def test_all_bad_fields_reported_at_once(api, bank):
    payload = filing(occurred_at="yesterday", amount_lost="-5", incident_type="bogus")
    payload["parties"][0]["id_number"] = "123"
    response = _post(api, payload)
    fields = response.json()["error"]["fields"]
    assert {"occurred_at", "amount_lost", "incident_type", "parties[0].id_number"} <= set(fields)
    _nothing_saved()


def test_messages_come_in_simplified_chinese_for_chinese_users(api, bank):
    payload = filing()
    payload["parties"][0]["id_number"] = "110105194912310021"
    response = _post(api, payload, language="zh-hans")
    message = " ".join(response.json()["error"]["fields"]["parties[0].id_number"])
    assert "身份证" in message
    assert "校验" in message


def test_full_width_input_is_normalised(api, bank):
    payload = filing()
    payload["parties"][0]["id_number"] = "１１０１０５１９４９１２３１００２ｘ"
    payload["parties"][0]["phone"] = "１３８\u30000013\u30008000"
    payload["accounts"][0]["number"] = "６２２２ ０２００ ００００ ００００ ０００"
    response = _post(api, payload)
    assert response.status_code == 201, response.json()
    victim = response.json()["parties"][0]
    assert victim["id_number"] == "11010519491231002X"
    assert victim["phone"] == "+8613800138000"
    assert victim["name"] == "张秀兰"  # Traditional folded to Simplified
    assert response.json()["accounts"][0]["number"] == VALID_CARD
    assert response.json()["vehicles"][0]["normalized"] == "bank-verify.example.cn/login"


def test_prose_is_kept_as_typed_while_identifiers_are_folded(api, bank):
    payload = filing()
    payload["summary"] = "客户称：对方自称公安（冒充），要求转账！\r\n随后在柜台被拦截。"
    payload["parties"][0]["phone"] = "１３８００１３８０００"
    response = _post(api, payload)
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get(number=response.json()["number"])
    assert incident.summary == "客户称：对方自称公安（冒充），要求转账！\n随后在柜台被拦截。"
    assert response.json()["parties"][0]["phone"] == "+8613800138000"


def test_missing_required_fields_named(api, bank):
    response = _post(api, {"incident_type": "telecom_fraud"})
    assert response.status_code == 400
    assert {"occurred_at", "summary"} <= set(response.json()["error"]["fields"])


def test_evidence_file_type_and_size_checked(api, bank, settings):
    response = _post(api, filing())
    number = response.json()["number"]
    client = api("teller_bj_hd")
    url = f"/api/v1/incidents/{number}/evidence/"
    exe = SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 100, "image/png")
    response = client.post(url, {"file": exe}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    settings.EVIDENCE_MAX_BYTES = 10
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 " + b"x" * 100, "application/pdf")
    response = client.post(url, {"file": pdf}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["fields"]["file"][0]
