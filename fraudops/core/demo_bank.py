"""The demo bank: one head office, three sub-branches of three branches each, and a person
for every role. Documented in the README; idempotent."""

from __future__ import annotations

from django.db import transaction

from .choices import Level, Role
from .models import OrgUnit, User
from .services import org_unit_upsert, user_set_roles

DEMO_PASSWORD = "FraudOps-demo-2026"
DEMO_EMAIL_DOMAIN = "demo-bank.example"

REGIONS = [
    (
        "SB-BJ",
        "北京分行",
        "Beijing Sub-branch",
        "bj",
        [
            ("BR-BJ-HD", "北京海淀支行", "Beijing Haidian Branch", "hd"),
            ("BR-BJ-CY", "北京朝阳支行", "Beijing Chaoyang Branch", "cy"),
            ("BR-BJ-XC", "北京西城支行", "Beijing Xicheng Branch", "xc"),
        ],
    ),
    (
        "SB-SH",
        "上海分行",
        "Shanghai Sub-branch",
        "sh",
        [
            ("BR-SH-PD", "上海浦东支行", "Shanghai Pudong Branch", "pd"),
            ("BR-SH-XH", "上海徐汇支行", "Shanghai Xuhui Branch", "xh"),
            ("BR-SH-JA", "上海静安支行", "Shanghai Jing'an Branch", "ja"),
        ],
    ),
    (
        "SB-GZ",
        "广州分行",
        "Guangzhou Sub-branch",
        "gz",
        [
            ("BR-GZ-TH", "广州天河支行", "Guangzhou Tianhe Branch", "th"),
            ("BR-GZ-YX", "广州越秀支行", "Guangzhou Yuexiu Branch", "yx"),
            ("BR-GZ-HZ", "广州海珠支行", "Guangzhou Haizhu Branch", "hz"),
        ],
    ),
]


def demo_email(username: str) -> str:
    """A demo person's address: `make run` prints their mail in the terminal (console
    backend), so every notification email can be read there."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def _person(username: str, display: str, unit: OrgUnit, roles: list[str], **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display, "unit": unit, "email": demo_email(username), **extra},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif not user.email:
        # A demo bank built before people had addresses is topped up.
        User.objects.filter(pk=user.pk).update(email=demo_email(username))
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def demo_bank_build() -> list[tuple[str, str, str]]:
    """Build (or top up) the demo bank; returns (username, unit, roles) for the README."""
    logins: list[tuple[str, str, str]] = []

    def person(username, display, unit, roles, **extra):
        _person(username, display, unit, roles, **extra)
        logins.append((username, unit.code, ", ".join(roles)))

    head = org_unit_upsert(
        code="HO", name_zh="总行", name_en="Head Office", level=Level.HEAD_OFFICE, parent=None
    )
    person("ho_monitor", "总行运营监控 周敏", head, [Role.HEAD_OFFICE_MONITOR])
    person("ho_monitor2", "总行运营监控 吴刚", head, [Role.HEAD_OFFICE_MONITOR])
    person("ho_security", "总行保卫部 郑强", head, [Role.HEAD_OFFICE_SECURITY])
    person("ho_opshead", "总行运营主管 陈静", head, [Role.HEAD_OFFICE_OPERATIONS_HEAD])
    person("auditor", "审计 冯丽", head, [Role.AUDITOR])
    person(
        "admin",
        "系统管理员",
        head,
        [Role.ADMINISTRATOR],
        is_staff=True,
        is_superuser=True,
        language="en",
    )
    for code, name_zh, name_en, key, branches in REGIONS:
        region = org_unit_upsert(
            code=code, name_zh=name_zh, name_en=name_en, level=Level.SUB_BRANCH, parent=head
        )
        person(f"monitor_{key}", f"{name_zh}运营监控", region, [Role.SUB_BRANCH_MONITOR])
        person(f"monitor2_{key}", f"{name_zh}运营监控(二)", region, [Role.SUB_BRANCH_MONITOR])
        person(f"security_{key}", f"{name_zh}保卫部", region, [Role.SUB_BRANCH_SECURITY])
        person(f"opshead_{key}", f"{name_zh}运营主管", region, [Role.SUB_BRANCH_OPERATIONS_HEAD])
        person(f"authoriser_{key}", f"{name_zh}远程授权中心", region, [Role.REMOTE_AUTHORISER])
        for b_code, b_zh, b_en, b_key in branches:
            branch = org_unit_upsert(
                code=b_code, name_zh=b_zh, name_en=b_en, level=Level.BRANCH, parent=region
            )
            person(f"teller_{key}_{b_key}", f"{b_zh}柜员", branch, [Role.TELLER])
            person(f"manager_{key}_{b_key}", f"{b_zh}营业部经理", branch, [Role.BRANCH_MANAGER])
    return logins
