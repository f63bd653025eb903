"""factory_boy factories for incidents, filed through the real service (`incident_file`), so
an incident comes with its number, its playbook's first tasks, its clocks and its audit row
exactly as a branch's filing makes them.

    IncidentFactory()                                  # telecom fraud at BR-BJ-HD
    IncidentFactory(filer="teller_sh_pd")              # filed by another branch's teller
    IncidentFactory(accounts=[AccountData(number=...)], vehicles=[])
    IncidentFactory.create_batch(5, filer=user)        # five filings
    FilingFactory()                                    # the payload only (a dict)

`filer` is a username of the demo bank (needs the `bank` fixture), a User, or an Actor.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents.models import Incident
from incidents.services import incident_file

VICTIM_ID = "11010519491231002X"
VALID_CARD = "6222020000000000000"


class PartyData(factory.DictFactory):
    role = "victim"
    name = "張秀蘭"
    id_number = VICTIM_ID
    phone = "138 0013 8000"


class PayeeData(factory.DictFactory):
    role = "payee"
    name = "李强"
    phone = "+86 139-0013-9000"


class AccountData(factory.DictFactory):
    """A payee account held at this bank (default: in the Shanghai region)."""

    role = "payee"
    kind = "account"
    number = factory.Sequence(lambda n: f"6217000010{n:09d}")
    at_this_bank = True
    opening_unit = "BR-SH-PD"


class CardData(factory.DictFactory):
    role = "victim"
    kind = "card"
    number = VALID_CARD
    party = 0


class VehicleData(factory.DictFactory):
    kind = "phishing_url"
    value = factory.Sequence(lambda n: f"https://bank-verify-{n}.example.cn/login")


class FilingFactory(factory.DictFactory):
    """A valid filing payload, as the API's filing serializer takes it."""

    incident_type = "telecom_fraud"
    occurred_at = factory.LazyFunction(
        lambda: (timezone.now() - datetime.timedelta(minutes=30)).isoformat()
    )
    summary = "客户被冒充公检法人员诱骗转账。"
    channel = "online_banking"
    fraud_script = "posing_as_police"
    amount_lost = "50000.00"
    parties = factory.LazyFunction(lambda: [PartyData(), PayeeData()])
    accounts = factory.LazyFunction(lambda: [CardData(), AccountData(party=1)])
    vehicles = factory.LazyFunction(lambda: [VehicleData()])


def as_actor(who: str | User | Actor) -> Actor:
    if isinstance(who, Actor):
        return who
    if isinstance(who, str):
        who = User.objects.select_related("unit").get(username=who)
    return Actor.for_user(who)


class IncidentFactory(factory.Factory):
    """An incident filed by `filer` through `incident_file`; every other keyword is a field
    of the filing payload (FilingFactory's defaults fill the rest)."""

    class Meta:
        model = Incident

    filer: Any = "teller_bj_hd"

    @classmethod
    def _build(cls, model_class: type[Incident], *args: Any, **kwargs: Any) -> Incident:
        raise TypeError("Incidents are filed through the service: use create().")

    @classmethod
    def _create(cls, model_class: type[Incident], *args: Any, filer: Any, **data: Any) -> Incident:
        return incident_file(actor=as_actor(filer), data=FilingFactory(**data))
