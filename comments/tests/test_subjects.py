"""The subject registry: another app's object (here an org unit standing in for a
complaint) becomes commentable with one register call, and its comments audit on its own
thread, are checked by its own rules and link to its own page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import subjects
from comments.services import comment_add
from comments.tests.factories import CommentFactory
from fraudops.core.errors import InvalidInput, NotFound, PermissionRefused
from fraudops.core.models import AuditEvent, OrgUnit, User
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _check_may_read(actor, unit):
    if not actor.sees(unit):
        raise NotFound("No such unit.")


def _check_may_comment(actor, unit, action):
    _check_may_read(actor, unit)
    if actor.user is None or not actor.working_levels():
        raise PermissionRefused(thread=f"unit:{unit.pk}", action=action)


@pytest.fixture
def unit_subject():
    registered = subjects.register_subject(
        "core.orgunit",
        key="unit",
        get=lambda reference: OrgUnit.objects.get(code=reference),
        reference=lambda unit: unit.code,
        lock=lambda unit: OrgUnit.objects.select_for_update().get(pk=unit.pk),
        check_may_read=_check_may_read,
        check_may_comment=_check_may_comment,
        thread=lambda unit: f"unit:{unit.pk}",
        url=lambda unit: f"/units/{unit.code}/",
        title=lambda unit: (f"机构 {unit.code}", f"unit {unit.code}"),
        people_who_may_read=lambda unit: User.objects.filter(unit=unit),
    )
    yield registered
    subjects._by_label.pop("core.orgunit")
    subjects._by_key.pop("unit")


def test_another_subject_is_commented_on_through_its_registration(unit_subject, bank, actor, relay):
    branch = bank["BR-BJ-HD"]
    comment = comment_add(actor=actor("teller_bj_hd"), subject=branch, body="@manager_bj_hd 看看")
    assert comment.thread == f"unit:{branch.pk}"
    assert AuditEvent.objects.get(action="comment.added").thread == f"unit:{branch.pk}"
    relay()
    notice = Notification.objects.get(kind="comment.mention")
    assert notice.url == f"/units/BR-BJ-HD/#comment-{comment.pk}"
    # Its own rule for mentions: the sub-branch's monitor does not "read" this subject.
    with pytest.raises(InvalidInput) as refused:
        comment_add(actor=actor("teller_bj_hd"), subject=branch, body="@monitor_bj 看看")
    assert "@monitor_bj" in refused.value.fields["body"][0]
    with pytest.raises(NotFound):
        comment_add(actor=actor("teller_sh_pd"), subject=branch, body="外地")


def test_the_same_views_serve_another_subject(unit_subject, bank, client, person):
    CommentFactory(subject=bank["BR-BJ-HD"], body="分支机构评论")
    client.force_login(person("teller_bj_hd"))
    response = client.post(
        reverse("comments:add", kwargs={"key": "unit", "reference": "BR-BJ-HD"}), {"body": "二"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/units/BR-BJ-HD/#comment-")
    api = f"/api/v1/incidents/{'BR-BJ-HD'}/comments/"
    assert client.get(api).status_code == 404  # the incident route is the incident's only


def test_an_object_that_is_not_registered_cannot_be_commented_on(bank, actor):
    with pytest.raises(LookupError):
        comment_add(actor=actor("teller_bj_hd"), subject=bank["BR-BJ-HD"], body="无")
