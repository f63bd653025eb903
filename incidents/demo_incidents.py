"""A handful of demo incidents in various states, filed and worked through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.models import User

from . import services
from .demo import report_level, work_level
from .models import Incident


def _file(ref: str, teller: str, data: dict) -> Incident | None:
    if Incident.objects.filter(external_reference=ref).exists():
        return None
    user = User.objects.get(username=teller)
    return services.incident_file(
        actor=Actor.for_user(user), data={"external_reference": ref, **data}
    )


def demo_incidents_build() -> int:
    now = timezone.now()
    created = 0

    # Seed case 1: telecom fraud, money wired at 13:50; left at the branch so its clocks
    # visibly run out and escalate in `make run`.
    incident = _file(
        "DEMO-1",
        "teller_bj_hd",
        {
            "incident_type": "telecom_fraud",
            "occurred_at": (now - datetime.timedelta(minutes=40)).isoformat(),
            "summary": "客户接到冒充公安的电话，称其涉嫌洗钱，被要求将资金转入“安全账户”。"
            "客户通过网银转出 5 万元后到柜台咨询。",
            "channel": "online_banking",
            "fraud_script": "posing_as_police",
            "amount_lost": "50000.00",
            "parties": [
                {
                    "role": "victim",
                    "name": "张秀兰",
                    "id_number": "11010519491231002x",
                    "phone": "13800138000",
                },
                {"role": "payee", "name": "李强", "phone": "+86 139 0013 9000"},
            ],
            "accounts": [
                {
                    "role": "victim",
                    "kind": "card",
                    "number": "6222 0200 0000 0000 000",
                    "at_this_bank": True,
                    "opening_unit": "BR-BJ-HD",
                    "party": 0,
                },
                {
                    "role": "payee",
                    "kind": "account",
                    "number": "6217000010001234567",
                    "at_this_bank": True,
                    "opening_unit": "BR-SH-PD",
                    "party": 1,
                },
            ],
            "vehicles": [{"kind": "fraud_phone", "value": "010-12345678"}],
        },
    )
    created += incident is not None

    # Seed case 2: fake tax refund at a self-service terminal, prevented, at the sub-branch.
    incident = _file(
        "DEMO-2",
        "teller_sh_pd",
        {
            "incident_type": "phishing_site",
            "occurred_at": (now - datetime.timedelta(hours=3)).isoformat(),
            "summary": "客户在自助终端按短信中的“退税”网址操作，大堂经理及时劝阻。",
            "channel": "atm",
            "fraud_script": "fake_tax_refund",
            "amount_prevented": "8600.00",
            "outcome": "prevented",
            "parties": [{"role": "victim", "name": "王小明", "phone": "13912345678"}],
            "vehicles": [
                {"kind": "phishing_url", "value": "http://www.tax-refund-gov.example.cn/"}
            ],
        },
    )
    if incident:
        report_level(incident, Level.BRANCH)
        created += 1

    # An impostor intercepted at the counter, already with head office.
    incident = _file(
        "DEMO-3",
        "teller_gz_th",
        {
            "incident_type": "impostor_customer",
            "occurred_at": (now - datetime.timedelta(days=1)).isoformat(),
            "summary": "持他人真实身份证办理开户，人证不符，柜员拒绝办理。",
            "channel": "counter",
            "outcome": "prevented",
            "parties": [{"role": "impostor", "name": "陈建国", "id_number": "440106198001010019"}],
        },
    )
    if incident:
        work_level(incident, Level.BRANCH)
        report_level(incident, Level.SUB_BRANCH)
        created += 1

    # A forged bill, worked all the way and closed.
    incident = _file(
        "DEMO-4",
        "teller_bj_cy",
        {
            "incident_type": "forged_bills",
            "occurred_at": (now - datetime.timedelta(days=5)).isoformat(),
            "summary": "客户持伪造的银行承兑汇票申请质押，柜员鉴别为假票并没收。",
            "channel": "counter",
            "outcome": "prevented",
            "amount_prevented": "1000000.00",
            "serious": True,
            "parties": [{"role": "bill_drawer", "name": "某某贸易有限公司"}],
        },
    )
    if incident:
        for level in (Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE):
            work_level(incident, level)
        head = User.objects.get(username="ho_monitor")
        services.incident_transition(
            actor=Actor.for_user(head), incident_id=incident.pk, transition="close"
        )
        created += 1

    # Seed case 4: a card left in an ATM (a customer-safety event, not a fraud), found by
    # the lobby manager; the card is secured and the customer contacted, waiting for them
    # to come back with their ID. The branch's alone: its manager closes it there.
    incident = _file(
        "DEMO-5",
        "teller_bj_hd",
        {
            "incident_type": "customer_safety",
            "occurred_at": (now - datetime.timedelta(minutes=50)).isoformat(),
            "summary": "大堂经理巡视时发现一台ATM仍处于受理业务状态，四周无人，客户已离开。"
            "大堂经理退出业务画面，取下客户遗留的银行卡交柜台，柜员根据卡号联系客户。",
            "channel": "atm",
            "accounts": [
                {
                    "role": "other",
                    "kind": "card",
                    "number": "6222 0210 0011 2233 449",
                    "at_this_bank": True,
                    "opening_unit": "BR-BJ-HD",
                }
            ],
        },
    )
    if incident:
        teller = Actor.for_user(User.objects.get(username="teller_bj_hd"))
        for task in incident.tasks.filter(
            step__code__in=("secure_card_or_session", "contact_customer")
        ).select_related("step"):
            services.task_complete(
                actor=teller, task_id=task.pk, evidence=_safety_evidence(now)[task.step.code]
            )
        created += 1
    return created


def _safety_evidence(now: datetime.datetime) -> dict[str, dict]:
    def at(minutes_ago: int) -> str:
        return timezone.localtime(now - datetime.timedelta(minutes=minutes_ago)).strftime(
            "%Y-%m-%dT%H:%M"
        )

    return {
        "secure_card_or_session": {
            "event_kind": "card_left_in_atm",
            "secured_at": at(45),
            "card_number": "6222021000112233449",
            "how_secured": "退出受理画面，卡片交柜台保管（ATM-02）。",
        },
        "contact_customer": {"contacted_at": at(30), "phone": "13800138000", "result": "reached"},
    }
