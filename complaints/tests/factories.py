"""factory_boy factories for complaints, filed through the real service
(`complaint_file`), so a complaint comes with its number, its reply clock, its audit row and
its notice exactly as a branch's filing makes them.

    ComplaintFactory()                                  # a petition at BR-BJ-HD
    ComplaintFactory(filer="teller_sh_pd")              # filed by another branch
    ComplaintFactory(source="regulator_hotline")
    ComplaintData()                                     # the payload only (a dict)
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_file
from incidents.tests.factories import as_actor

COMPLAINANT_ID = "110108195803150024"


class ComplainantData(factory.DictFactory):
    name = "劉桂芳"  # Traditional: stored Simplified
    id_type = "resident_id"
    id_number = COMPLAINANT_ID
    phone = "139 1101 2345"


class ComplaintData(factory.DictFactory):
    source = "petitions_office"
    reference = factory.Sequence(lambda n: f"京信转〔2026〕{n:04d}号")
    received_at = factory.LazyFunction(
        lambda: (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    )
    complainant = factory.SubFactory(ComplainantData)
    request = "反映柜员办理电话银行约定账户转账业务时未解释清楚相关规定，请求帮助。"


class ComplaintFactory(factory.Factory):
    class Meta:
        model = Complaint

    filer: Any = "teller_bj_hd"

    @classmethod
    def _build(cls, model_class: type[Complaint], *args: Any, **kwargs: Any) -> Complaint:
        raise TypeError("Complaints are filed through the service: use create().")

    @classmethod
    def _create(
        cls, model_class: type[Complaint], *args: Any, filer: Any, **data: Any
    ) -> Complaint:
        return complaint_file(actor=as_actor(filer), data=ComplaintData(**data))
