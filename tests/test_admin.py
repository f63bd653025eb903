"""Every admin page head office uses renders: the changelist of each registered model and
the change page of one object where one exists."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from incidents.demo_incidents import demo_incidents_build


@pytest.fixture
def admin_client(client, person):
    client.force_login(person("admin"))
    return client


def _models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model", [m for m, _ in _models()], ids=lambda m: m._meta.label)
def test_admin_changelist_and_change_page_render(admin_client, model):
    demo_incidents_build()
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_creating_an_api_client_in_the_admin_shows_its_token_once(admin_client, bank):
    from fraudops.core.models import ApiClient

    response = admin_client.post(
        reverse("admin:core_apiclient_add"),
        {"name": "cbs", "unit": bank["HO"].pk, "scopes": '["screening"]', "is_active": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    client = ApiClient.objects.get(name="cbs")
    token = next(str(m) for m in response.context["messages"]).rsplit(" ", 1)[-1]
    assert client.key_matches(token)
    assert token not in (client.key_hash, client.key_prefix)
