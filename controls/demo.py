"""Demo data for account control, built through the real services (`seed_demo`):

- a stop-payment requested on demo incident DEMO-1 (Beijing) for its payee account held in
  Shanghai (so Shanghai's monitors have a cross-region request in their queue and head office
  is copied), and for a linked account in Beijing (in monitor_bj's queue);
- the API client "core-banking-demo" (pull and confirm instructions). Its token is derived
  from SECRET_KEY, so it is the same on every run of one installation and printed each time.
"""

from __future__ import annotations

import hashlib
import hmac
import sys

from django.conf import settings
from django.db import transaction

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.models import ApiClient, OrgUnit, User
from incidents.choices import AccountRole
from incidents.models import Incident

from .choices import ControlKind
from .models import ControlRequest
from .services import control_requests_create

DEMO_CLIENT = "core-banking-demo"
DEMO_LINKED_ACCOUNT = "6217000010009876543"


def demo_client_token() -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), DEMO_CLIENT.encode(), hashlib.sha256)
    return "fo_demo_" + digest.hexdigest()[:40]


def _demo_client() -> bool:
    token = demo_client_token()
    client = ApiClient.objects.filter(name=DEMO_CLIENT).first()
    created = client is None
    if created:
        client = ApiClient(
            name=DEMO_CLIENT,
            unit=OrgUnit.objects.get(code="HO"),
            scopes=[ApiScope.FREEZES_READ, ApiScope.FREEZES_WRITE, ApiScope.INCIDENTS_READ],
        )
    client.key_prefix = token[:12]
    client.key_hash = hashlib.sha256(token.encode()).hexdigest()
    client.save()
    sys.stdout.write(f"{DEMO_CLIENT} API token (Authorization: Bearer ...): {token}\n")
    return created


@transaction.atomic
def demo_controls_build() -> int:
    created = int(_demo_client())
    incident = Incident.objects.filter(external_reference="DEMO-1").first()
    if incident is None or ControlRequest.objects.filter(incident=incident).exists():
        return created
    if not incident.is_open:
        return created
    payee = incident.accounts.filter(role=AccountRole.PAYEE, at_this_bank=True).first()
    targets: list[dict] = [
        {
            "number": DEMO_LINKED_ACCOUNT,
            "opening_unit": "BR-BJ-CY",
            "holder_name": "孙丽",
            "amount": "20000",
        }
    ]
    if payee is not None and payee.opening_unit_id:
        targets.insert(0, {"account": payee.pk})
    teller = User.objects.select_related("unit").get(username="teller_bj_hd")
    requests = control_requests_create(
        actor=Actor.for_user(teller),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=targets,
        reason="客户被骗转入诈骗账户，资金尚未转移，请求紧急止付。",
    )
    return created + len(requests)
