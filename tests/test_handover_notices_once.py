"""The hand-overs the other parts add (named owners: assigned; comments: mentioned) reach
each recipient exactly once, in the inbox and by email, even when the outbox relay runs
every row twice (incidents/tests/test_notices.py does the same for the incident's own)."""

from __future__ import annotations

import pytest

from comments.services import comment_add
from fraudops.core.choices import Level
from incidents import services
from incidents.tests.test_notices import _actor, _file, assert_once_each, relay_every_row_twice
from notifications.models import Notification

pytestmark = pytest.mark.django_db


# --- assigned and mentioned (named owners, comments): the same exactly-once ------------------


def test_an_assignment_tells_the_assignee_once_however_often_the_relay_runs(bank):
    incident = _file("impostor_customer")
    task = incident.tasks.filter(level=Level.BRANCH).order_by("order").first()
    services.task_assign(actor=_actor("manager_bj_hd"), task=task, user=_actor("teller_bj_hd").user)
    relay_every_row_twice()
    keys = set(Notification.objects.filter(kind="incidents.assigned").values_list("key", flat=True))
    assert len(keys) == 1
    assert_once_each(keys.pop(), {"teller_bj_hd"})


def test_a_mention_tells_the_mentioned_once_however_often_the_relay_runs(bank):
    incident = _file("impostor_customer")
    comment = comment_add(
        actor=_actor("teller_bj_hd"), subject=incident, body="@manager_bj_hd 请核实客户身份"
    )
    relay_every_row_twice()
    (key,) = set(Notification.objects.filter(kind="comment.mention").values_list("key", flat=True))
    notice = assert_once_each(key, {"manager_bj_hd"})
    assert notice.url.endswith(f"#comment-{comment.pk}")
