from incidents.demo_incidents import demo_incidents_build
from watchlist.demo import demo_watchlist_build
from watchlist.models import Entry, Nomination
from watchlist.screening import screen


def test_demo_watch_list_is_published_through_the_lifecycle_and_idempotent(bank, actor):
    demo_incidents_build()
    created = demo_watchlist_build()
    assert created >= 30
    assert Entry.objects.filter(status="active").count() == created - 1
    assert Entry.objects.filter(status="removed").count() == 1
    assert Nomination.objects.filter(status="open").count() == 2
    assert Entry.objects.filter(source_incident__isnull=False).count() == 2
    assert demo_watchlist_build() == 0
    result = screen(actor=actor("teller_bj_hd"), parties=[{"name": "Liu Jianjun"}])[0]
    assert result.decision == "review"
