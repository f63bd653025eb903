"""One rule for telling a person, on the page, why their action was refused."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import translation

from fraudops.core.errors import InvalidInput, PermissionRefused
from fraudops.core.views import refusal_message, refusal_to_message


@translation.override("en")
def test_message_then_each_field_at_fault():
    error = InvalidInput(
        fields={"accounts[0].amount": ["Too much."], "reason": ["Give a reason.", "Too short."]}
    )
    assert refusal_message(error) == (
        "Some fields are not valid. Correct them and try again. accounts[0].amount: Too much.; "
        "reason: Give a reason.; reason: Too short."
    )


def test_labels_by_mapping_or_function():
    error = InvalidInput("Check this.", fields={"police_station": ["This field is required."]})
    assert refusal_message(error, labels={"police_station": "Police station"}) == (
        "Check this. Police station: This field is required."
    )
    assert refusal_message(error, labels=lambda key: key.replace("_", " ")) == (
        "Check this. police station: This field is required."
    )


def test_fields_the_form_has_go_on_the_form():
    class Form(forms.Form):
        reason = forms.CharField(required=False)

    form = Form({"reason": ""})
    assert form.is_valid()
    error = InvalidInput("No.", fields={"reason": ["Give a reason."], "other": ["Bad."]})
    assert refusal_message(error, form=form) == "No. other: Bad."
    assert form.errors == {"reason": ["Give a reason."]}


def test_refusal_becomes_the_pages_error_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    refusal_to_message(request, PermissionRefused("Only head office may do this."))
    [message] = list(get_messages(request))
    assert (message.level_tag, str(message)) == ("error", "Only head office may do this.")
