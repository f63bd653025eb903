"""The browser pages: head office's nominations queue and entry pages with history, the
screening page anyone can use, one-click nomination from an incident, imports."""

import pytest
from django.urls import reverse

from incidents import services as incident_services
from tests.query_counts import exact
from watchlist.choices import MatchRule
from watchlist.models import Entry, Nomination

# Exact query counts of the list pages and endpoint as these tests read them.
ENTRY_LIST_QUERIES = 8
NOMINATION_LIST_QUERIES = 11  # 8 + the live change marker, read first (docs/live-updates.md)
REVIEW_LIST_QUERIES = 8  # 7 + the live change marker, read first (no entry due: its count only)
ENTRIES_API_QUERIES = 3

PERSON = {"name": "李强", "id_number": "110105199003071239"}


@pytest.fixture
def web(client, person):
    def login(username: str):
        client.force_login(person(username))
        return client

    return login


@pytest.mark.parametrize("username", ["teller_bj_hd", "manager_gz_th", "auditor", "monitor_sh"])
def test_anyone_on_the_staff_can_screen_and_see_why_it_matched(web, publish, username):
    entry = publish("person", PERSON)
    response = web(username).post(reverse("watchlist:screening"), {"name": "Li Qiang"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="decision"' in body
    result = response.context["result"]
    assert result.decision == "review"
    assert result.hits[0].entry_id == entry.pk
    assert response.context["hits"][0]["rule"] == MatchRule.PINYIN.label


def test_screening_page_hit_on_an_id_number_typed_with_spaces_and_lower_case_x(web, publish):
    entry = publish("person", {"name": "王芳", "id_number": "31011519800515456X"})
    response = web("teller_sh_pd").post(
        reverse("watchlist:screening"), {"id_number": "310115 19800515 456x"}
    )
    assert response.context["result"].decision == "hit"
    assert response.context["result"].hits[0].entry_id == entry.pk


def test_tellers_are_sent_from_the_list_to_the_screening_page(web):
    response = web("teller_bj_hd").get(reverse("watchlist:entry_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("watchlist:screening")


def test_entry_list_and_detail_with_history(web, publish, django_assert_num_queries):
    for i in range(5):
        publish("phone", {"phone": f"1390013900{i}"})
    entry = Entry.objects.first()
    client = web("ho_monitor")
    with django_assert_num_queries(exact(ENTRY_LIST_QUERIES)):
        response = client.get(reverse("watchlist:entry_list"))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 5
    response = client.get(reverse("watchlist:entry_detail", args=[entry.pk]))
    assert response.status_code == 200
    history = [e.action for e in response.context["history"]]
    assert history[:3] == [
        "watchlist.nominated",
        "watchlist.nomination_approved",
        "watchlist.entry_published",
    ]


def test_head_office_queue_shows_open_nominations_oldest_first(web, nominate):
    first = nominate("phone", {"phone": "13900139000"})
    second = nominate("phone", {"phone": "13700137000"}, by="monitor_sh")
    response = web("ho_monitor").get(reverse("watchlist:nomination_list"))
    assert list(response.context["nominations"]) == [first, second]


def test_head_office_approves_in_the_browser_and_the_entry_hits_at_once(web, nominate, client):
    nomination = nominate("account", {"account_number": "6217000010001234567"})
    response = web("ho_monitor").post(
        reverse("watchlist:nomination_decide", args=[nomination.pk]),
        {"decision": "approve", "reason": "核实为涉诈账户"},
    )
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("watchlist:entry_detail", args=[entry.pk])
    response = web("teller_gz_th").post(
        reverse("watchlist:screening"), {"account": "6217 0000 1000 1234 567"}
    )
    assert response.context["result"].decision == "hit"


def test_the_nominator_gets_no_decision_form_and_a_refused_post_changes_nothing(web, nominate):
    nomination = nominate("phone", {"phone": "13900139000"}, by="ho_monitor")
    client = web("ho_monitor")
    response = client.get(reverse("watchlist:nomination_detail", args=[nomination.pk]))
    assert response.context["may_decide"] is False
    assert response.context["own_nomination"] is True
    client.post(
        reverse("watchlist:nomination_decide", args=[nomination.pk]),
        {"decision": "approve", "reason": "自己批"},
    )
    assert Nomination.objects.get(pk=nomination.pk).status == "open"
    assert not Entry.objects.exists()


def _incident(actor):
    return incident_services.incident_file(
        actor=actor("teller_bj_hd"),
        data={
            "incident_type": "telecom_fraud",
            "occurred_at": "2026-01-05T10:00:00+08:00",
            "summary": "冒充公检法，转账至安全账户。",
            "parties": [
                {"role": "victim", "name": "张秀兰", "phone": "13800138000"},
                {"role": "payee", "name": "李强", "id_number": "110105199003071239"},
            ],
            "accounts": [
                {"role": "payee", "kind": "account", "number": "6217000010001234567", "party": 1}
            ],
            "vehicles": [{"kind": "phishing_url", "value": "https://icbc-verify.com.cn/login"}],
        },
    )


def test_incident_panel_offers_parties_accounts_and_vehicles_with_one_click(web, actor):
    incident = _incident(actor)
    client = web("monitor_bj")
    response = client.get(reverse("incident_detail", args=[incident.number]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="watchlist-panel"' in body
    party = incident.parties.get(role="payee")
    assert f'data-testid="nominate-party:{party.pk}"' in body
    victim = incident.parties.get(role="victim")
    assert f"party:{victim.pk}" not in body  # victims are never offered
    response = client.post(
        reverse("watchlist:nominate_from_incident", args=[incident.number]),
        {"source": f"party:{party.pk}", "reason": "收款人"},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.kind == "person"
    assert nomination.id_number == "110105199003071239"
    assert nomination.source_incident == incident
    assert nomination.nominating_unit.code == "SB-BJ"
    body = client.get(reverse("incident_detail", args=[incident.number])).content.decode()
    assert f"N-{nomination.pk}" in body


def test_a_branch_teller_gets_no_nomination_buttons(web, actor):
    incident = _incident(actor)
    body = web("teller_bj_hd").get(reverse("incident_detail", args=[incident.number])).content
    assert b"nominate-party" not in body


def test_nominating_from_another_regions_incident_is_not_found(web, actor):
    incident = _incident(actor)
    party = incident.parties.get(role="payee")
    response = web("monitor_sh").post(
        reverse("watchlist:nominate_from_incident", args=[incident.number]),
        {"source": f"party:{party.pk}", "reason": "x"},
    )
    assert response.status_code == 404
    assert not Nomination.objects.exists()


def test_manual_nomination_form_refuses_a_bad_phone_on_its_field(web):
    response = web("monitor_gz").post(
        reverse("watchlist:nomination_new") + "?kind=phone",
        {"kind": "phone", "phone": "12345", "reason": "诈骗电话"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["entry_list", "nomination_list", "review_list", "screening", "import_list", "nomination_new"],
)
def test_pages_render_for_head_office(web, publish, name):
    publish("phone", {"phone": "13900139000"})
    assert web("ho_monitor").get(reverse(f"watchlist:{name}")).status_code == 200


def test_removal_in_the_browser_needs_a_reason(web, publish):
    entry = publish("phone", {"phone": "13900139000"})
    client = web("ho_monitor")
    client.post(reverse("watchlist:entry_remove", args=[entry.pk]), {"reason": ""})
    assert Entry.objects.get(pk=entry.pk).status == "active"
    client.post(reverse("watchlist:entry_remove", args=[entry.pk]), {"reason": "误报"})
    assert Entry.objects.get(pk=entry.pk).status == "removed"


def test_export_is_for_head_office_and_auditors(web, publish):
    publish("phone", {"phone": "13900139000"})
    assert web("monitor_bj").get(reverse("watchlist:export_csv")).status_code == 403
    response = web("auditor").get(reverse("watchlist:export_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffid,status,kind")
    assert "'+8613900139000" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Li Qiang", "person"),
        ("110105 19900307 1239", "person"),
        ("139-0013-9000", "phone"),
        ("假芯片", "fake_card"),
    ],
)
def test_list_search_finds_by_name_identifier_and_features(web, publish, query, expected):
    entries = {
        "person": publish("person", PERSON),
        "phone": publish("phone", {"phone": "13900139000"}),
        "fake_card": publish("fake_card", {"features": "芯片为假芯片"}),
    }
    response = web("ho_monitor").get(reverse("watchlist:entry_list"), {"q": query})
    assert list(response.context["entries"]) == [entries[expected]]


def test_nominations_queue_and_review_list_cost_a_fixed_number_of_queries(
    web, nominate, publish, django_assert_num_queries
):
    for i in range(6):
        nominate("phone", {"phone": f"1390013900{i}"})
    for i in range(4):
        publish("phone", {"phone": f"1370013700{i}"}, review_on=None)
    client = web("ho_monitor")
    client.get(reverse("watchlist:nomination_list"))  # warm the session and language
    with django_assert_num_queries(exact(NOMINATION_LIST_QUERIES)):
        response = client.get(reverse("watchlist:nomination_list"))
    assert len(response.context["nominations"]) == 6
    with django_assert_num_queries(exact(REVIEW_LIST_QUERIES)):
        assert client.get(reverse("watchlist:review_list")).status_code == 200


def test_entries_api_list_costs_a_fixed_number_of_queries(
    core_banking, publish, django_assert_num_queries
):
    for i in range(8):
        publish("phone", {"phone": f"1390013900{i}"})
    with django_assert_num_queries(exact(ENTRIES_API_QUERIES)):
        response = core_banking.get("/api/v1/watchlist/entries/")
    assert response.json()["count"] == 8
