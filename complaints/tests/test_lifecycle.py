"""A complaint from receipt to outcome through the services: validation, the notice, the
reply clock (escalating exactly once), links to incidents audited on both threads, the
level above's review, the reply's four-eyes sign-off, withdrawal, reply deadlines."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from freezegun import freeze_time

from clocks.choices import ClockStatus
from clocks.models import Clock, Escalation
from clocks.sweep import clocks_sweep
from complaints import permissions, services
from complaints.choices import ClockKind, ComplaintState
from complaints.models import Complaint, ComplaintIncident, ReplyDeadline
from fraudops.core.actors import Actor
from fraudops.core.choices import Role
from fraudops.core.errors import (
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionRefused,
)
from fraudops.core.models import AuditEvent, OutboxMessage, User
from incidents.tests.factories import IncidentFactory

from .factories import ComplainantData, ComplaintData, ComplaintFactory

pytestmark = pytest.mark.django_db


def _reply_clock(complaint: Complaint) -> Clock:
    return Clock.objects.get(subject_id=complaint.pk, kind=ClockKind.REPLY)


def _to_drafted(actor, complaint: Complaint, author: str = "teller_bj_hd") -> Complaint:
    services.complaint_investigation_record(
        actor=actor(author), number=complaint.number, findings="柜员已核对身份。"
    )
    return services.complaint_reply_draft(
        actor=actor(author), number=complaint.number, text="经核查，现答复如下……"
    )


def test_filing_validates_the_complainant_like_a_party_and_saves_nothing_when_bad(bank, actor):
    data = ComplaintData(
        complainant=ComplainantData(id_number="110108195803150025", phone="12345"),
        source="nowhere",
        request="",
    )
    with pytest.raises(InvalidInput) as refused:
        services.complaint_file(actor=actor("teller_bj_hd"), data=data)
    assert {
        "source",
        "request",
        "complainant.id_number",
        "complainant.phone",
    } <= set(refused.value.fields)
    assert not Complaint.objects.exists()


def test_filing_numbers_it_sets_the_deadline_by_source_starts_the_clock_and_tells_the_manager(
    bank, actor
):
    received = timezone.now() - datetime.timedelta(hours=1)
    complaint = ComplaintFactory(received_at=received.isoformat())
    assert complaint.number.startswith(f"TS-{timezone.now().year}-")
    assert complaint.complainant_name == "刘桂芳"  # folded to Simplified
    assert complaint.complainant_phone.endswith("13911012345")
    assert complaint.unit.code == "BR-BJ-HD"
    assert complaint.due_at == received + datetime.timedelta(days=15)
    clock = _reply_clock(complaint)
    assert (clock.unit_id, clock.owner_role, clock.thread) == (
        complaint.unit_id,
        Role.BRANCH_MANAGER,
        complaint.thread,
    )
    assert AuditEvent.objects.filter(thread=complaint.thread, action="complaint.filed").exists()
    notice = OutboxMessage.objects.get(dedupe_key=f"notify:complaint:{complaint.pk}:received")
    assert notice.payload["roles"] == [Role.BRANCH_MANAGER]
    assert notice.payload["unit_id"] == complaint.unit_id


def test_the_reply_deadline_follows_head_offices_setting(bank, actor, person):
    admin = Actor.for_user(person("admin"))
    row = ReplyDeadline.objects.get(source="regulator_hotline")
    services.reply_deadline_save(actor=admin, deadline=row, changes={"days": 0, "hours": 36})
    received = timezone.now() - datetime.timedelta(hours=1)
    complaint = ComplaintFactory(source="regulator_hotline", received_at=received.isoformat())
    assert complaint.due_at == received + datetime.timedelta(hours=36)
    assert AuditEvent.objects.filter(action="complaints.reply_deadline_saved").count() == 1


def test_only_administrators_change_reply_deadlines_and_zero_is_refused(bank, actor, person):
    row = ReplyDeadline.objects.get(source="counter")
    with pytest.raises(PermissionRefused):
        services.reply_deadline_save(actor=actor("ho_monitor"), deadline=row, changes={"days": 1})
    with pytest.raises(InvalidInput):
        services.reply_deadline_save(
            actor=Actor.for_user(person("admin")), deadline=row, changes={"days": 0, "hours": 0}
        )
    row.refresh_from_db()
    assert row.days == 7


@pytest.mark.parametrize("sweeps", [2])
def test_the_reply_clock_escalates_exactly_once_when_the_deadline_passes(bank, actor, sweeps):
    complaint = ComplaintFactory(source="regulator_hotline")
    with freeze_time(complaint.due_at + datetime.timedelta(minutes=1)):
        for _ in range(sweeps):
            clocks_sweep()
    clock = _reply_clock(complaint)
    assert Escalation.objects.filter(clock=clock, stage="overdue").count() == 1
    assert AuditEvent.objects.filter(thread=complaint.thread, action="clock.escalated").count() == 1


def test_the_sweep_stops_the_clock_of_a_sent_reply_instead_of_escalating(bank, actor, person):
    complaint = ComplaintFactory()
    _to_drafted(actor, complaint)
    services.complaint_reply_sign_off(actor=actor("manager_bj_hd"), number=complaint.number)
    services.complaint_reply_send(
        actor=actor("teller_bj_hd"), number=complaint.number, channel="via_petitions_office"
    )
    assert _reply_clock(complaint).status == ClockStatus.STOPPED
    with freeze_time(complaint.due_at + datetime.timedelta(days=1)):
        clocks_sweep()
    assert not Escalation.objects.filter(clock__subject_id=complaint.pk).exists()


def test_the_author_cannot_sign_off_their_own_reply_refused_audited_nothing_changed(
    bank, actor, person
):
    complaint = ComplaintFactory()
    drafted = _to_drafted(actor, complaint, author="manager_bj_hd")
    before = Complaint.objects.filter(pk=complaint.pk).values().get()
    with pytest.raises(FourEyesRefused), translation.override("en"):
        services.complaint_reply_sign_off(actor=actor("manager_bj_hd"), number=complaint.number)
    assert Complaint.objects.filter(pk=complaint.pk).values().get() == before
    refusal = AuditEvent.objects.get(thread=complaint.thread, outcome="refused")
    assert refusal.action == "complaint.sign_off"
    assert refusal.data["code"] == "four_eyes"
    # Another manager of the branch signs it off.
    other = User.objects.create(username="manager2_bj_hd", unit=person("manager_bj_hd").unit)
    other.role_assignments.create(role=Role.BRANCH_MANAGER)
    signed = services.complaint_reply_sign_off(
        actor=Actor.for_user(User.objects.get(pk=other.pk)), number=drafted.number
    )
    assert signed.state == ComplaintState.REPLY_SIGNED_OFF
    assert signed.reply_signed_off_by_id == other.pk


def test_when_the_branchs_only_manager_drafted_the_sub_branch_signs_off(bank, actor):
    complaint = _to_drafted(actor, ComplaintFactory(), author="manager_bj_hd")
    assert not permissions.may_sign_off(actor("manager_bj_hd"), complaint=complaint)
    assert permissions.may_sign_off(actor("opshead_bj"), complaint=complaint)
    # Another region's manager does not see it at all.
    with pytest.raises(NotFound):
        services.complaint_reply_sign_off(actor=actor("monitor_sh"), number=complaint.number)
    signed = services.complaint_reply_sign_off(actor=actor("opshead_bj"), number=complaint.number)
    assert signed.state == ComplaintState.REPLY_SIGNED_OFF


def test_a_teller_cannot_sign_off_and_the_reply_must_be_drafted_first(bank, actor):
    complaint = ComplaintFactory()
    with pytest.raises(InvalidTransition):
        services.complaint_reply_sign_off(actor=actor("manager_bj_hd"), number=complaint.number)
    _to_drafted(actor, complaint)
    with pytest.raises(PermissionRefused):
        services.complaint_reply_sign_off(actor=actor("teller_bj_hd"), number=complaint.number)


def test_filed_before_any_incident_linked_later_audited_on_both_threads_and_unlinked(bank, actor):
    complaint = ComplaintFactory()
    incident = IncidentFactory(channel="phone_banking")
    link = services.complaint_incident_link(
        actor=actor("teller_bj_hd"), number=complaint.number, incident_number=incident.number
    )
    assert link.is_live
    assert AuditEvent.objects.filter(thread=incident.thread, action="complaint.linked").exists()
    assert AuditEvent.objects.filter(
        thread=complaint.thread, action="complaint.incident_linked"
    ).exists()
    with pytest.raises(InvalidInput):  # once
        services.complaint_incident_link(
            actor=actor("teller_bj_hd"), number=complaint.number, incident_number=incident.number
        )
    with pytest.raises(InvalidInput):  # a reason is needed
        services.complaint_incident_unlink(
            actor=actor("teller_bj_hd"),
            number=complaint.number,
            incident_number=incident.number,
            reason="",
        )
    services.complaint_incident_unlink(
        actor=actor("teller_bj_hd"),
        number=complaint.number,
        incident_number=incident.number,
        reason="误关联",
    )
    assert not ComplaintIncident.objects.filter(unlinked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(thread=incident.thread, action="complaint.unlinked").exists()
    # Linked again after the mistake: a new live link.
    services.complaint_incident_link(
        actor=actor("teller_bj_hd"), number=complaint.number, incident_number=incident.number
    )
    assert ComplaintIncident.objects.filter(unlinked_at__isnull=True).count() == 1


def test_linking_needs_the_actor_to_see_both(bank, actor):
    complaint = ComplaintFactory()
    other_region = IncidentFactory(filer="teller_sh_pd")
    with pytest.raises(NotFound):
        services.complaint_incident_link(
            actor=actor("teller_bj_hd"),
            number=complaint.number,
            incident_number=other_region.number,
        )
    with pytest.raises(NotFound):  # the complaint is out of Shanghai's sight
        services.complaint_incident_link(
            actor=actor("teller_sh_pd"),
            number=complaint.number,
            incident_number=other_region.number,
        )
    assert not ComplaintIncident.objects.exists()


def test_the_level_above_records_the_compliance_review_the_branch_may_not(bank, actor):
    complaint = ComplaintFactory()
    with pytest.raises(PermissionRefused):
        services.complaint_review_record(
            actor=actor("manager_bj_hd"),
            number=complaint.number,
            conclusion="followed",
            finding="自查",
        )
    review = services.complaint_review_record(
        actor=actor("monitor_bj"),
        number=complaint.number,
        conclusion="partly_followed",
        finding="柜员未充分解释约定账户须为熟知亲友的规定。",
    )
    assert review.unit.code == "SB-BJ"
    with pytest.raises(NotFound):
        services.complaint_review_record(
            actor=actor("monitor_sh"), number=complaint.number, conclusion="followed", finding="x"
        )


def test_the_whole_way_sent_stops_the_clock_and_the_outcome_closes(bank, actor):
    complaint = ComplaintFactory()
    _to_drafted(actor, complaint)
    services.complaint_reply_sign_off(actor=actor("manager_bj_hd"), number=complaint.number)
    with pytest.raises(InvalidTransition):
        services.complaint_close(
            actor=actor("teller_bj_hd"), number=complaint.number, outcome="not_upheld"
        )
    services.complaint_reply_send(
        actor=actor("teller_bj_hd"), number=complaint.number, channel="via_petitions_office"
    )
    with pytest.raises(InvalidInput):
        services.complaint_close(
            actor=actor("teller_bj_hd"), number=complaint.number, outcome="withdrawn"
        )
    closed = services.complaint_close(
        actor=actor("manager_bj_hd"), number=complaint.number, outcome="partly_upheld"
    )
    assert (closed.state, closed.outcome) == (ComplaintState.CLOSED, "partly_upheld")


def test_withdrawn_stops_the_clock_with_the_reason(bank, actor):
    complaint = ComplaintFactory()
    withdrawn = services.complaint_withdraw(
        actor=actor("teller_bj_hd"), number=complaint.number, reason="信访人撤回"
    )
    assert (withdrawn.state, withdrawn.outcome) == (ComplaintState.WITHDRAWN, "withdrawn")
    assert _reply_clock(complaint).status == ClockStatus.STOPPED


def test_another_branch_sees_nothing_and_the_sub_branch_works_only_its_own_level(bank, actor):
    complaint = ComplaintFactory()
    with pytest.raises(NotFound):
        services.complaint_investigation_record(
            actor=actor("teller_bj_cy"), number=complaint.number, findings="x"
        )
    with pytest.raises(PermissionRefused):  # the region sees it; the branch answers it
        services.complaint_investigation_record(
            actor=actor("monitor_bj"), number=complaint.number, findings="x"
        )
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED


def test_documents_are_checked_like_evidence_and_kept_apart_from_it(bank, actor):
    complaint = ComplaintFactory()
    document = services.complaint_document_add(
        actor=actor("teller_bj_hd"),
        number=complaint.number,
        uploaded_file=SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 test", "application/pdf"),
        description="约定账户申请表",
    )
    assert document.file.name.startswith("complaints/")
    assert document.content_type == "application/pdf"
    with pytest.raises(InvalidInput) as refused:
        services.complaint_document_add(
            actor=actor("teller_bj_hd"),
            number=complaint.number,
            uploaded_file=SimpleUploadedFile("x.exe", b"MZ\x90\x00\xff\xfe", "application/pdf"),
        )
    assert "file" in refused.value.fields
    assert complaint.documents.count() == 1


def test_a_link_to_another_branchs_incident_is_not_revealed_to_the_branch(bank, actor):
    # A Haidian complaint linked to a Chaoyang incident (as the region, which sees both,
    # would link it; the service lets only the responsible unit link, so it is written
    # here): the Haidian branch sees its complaint but not the other branch's incident,
    # not even its number; the sub-branch sees the link.
    from complaints.selectors import complaint_get, complaint_list

    complaint = ComplaintFactory()
    elsewhere = IncidentFactory(filer="teller_bj_cy")
    ComplaintIncident.objects.create(complaint=complaint, incident=elsewhere)
    branch = complaint_get(actor=actor("teller_bj_hd"), number=complaint.number)
    assert list(branch.incident_links.all()) == []
    (row,) = complaint_list(actor=actor("teller_bj_hd"))
    assert row.live_links == []
    region = complaint_get(actor=actor("monitor_bj"), number=complaint.number)
    assert [link.incident.number for link in region.incident_links.all()] == [elsewhere.number]
