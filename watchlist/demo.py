"""Demo watch list: a few dozen entries published through the real lifecycle (a sub-branch
monitor nominates, a head-office monitor approves), a few from the demo incidents, and one
nomination still waiting for head office. Runs only on an empty list (idempotent)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from stdnum.cn import ric, uscc

from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents.models import Incident

from . import services
from .models import Entry, Nomination
from .selectors import incident_offers


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.select_related("unit").get(username=username))


# (nominating monitor, kind, data, reason)
ENTRIES: list[tuple[str, str, dict, str]] = [
    (
        "monitor_bj",
        "person",
        {"name": "刘建军", "id_number": _id("41272219850312451")},
        "冒充公检法诈骗的收款人，已由公安机关立案。",
    ),
    (
        "monitor_bj",
        "person",
        {"name": "陈志强", "id_number": _id("35058319900708123")},
        "多次出租出借银行卡用于电信诈骗资金转移。",
    ),
    (
        "monitor_sh",
        "person",
        {"name": "王秀英", "id_number": _id("43052419781120342")},
        "持他人身份证开户，人证不符被堵截。",
    ),
    (
        "monitor_sh",
        "person",
        {"name": "黄伟", "id_number": _id("45092319951225161")},
        "“安全账户”诈骗收款人，涉案资金 12 万元。",
    ),
    (
        "monitor_gz",
        "person",
        {"name": "欧阳建华", "id_number": _id("44030619880214231")},
        "假冒医保局工作人员实施诈骗。",
    ),
    ("monitor_gz", "person", {"name": "林晓明"}, "钓鱼网站注册人（仅有姓名，证件待核实）。"),
    (
        "monitor_bj",
        "person",
        {"name": "Nguyen Van Hung", "documents": [{"type": "passport", "number": "C4567123"}]},
        "境外人员使用伪造护照办理开户。",
    ),
    (
        "monitor_sh",
        "person",
        {"name": "赵丽", "id_number": _id("32010219920917482")},
        "虚假退税诈骗收款人。",
    ),
    (
        "monitor_gz",
        "person",
        {"name": "周杰", "id_number": _id("51010719871003573")},
        "冒用他人身份办理信用卡。",
    ),
    (
        "monitor_bj",
        "person",
        {"name": "吴敏", "id_number": _id("13010219930605264")},
        "网络刷单诈骗收款人。",
    ),
    (
        "monitor_sh",
        "organisation",
        {"name": "上海宏远商贸有限公司", "org_code": _uscc("91310115MA1H7KQ4X")},
        "以该公司名义出具伪造银行承兑汇票。",
    ),
    (
        "monitor_gz",
        "organisation",
        {"name": "广州市鑫达贸易有限公司", "org_code": _uscc("91440101MA59C2R8P")},
        "伪造营业执照开立对公账户，被柜面堵截。",
    ),
    (
        "monitor_bj",
        "organisation",
        {"name": "北京恒信投资咨询有限公司"},
        "非法集资平台，诱导客户转账。",
    ),
    (
        "monitor_bj",
        "account",
        {"account_number": "6217000010009876543", "holder_name": "刘建军", "bank_name": "本行"},
        "诈骗收款账户，已止付。",
    ),
    (
        "monitor_sh",
        "account",
        {"account_number": "6228480038123456789", "holder_name": "黄伟", "bank_name": "农业银行"},
        "跨行诈骗收款账户。",
    ),
    (
        "monitor_gz",
        "account",
        {"account_number": "6222021001112223334", "holder_name": "周杰", "bank_name": "工商银行"},
        "涉案资金二级转移账户。",
    ),
    (
        "monitor_bj",
        "account",
        {"account_number": "110060149018001234567", "bank_name": "本行"},
        "对公账户被用于接收诈骗资金。",
    ),
    (
        "monitor_sh",
        "account",
        {"account_number": "6214830212345678", "holder_name": "赵丽", "bank_name": "招商银行"},
        "虚假退税诈骗收款账户。",
    ),
    ("monitor_bj", "phone", {"phone": "17012345678"}, "冒充公安的诈骗电话。"),
    ("monitor_sh", "phone", {"phone": "+86 171 2233 4455"}, "自称医保局工作人员的来电号码。"),
    ("monitor_gz", "phone", {"phone": "020-83001234"}, "冒充银行客服的固定电话。"),
    ("monitor_bj", "phone", {"phone": "16523456789"}, "发送虚假退税短信的号码。"),
    ("monitor_sh", "phone", {"phone": "+852 6123 4567"}, "境外诈骗来电。"),
    (
        "monitor_bj",
        "website",
        {"url": "https://www.icbc-verify.com.cn/login"},
        "仿冒网银登录页面的钓鱼网站。",
    ),
    ("monitor_sh", "website", {"url": "http://tax-refund-gov.cn/refund"}, "虚假退税钓鱼网站。"),
    (
        "monitor_gz",
        "website",
        {"url": "https://pan.example.com/s/1AbCdEf", "match_whole_domain": False},
        "网盘分享的木马 App 下载页（共享平台，仅匹配该网址）。",
    ),
    ("monitor_bj", "website", {"url": "https://yibao-refund.xyz"}, "冒充医保退费网站。"),
    (
        "monitor_sh",
        "forged_bill",
        {
            "features": "出票行印章字体偏粗，“汇票专用章”中“专”字笔画有误；纸张无荧光纤维。",
            "reference_number": "3130005120241234",
            "name": "上海宏远商贸有限公司",
        },
        "伪造银行承兑汇票申请质押。",
    ),
    (
        "monitor_bj",
        "forged_bill",
        {
            "features": "票面金额大写与小写不一致，密押区为打印而非压印。",
            "reference_number": "1020000120240567",
        },
        "伪造汇票，已报当地人民银行。",
    ),
    (
        "monitor_gz",
        "fake_card",
        {
            "features": "卡面无凸印卡号，背面无签名条；印有本行标识但卡号不属于本行卡 BIN。",
            "account_number": "6225888812345678",
        },
        "诈骗分子邮寄给客户的假信用卡。",
    ),
    (
        "monitor_sh",
        "fake_card",
        {"features": "卡面“金卡”字样为贴纸，芯片为假芯片。"},
        "假信用卡，客户被骗支付办卡费。",
    ),
]

# Entries that come from the demo incidents (seed cases): (incident reference, source kind).
FROM_INCIDENTS = [
    ("DEMO-1", "account", "monitor_bj", "冒充公安诈骗的收款账户（分行协查后止付）。"),
    ("DEMO-1", "party-phone", "monitor_bj", "冒充公安诈骗的联系电话。"),
    ("DEMO-2", "vehicle", "monitor_sh", "虚假退税钓鱼网站。"),
]


def demo_watchlist_build() -> int:
    if Entry.objects.exists() or Nomination.objects.exists():
        return 0
    approvers = [_actor("ho_monitor"), _actor("ho_monitor2")]
    created = 0
    for index, (by, kind, data, reason) in enumerate(ENTRIES):
        nomination = services.nomination_create(
            actor=_actor(by), kind=kind, data=data, reason=reason
        )
        extra = {}
        if index % 7 == 3:  # a few come up for review soon
            extra["review_on"] = timezone.localdate() + datetime.timedelta(days=index % 5)
        services.nomination_approve(
            actor=approvers[index % 2],
            nomination_id=nomination.pk,
            reason="已与分行核实，同意纳入。",
            **extra,
        )
        created += 1
    for reference, source, by, reason in FROM_INCIDENTS:
        incident = Incident.objects.filter(external_reference=reference).first()
        if incident is None:
            continue
        offer = next(
            (
                o
                for o in incident_offers(incident=incident)
                if o.source_ref.startswith(source + ":") and not o.problems
            ),
            None,
        )
        if offer is None:
            continue
        nomination = services.nomination_create_from_incident(
            actor=_actor(by), incident_id=incident.pk, source_ref=offer.source_ref, reason=reason
        )
        if reference == "DEMO-2":
            continue  # left waiting for head office: the nominations queue is not empty
        services.nomination_approve(
            actor=approvers[0], nomination_id=nomination.pk, reason="已核实，同意纳入。"
        )
        created += 1
    # One more waiting for a decision, nominated by head office itself (so only the other
    # head-office monitor may decide it).
    services.nomination_create(
        actor=_actor("ho_monitor"),
        kind="person",
        data={"name": "張國華", "id_number": _id("44010619830521331")},
        reason="总行可疑账户分析：与多起诈骗收款账户使用相同联系方式。",
    )
    # And one removed, to show a delisting with its reason.
    entry = Entry.objects.filter(phone="+85261234567").first()
    if entry is not None:
        services.entry_remove(
            actor=approvers[1], entry_id=entry.pk, reason="号码已由运营商回收并重新分配。"
        )
    return created
