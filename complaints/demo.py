"""Demo data for complaints (`seed_demo`), built through the real services: seed case 5, a
phone-banking "designated account" (约定账户) scam that came back as a petition transferred
by the city petitions office (市信访局). The incident (DEMO-5) is filed at 北京海淀支行,
worked and closed; the petition arrives afterwards and is filed and linked there, with the
branch's findings and the sub-branch's compliance review; the reply is left to draft, so
its clock runs in `make run`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.models import User
from incidents.demo import work_level
from incidents.models import Incident
from incidents.services import incident_file, incident_transition

from . import services
from .models import Complaint

DEMO_REFERENCE = "京信转〔2026〕0517号"
INCIDENT_REFERENCE = "DEMO-5"


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.select_related("unit").get(username=username))


def _incident(now: datetime.datetime) -> Incident:
    incident = Incident.objects.filter(external_reference=INCIDENT_REFERENCE).first()
    if incident is not None:
        return incident
    incident = incident_file(
        actor=_actor("teller_bj_hd"),
        data={
            "external_reference": INCIDENT_REFERENCE,
            "incident_type": "telecom_fraud",
            "occurred_at": (now - datetime.timedelta(days=20)).isoformat(),
            "summary": "客户办理电话银行约定账户转账业务，约定账户为一位“王先生”让其填写的"
            "陌生账户；其后资金被分批转入该约定账户。柜员查询账户记录确认，建议客户报警。",
            "channel": "phone_banking",
            "fraud_script": "other",
            "fraud_script_detail": "陌生人“王先生”让客户把他人账户设为电话银行约定转账账户。",
            "amount_lost": "36000.00",
            "parties": [
                {
                    "role": "victim",
                    "name": "刘桂芳",
                    "id_number": "110108195803150024",
                    "phone": "13911012345",
                },
                {"role": "fraudster", "name": "王先生"},
            ],
        },
    )
    # Worked at every level and closed weeks ago: the petition comes back afterwards.
    for level in (Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE):
        work_level(incident, level)
    incident_transition(actor=_actor("ho_monitor"), incident_id=incident.pk, transition="close")
    return incident


@transaction.atomic
def demo_complaints_build() -> int:
    if Complaint.objects.filter(reference=DEMO_REFERENCE).exists():
        return 0
    now = timezone.now()
    incident = _incident(now)
    teller = _actor("teller_bj_hd")
    complaint = services.complaint_file(
        actor=teller,
        data={
            "source": "petitions_office",
            "reference": DEMO_REFERENCE,
            "received_at": (now - datetime.timedelta(days=3)).isoformat(),
            "complainant": {
                "name": "刘桂芳",
                "id_type": "resident_id",
                "id_number": "110108195803150024",
                "phone": "13911012345",
            },
            "request": "反映柜员为其办理电话银行约定账户转账业务时未解释清楚相关规定，"
            "造成账户资金被转走，请求银行帮助。",
        },
    )
    services.complaint_incident_link(
        actor=teller,
        number=complaint.number,
        incident_number=incident.number,
        note="信访人即该案受害客户。",
    )
    services.complaint_investigation_record(
        actor=_actor("manager_bj_hd"),
        number=complaint.number,
        findings="客户到网点申领银行卡并申请电话银行约定账户转账，约定账号为客户本人填写；"
        "资金分批转入该约定账户。客户称不认识收款人，是“王先生”让其约定。已建议客户报警。",
    )
    services.complaint_review_record(
        actor=_actor("monitor_bj"),
        number=complaint.number,
        conclusion="partly_followed",
        finding="调阅开户及约定账户申请表：申请表由客户本人填写并签字，柜员已核对身份；"
        "但未见柜员提示“约转账户须为客户熟知的亲友”的记录，解释不够充分。",
    )
    return 1
