"""The watch list on the core kit: its change feed is the one counter (`sequence_next`, the
same row and guarantees as before), too-long text is refused (never cut), titles are stored
in both languages, and its badges read the colours declared beside its choices."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from fraudops.core.errors import InvalidInput
from fraudops.core.models import Sequence
from watchlist import csvio, presentation, services
from watchlist.models import Entry, EntryChange, ImportJob


def test_the_feed_counter_is_the_sequence_row_watchlist_feed_of_year_zero(publish):
    publish("phone", {"phone": "13900139000"})
    publish("phone", {"phone": "13700137000"})
    seqs = list(EntryChange.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2]
    counter = Sequence.objects.get(name=services.FEED_SEQUENCE, year=0)
    assert services.FEED_SEQUENCE == "watchlist_feed"
    assert counter.value == seqs[-1]


def test_a_rolled_back_publication_gives_its_feed_positions_back(publish, actor):
    publish("phone", {"phone": "13900139000"})
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("phone", {"phone": "13700137000"})
        raise RuntimeError("something after the publication failed")
    publish("phone", {"phone": "13600136000"})
    assert list(EntryChange.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_take_feed_positions_in_commit_order(actor):
    """Six monitors publish at once, each holding its transaction a moment after the
    publication: the feed positions tile 1..6, and each one is handed out only after the
    previous position's writer committed (the counter row stays locked until commit), so a
    reader following the feed never skips a change that commits late."""
    phones = [f"1390013900{i}" for i in range(6)]
    nominations = [
        services.nomination_create(
            actor=actor("monitor_bj"), kind="phone", data={"phone": p}, reason="涉案收款人"
        )
        for p in phones
    ]
    timings: dict[int, tuple[float, float]] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(nominations))
    approver = actor("ho_monitor")

    def decide(nomination_id: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                entry = services.nomination_approve(
                    actor=approver, nomination_id=nomination_id, reason="核实无误"
                )
                got = time.monotonic()
                time.sleep(0.05)
            committed = time.monotonic()
            seq = EntryChange.objects.get(entry=entry).seq
            with lock:
                timings[seq] = (got, committed)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(n.pk,)) for n in nominations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(timings) == [1, 2, 3, 4, 5, 6]
    for seq in range(2, 7):
        # Position `seq` was handed out after `seq - 1` was committed.
        assert timings[seq][0] >= timings[seq - 1][1]
    assert Sequence.objects.get(name=services.FEED_SEQUENCE, year=0).value == 6


def test_too_long_reasons_and_bank_names_are_refused_not_cut(actor, publish):
    long_reason = "涉" * (services.MAX_REASON + 1)
    with pytest.raises(InvalidInput) as refused:
        services.nomination_create(
            actor=actor("monitor_bj"),
            kind="phone",
            data={"phone": "13900139000"},
            reason=long_reason,
        )
    assert "reason" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.nomination_create(
            actor=actor("monitor_bj"),
            kind="account",
            data={"account_number": "6217000010001234567", "bank_name": "行" * 101},
            reason="涉案收款账户",
        )
    assert "bank_name" in refused.value.fields
    upload = SimpleUploadedFile("list.csv", b"kind,phone\nphone,13700137000\n")
    with pytest.raises(InvalidInput) as refused:
        services.import_create(
            actor=actor("ho_monitor"), uploaded_file=upload, reason="x" * (services.MAX_REASON + 1)
        )
    assert "reason" in refused.value.fields
    assert not ImportJob.objects.exists()


def test_a_too_long_reason_in_an_import_row_fails_the_row(actor):
    text = f"kind,phone,reason\nphone,13700137000,{'x' * (services.MAX_REASON + 1)}\n"
    upload = SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")
    job = services.import_create(actor=actor("ho_monitor"), uploaded_file=upload, reason="批量")
    job = services.import_run(job_id=job.pk)
    assert job.status == "failed"
    assert not Entry.objects.exists()
    assert [e["column"] for e in csvio.error_lines(job.error_report)] == ["reason"]


def test_nomination_titles_are_stored_in_both_languages(actor, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    zh, en = presentation.nomination_decide_titles(nomination)
    assert en == f"Decide watch-list nomination N-{nomination.pk}: +8613900139000"
    assert zh != en and f"N-{nomination.pk}" in zh
    services.nomination_reject(actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="否")
    nomination.refresh_from_db()
    zh, en = presentation.nomination_decided_titles(nomination)
    assert en == f"Watch-list nomination N-{nomination.pk} Rejected: +8613900139000"
    assert "Rejected" not in zh  # the status label in Chinese too


def test_badges_read_the_colours_declared_beside_the_choices():
    page = Template(
        '{% load chrome %}{% state_badge "active" "watchlist.EntryStatus" %}'
        '{% state_badge "removed" "watchlist.EntryStatus" %}'
        '{% state_badge "open" "watchlist.NominationStatus" %}'
        '{% state_badge "approved" "watchlist.NominationStatus" %}'
        '{{ "failed"|colour:"watchlist.ImportStatus" }}|'
        '{{ "writing"|colour:"watchlist.ImportStatus" }}|'
        '{{ "hit"|colour:"watchlist.Decision" }}|{{ "review"|colour:"watchlist.Decision" }}|'
        '{{ "pinyin"|choice_label:"watchlist.MatchRule" }}|'
        '{{ "nope"|choice_label:"watchlist.KeyKind" }}'
    )
    with translation.override("en"):
        html = page.render(Context())
    assert '<span class="badge danger">Active</span>' in html
    assert '<span class="badge ">Removed</span>' in html
    assert '<span class="badge warning">Awaiting head office</span>' in html
    assert '<span class="badge ok">Approved</span>' in html
    assert "danger|info|danger|warning|Same name in pinyin|nope" in html


def test_nomination_pages_show_the_decision_deadline_widget(client, person, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    client.force_login(person("ho_monitor"))
    due = timezone.localtime(nomination.due_at).strftime("%Y-%m-%d %H:%M")
    with translation.override("en"):
        for url in (
            reverse("watchlist:nomination_list"),
            reverse("watchlist:nomination_detail", kwargs={"nomination_id": nomination.pk}),
        ):
            body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert due in body  # the date stays on the page
            assert f'<span class="clock ok" title="due {due}">' in body
            assert "badge warning" in body  # an open nomination
    with freeze_time(nomination.due_at + datetime.timedelta(minutes=5)):
        body = client.get(reverse("watchlist:nomination_list")).content.decode()
        assert '<span class="clock overdue"' in body
