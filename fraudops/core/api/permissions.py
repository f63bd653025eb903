"""Who may call an endpoint at all; what they may touch is decided by the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import permissions

from ..choices import Role

if TYPE_CHECKING:  # rest_framework.views imports the permission classes: a cycle at run time
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsActor(permissions.BasePermission):
    """A signed-in member of staff, or an API client holding the view's scope.

    Views name `required_scopes = {"GET": "incidents:read", "POST": "incidents:write"}`.
    Staff are scoped by role and unit in the services and selectors; auditors only read.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        client = getattr(request._request, "api_client", None)
        if client is not None:
            scopes = getattr(view, "required_scopes", {})
            needed = scopes.get(request.method) or scopes.get("*")
            return needed is None or client.has_scope(needed)
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method not in permissions.SAFE_METHODS:
            return bool(user.role_codes - {Role.AUDITOR})
        return True
