"""X-Forwarded-For / X-Forwarded-Proto are believed only from a trusted proxy, and a bad
value is ignored, never a server error (issue 16)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from fraudops.core.models import AuditEvent
from fraudops.core.proxies import TrustedProxyMiddleware, check_trusted_proxies, client_ip
from incidents.demo import sample_evidence
from incidents.models import Incident

from .incident_data import filing

PROXY = "10.9.0.2"
TRUSTED = {"FRAUDOPS_TRUSTED_PROXIES": ["10.9.0.0/24", "2001:db8:9::/48"]}


def _filed(api, **extra) -> AuditEvent:
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json", **extra)
    assert response.status_code == 201, response.content
    return AuditEvent.objects.get(action="incident.filed")


def test_a_forwarded_address_from_an_untrusted_peer_is_not_recorded(api, bank):
    event = _filed(api, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert event.ip == "192.0.2.7"


def test_no_proxy_is_trusted_by_default(api, bank, settings):
    assert settings.FRAUDOPS_TRUSTED_PROXIES == []
    event = _filed(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert event.ip == PROXY


@override_settings(**TRUSTED)
def test_a_trusted_proxy_names_the_client(api, bank):
    event = _filed(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert event.ip == "198.51.100.4"


@override_settings(**TRUSTED)
def test_the_first_untrusted_hop_from_the_right_is_the_client(api, bank):
    # The client forged "6.6.6.6"; our two proxies appended what they saw.
    event = _filed(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.9.0.7")
    assert event.ip == "198.51.100.4"


@pytest.mark.parametrize(
    "forwarded",
    ["junk", "198.51.100.4, junk", "", " , ", "1.2.3.4:80", "fe80::1%eth0", "1" * 5000, "∞"],
)
@override_settings(**TRUSTED)
def test_a_malformed_forwarded_header_falls_back_to_the_peer(api, bank, forwarded):
    event = _filed(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert event.ip == PROXY


@pytest.mark.parametrize("trusted", [False, True])
def test_junk_forwarded_headers_refusal_still_answers_and_is_audited(api, bank, trusted):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    incident = Incident.objects.get(number=response.json()["number"])
    task = incident.tasks.get(step__code="police_report")
    proxies = TRUSTED["FRAUDOPS_TRUSTED_PROXIES"] if trusted else []
    with override_settings(FRAUDOPS_TRUSTED_PROXIES=proxies):
        refused = api("monitor_bj").post(
            f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/",
            {"result": "done", "evidence": sample_evidence(task)},
            format="json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="junk",
            HTTP_X_FORWARDED_PROTO="junk",
        )
        page = api("teller_bj_hd").get(
            f"/incidents/{incident.number}/",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="junk, ,",
            HTTP_X_FORWARDED_PROTO="\u0000",
        )
    assert refused.status_code == 403
    assert page.status_code == 200
    refusal = AuditEvent.objects.get(thread=incident.thread, outcome="refused")
    assert refusal.ip == PROXY and refusal.actor_label == "monitor_bj"


def test_a_junk_peer_address_is_recorded_as_unknown(api, bank):
    event = _filed(api, REMOTE_ADDR="not-an-address", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert event.ip is None


@override_settings(**TRUSTED)
def test_ipv6_and_ipv4_mapped_peers():
    factory = RequestFactory()
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:9::1", HTTP_X_FORWARDED_FOR="2001:db8:1::5")
    assert client_ip(v6) == "2001:db8:1::5"
    mapped = factory.get("/", REMOTE_ADDR="::ffff:10.9.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(mapped) == "203.0.113.9"
    all_ours = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.9.0.5, 10.9.0.6")
    assert client_ip(all_ours) == "10.9.0.5"


# X-Forwarded-Proto: with SECURE_SSL_REDIRECT a request that is not secure is redirected, so
# the status tells whether request.is_secure() believed the header.
PROTO = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


@override_settings(**PROTO, SECURE_SSL_REDIRECT=True)
def test_forwarded_proto_from_an_untrusted_peer_is_not_https(client, db):
    response = client.get("/healthz", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(**PROTO, **TRUSTED, SECURE_SSL_REDIRECT=True)
def test_forwarded_proto_from_a_trusted_proxy_is_https(client, db):
    response = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    junk = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="junk")
    assert junk.status_code == 301


@override_settings(**PROTO)
def test_untrusted_forwarded_headers_never_reach_the_view(db):
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["headers"] = {k for k in request.META if k.startswith("HTTP_X_FORWARDED")}
        return None

    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_HOST="x"
    )
    TrustedProxyMiddleware(view)(request)
    assert seen == {"secure": False, "headers": set()}


def test_an_invalid_trusted_proxy_setting_is_a_check_error(settings):
    settings.FRAUDOPS_TRUSTED_PROXIES = ["10.0.0.0/33"]
    assert [e.id for e in check_trusted_proxies()] == ["fraudops.E001"]
    # ...and at run time it trusts nothing rather than failing every request.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.0.0.1"
