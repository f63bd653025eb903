"""Domain errors: raised by services, mapped once to HTTP by the API and to messages by views.

Every refusal carries a stable `code`, a translatable message and, where it is about input,
the fields at fault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"
    default_message = _("The request could not be carried out.")
    # Refusals are recorded in the audit trail (outside the rolled-back transaction).
    audited = False

    def __init__(
        self,
        message: StrOrPromise | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        thread: str = "",
        action: str = "",
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.thread = thread
        self.action = action
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status_code = 400
    default_code = "invalid_input"
    default_message = _("Some fields are not valid. Correct them and try again.")


class PermissionRefused(DomainError):
    status_code = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")
    audited = True


class OutOfScope(PermissionRefused):
    default_code = "out_of_scope"
    default_message = _("This belongs to a unit outside your own.")


class FourEyesRefused(PermissionRefused):
    default_code = "four_eyes"
    default_message = _("You cannot approve your own request: another person must do it.")


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status_code = 409
    default_code = "conflict"
    default_message = _(
        "Someone else changed this at the same time. Reload the page to see the current state."
    )
    audited = True


class InvalidTransition(Conflict):
    default_code = "invalid_transition"
    default_message = _("This action is not possible in the current state.")
