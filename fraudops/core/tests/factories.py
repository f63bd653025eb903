"""factory_boy factories for the bank's people, units and API clients.

Built through the real services where the app has one: units through `org_unit_upsert`
(which keeps the path), roles through `user_set_roles`. The demo bank (`bank` fixture) is
the usual backdrop; these make the extra people and units a test needs, e.g.

    UserFactory(unit=bank["BR-BJ-HD"], roles=[Role.TELLER])
    ApiClientFactory(unit=bank["HO"], scopes=[ApiScope.INCIDENTS_READ]).api  # an APIClient
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory
from rest_framework.test import APIClient

from fraudops.core.actors import Actor
from fraudops.core.choices import Level, Role
from fraudops.core.models import ApiClient, OrgUnit, User
from fraudops.core.services import org_unit_upsert, user_set_roles

PASSWORD = "factory-password-2026"

# The role each level's staff holds unless a test says otherwise.
DEFAULT_ROLE = {
    Level.BRANCH: Role.TELLER,
    Level.SUB_BRANCH: Role.SUB_BRANCH_MONITOR,
    Level.HEAD_OFFICE: Role.HEAD_OFFICE_MONITOR,
}


def head_office() -> OrgUnit:
    """The root unit: the demo bank's if it is there, else a fresh one."""
    found = OrgUnit.objects.filter(parent__isnull=True).first()
    if found is not None:
        return found
    return org_unit_upsert(
        code="HO", name_zh="总行", name_en="Head Office", level=Level.HEAD_OFFICE, parent=None
    )


class OrgUnitFactory(DjangoModelFactory):
    """A branch by default, under a new sub-branch under head office.

    `OrgUnitFactory(level=Level.SUB_BRANCH)` makes a region directly under head office."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"F-{n:04d}")
    name_zh = factory.Sequence(lambda n: f"测试机构{n}")
    name_en = factory.Sequence(lambda n: f"Test unit {n}")
    level = Level.BRANCH
    parent = factory.LazyAttribute(
        lambda o: (
            head_office()
            if o.level == Level.SUB_BRANCH
            else OrgUnitFactory(level=Level.SUB_BRANCH)
            if o.level == Level.BRANCH
            else None
        )
    )

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        if kwargs["level"] == Level.HEAD_OFFICE:
            return head_office()
        return org_unit_upsert(**kwargs)


class UserFactory(DjangoModelFactory):
    """A member of staff at `unit` holding `roles` (default: the unit level's usual role).

    `UserFactory(roles=[])` makes someone with no role at all."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n:04d}")
    display_name = factory.LazyAttribute(lambda o: f"测试 {o.username}")
    unit = factory.SubFactory(OrgUnitFactory)
    language = "zh-hans"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if not create:
            return
        if extracted is None:
            extracted = [DEFAULT_ROLE[self.unit.level]] if self.unit else []
        user_set_roles(user=self, roles=extracted)

    @classmethod
    def actor(cls, **kwargs: Any) -> Actor:
        """An Actor for a fresh user (same keywords as the factory)."""
        return Actor.for_user(cls(**kwargs))


class ApiClientFactory(DjangoModelFactory):
    """A bank system's API client; `.token` holds its bearer token, `.api` a DRF test client
    sending it."""

    class Meta:
        model = ApiClient
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"system-{n:04d}")
    unit = factory.LazyFunction(head_office)
    scopes = factory.LazyFunction(ApiClient.all_scopes)

    @factory.post_generation
    def token(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        raw = self.issue_key()
        if create:
            self.save(update_fields=["key_prefix", "key_hash"])
        self.token = raw
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        api.client_record = self
        self.api = api
