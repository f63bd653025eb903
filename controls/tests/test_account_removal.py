"""An account with a stop-payment or freeze request on it, or a hold in force, stays in the
case file: removing it is refused with the request named, and nothing changes; once the
request is withdrawn, the account can be removed."""

from __future__ import annotations

import pytest

from controls.choices import ControlKind
from controls.services import control_request_withdraw, control_requests_create
from fraudops.core.actors import Actor
from fraudops.core.errors import Conflict
from fraudops.core.models import AuditEvent
from incidents.models import Account
from incidents.services import account_remove
from tests.scope_matrix import rows

from .conftest import OTHER_BANK, PAYEE_BJ

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return rows(), list(AuditEvent.objects.filter(outcome="ok").values_list("pk", flat=True))


def test_an_account_with_a_request_on_it_stays_in_the_case_file(person, incident):
    teller = Actor.for_user(person("teller_bj_hd"))
    payee = incident.accounts.get(number=PAYEE_BJ)
    [control] = control_requests_create(
        actor=teller,
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": payee.pk}],
        reason="诈骗收款账户",
    )
    before = _state()
    with pytest.raises(Conflict) as refused:
        account_remove(
            actor=teller, incident_id=incident.pk, account_id=payee.pk, reason="录入错误"
        )
    assert refused.value.code == "row_in_use"
    assert control.number in str(refused.value.message)
    assert _state() == before

    control_request_withdraw(actor=teller, control_id=control.pk, reason="账号录错，撤回")
    account_remove(actor=teller, incident_id=incident.pk, account_id=payee.pk, reason="录入错误")
    assert Account.all_objects.get(pk=payee.pk).is_removed


def test_an_account_without_requests_is_removed(person, incident):
    teller = Actor.for_user(person("teller_bj_hd"))
    other = incident.accounts.get(number=OTHER_BANK)
    account_remove(actor=teller, incident_id=incident.pk, account_id=other.pk, reason="与本案无关")
    assert not incident.accounts.filter(pk=other.pk).exists()
