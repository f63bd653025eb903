"""Signing in: Django's model backend, loading the user's unit with the user.

Every request of a signed-in member of staff needs the unit (scope checks, the header), so
the session's user is read with its unit in one query rather than two.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
