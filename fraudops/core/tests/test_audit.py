"""The audit helpers: one event, or many by one actor in one insert."""

import datetime

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record, audit_record_many
from fraudops.core.models import AuditEvent


def test_many_events_are_written_as_audit_record_writes_one(person, django_assert_num_queries):
    actor = Actor.for_user(person("ho_monitor"), ip="10.0.0.9")
    single = audit_record(
        actor=actor,
        action="x.done",
        thread="x:1",
        after={"on": datetime.date(2027, 6, 30)},
    )
    with django_assert_num_queries(1):
        many = audit_record_many(
            actor=actor,
            events=[
                {
                    "action": "x.done",
                    "thread": f"x:{i}",
                    "after": {"on": datetime.date(2027, 6, 30)},
                }
                for i in (2, 3)
            ],
        )
    assert len(many) == 2
    rows = list(AuditEvent.objects.filter(action="x.done").order_by("id"))
    assert [r.thread for r in rows] == ["x:1", "x:2", "x:3"]
    fields = ("actor_user_id", "actor_client_id", "actor_label", "actor_unit_id", "ip", "after")
    for row in rows[1:]:
        assert row.data == {} and row.outcome == "ok" and row.before is None
        assert [getattr(row, f) for f in fields] == [getattr(single, f) for f in fields]
    assert rows[1].ip == "10.0.0.9" and rows[1].after == {"on": "2027-06-30"}


def test_no_events_write_nothing(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert audit_record_many(actor=Actor.system(), events=[]) == []
