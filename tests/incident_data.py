"""Valid filing payloads for every incident type, as a branch would send them."""

from __future__ import annotations

import datetime

from django.utils import timezone

VICTIM_ID = "11010519491231002X"
IMPOSTOR_ID = "440106198001010019"
VALID_CARD = "6222020000000000000"
PAYEE_ACCOUNT = "6217000010001234567"

TYPES = [
    "telecom_fraud",
    "phishing_site",
    "card_skimming",
    "fake_credit_card",
    "impostor_customer",
    "forged_documents",
    "forged_bills",
]


def filing(incident_type: str = "telecom_fraud", **overrides) -> dict:
    occurred = timezone.now() - datetime.timedelta(minutes=30)
    data: dict = {
        "incident_type": incident_type,
        "occurred_at": occurred.isoformat(),
        "summary": "客户被冒充公检法人员诱骗转账。",
        "channel": "online_banking",
        "fraud_script": "posing_as_police",
        "amount_lost": "50000.00",
        "parties": [
            {"role": "victim", "name": "張秀蘭", "id_number": VICTIM_ID, "phone": "138 0013 8000"},
            {"role": "payee", "name": "李强", "phone": "+86 139-0013-9000"},
        ],
        "accounts": [
            {"role": "victim", "kind": "card", "number": VALID_CARD, "party": 0},
            {
                "role": "payee",
                "kind": "account",
                "number": PAYEE_ACCOUNT,
                "at_this_bank": True,
                "opening_unit": "BR-SH-PD",
                "party": 1,
            },
        ],
        "vehicles": [{"kind": "phishing_url", "value": "HTTPS://WWW.Bank-Verify.example.cn/login"}],
    }
    if incident_type in ("impostor_customer", "forged_documents"):
        data["parties"] = [{"role": "impostor", "name": "陈建国", "id_number": IMPOSTOR_ID}]
        data["accounts"] = []
        data["outcome"] = "prevented"
    if incident_type == "forged_bills":
        data["parties"] = [{"role": "bill_drawer", "name": "某某贸易有限公司"}]
        data["accounts"] = []
    data.update(overrides)
    return data
