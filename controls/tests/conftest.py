"""Fixtures for account control: incidents filed through the real service, with accounts in
the filing branch's region, in another region and at another bank."""

from __future__ import annotations

import datetime

import pytest
from django.urls import get_resolver
from django.utils import timezone

from fraudops.core.actors import Actor
from incidents.services import incident_file

# Load the URL configuration (and so every API view module) now, at collection, outside any
# freeze_time block. These tests import the API serializers (and so drf-spectacular) at
# collection; a view module that evaluates `datetime.date` at import (workflows.api.views'
# OpenApiParameter types) and is first imported by a test running under freeze_time would
# capture freezegun's FakeDate instead, and the OpenAPI schema test would then warn.
URL_PATTERNS = get_resolver().url_patterns

PAYEE_BJ = "6217000010000000001"  # held at BR-BJ-CY: same region as the filing branch
PAYEE_SH = "6217000020000000002"  # held at BR-SH-PD: another region
OTHER_BANK = "6228480000000000003"


def file_incident(person, *, teller="teller_bj_hd", amount_lost="50000.00", accounts=None):
    actor = Actor.for_user(person(teller))
    return incident_file(
        actor=actor,
        data={
            "incident_type": "telecom_fraud",
            "occurred_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
            "summary": "客户被冒充公安诈骗，向“安全账户”转账。",
            "amount_lost": amount_lost,
            "parties": [
                {"role": "victim", "name": "张秀兰", "phone": "13800138000"},
                {"role": "payee", "name": "李强", "phone": "13900139000"},
            ],
            "accounts": accounts
            if accounts is not None
            else [
                {
                    "role": "payee",
                    "number": PAYEE_BJ,
                    "holder_name": "李强",
                    "opening_unit": "BR-BJ-CY",
                    "party": 1,
                },
                {"role": "payee", "number": PAYEE_SH, "opening_unit": "BR-SH-PD"},
                {"role": "other", "number": OTHER_BANK, "bank_name": "某农商银行"},
            ],
        },
    )


@pytest.fixture
def incident(person):
    return file_incident(person)


@pytest.fixture
def account(incident):
    def get(number: str):
        return incident.accounts.get(number=number)

    return get
