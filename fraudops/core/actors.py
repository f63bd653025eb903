"""Who is acting: a member of staff or an API client, at a unit, from an address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from . import proxies
from .choices import ROLE_LEVEL, Role
from .models import ApiClient, OrgUnit, User

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    client: ApiClient | None = None
    unit: OrgUnit | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    ip: str | None = None
    # Someone not (yet) signed in, e.g. a failed login: audited under this label, sees nothing.
    anonymous_label: str = ""

    @classmethod
    def for_user(cls, user: User, *, ip: str | None = None) -> Actor:
        return cls(user=user, unit=user.unit, roles=user.role_codes, ip=ip)

    @classmethod
    def for_client(cls, client: ApiClient, *, ip: str | None = None) -> Actor:
        return cls(client=client, unit=client.unit, scopes=frozenset(client.scopes or []), ip=ip)

    @classmethod
    def system(cls) -> Actor:
        """Celery sweeps and other automatic actions."""
        return cls()

    @classmethod
    def anonymous(cls, *, ip: str | None = None, label: str = "anonymous") -> Actor:
        """Not signed in (a failed login, a refused token): not the system, sees nothing."""
        return cls(ip=ip, anonymous_label=label)

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        ip = client_ip(request)
        client = getattr(request, "api_client", None)
        if client is not None:
            return cls.for_client(client, ip=ip)
        # Pages call this behind login_required, the API behind IsActor: a signed-in user.
        return cls.for_user(cast(User, request.user), ip=ip)

    @property
    def is_system(self) -> bool:
        return self.user is None and self.client is None and not self.anonymous_label

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.client is not None:
            return f"api:{self.client.name}"
        return self.anonymous_label or "system"

    @property
    def idempotency_owner(self) -> str:
        if self.client is not None:
            return f"client:{self.client.pk}"
        return f"user:{self.user.pk if self.user else 0}"

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def working_levels(self) -> set[str]:
        return {ROLE_LEVEL[r] for r in self.roles if r in ROLE_LEVEL}

    @property
    def is_auditor_only(self) -> bool:
        return self.roles == {Role.AUDITOR}

    def sees(self, unit: OrgUnit) -> bool:
        """Everyone sees their own unit's subtree; the system sees everything."""
        if self.is_system:
            return True
        if self.unit is None:
            return self.user is not None and self.user.is_superuser
        return unit.path.startswith(self.unit.path)

    def subtree_path(self) -> str | None:
        """The path prefix this actor's reads are limited to (None: unlimited)."""
        if self.is_system or (self.user is not None and self.user.is_superuser and not self.unit):
            return None
        return self.unit.path if self.unit else "/nothing/"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: X-Forwarded-For only counts from a trusted proxy (see proxies)."""
    return proxies.client_ip(request)
