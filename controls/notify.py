"""Telling people about account control: who is told, in both languages, through the
notifications app (its outbox row is written in the caller's transaction).

Messages are written once as English source strings (marked for translation) and rendered in
Chinese and English, so that each person reads the notification in their own language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from fraudops.core.choices import Level, Role
from fraudops.core.models import OrgUnit, User
from notifications.services import Message, notification_send

Params = Callable[[], dict]


def _render(message: str, params: Params) -> tuple[str, str]:
    """`message` % params() in Chinese and in English (params are evaluated per language, so
    choice labels and unit names come out in that language)."""
    rendered = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            values = {key: str(value) for key, value in params().items()}
            rendered.append(gettext(message) % values)
    return rendered[0], rendered[1]


def users_with_role(
    *, units: Iterable[OrgUnit], role: str, exclude: Iterable[int] = ()
) -> list[int]:
    unit_ids = [unit.pk for unit in units]
    return list(
        User.objects.filter(unit_id__in=unit_ids, is_active=True, role_assignments__role=role)
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def head_office_monitors(*, exclude: Iterable[int] = ()) -> list[int]:
    return list(
        User.objects.filter(
            Q(unit__level=Level.HEAD_OFFICE),
            is_active=True,
            role_assignments__role=Role.HEAD_OFFICE_MONITOR,
        )
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def notify(
    *,
    user_ids: Iterable[int],
    title: str,
    body: str,
    params: Params,
    url: str,
    key: str,
    thread: str = "",
    tone: str = "info",
) -> None:
    """Tell `user_ids` (inside the caller's transaction; delivered after commit, once per key).

    `title` and `body` are English source strings marked with gettext_noop.
    """
    recipients = sorted({pk for pk in user_ids if pk})
    if not recipients:
        return
    title_zh, title_en = _render(title, params)
    body_zh, body_en = _render(body, params)
    notification_send(
        message=Message(
            key=key[:190],
            kind="controls",
            tone=tone,
            user_ids=tuple(recipients),
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            url=url,
            thread=thread,
        )
    )
