"""One zh/en pick and one bilingual renderer for messages stored in both languages."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from fraudops.core.i18n import bilingual, bilingual_fields, bilingual_text, is_chinese, pick
from incidents.choices import IncidentState


def test_pick_follows_the_active_language_and_falls_back():
    with translation.override("zh-hans"):
        assert pick("总行", "Head Office") == "总行"
        assert pick("", "Head Office") == "Head Office"
    with translation.override("en"):
        assert pick("总行", "Head Office") == "Head Office"
        assert pick("总行", "") == "总行"
    assert pick("总行", "Head Office", language="en") == "Head Office"
    assert pick("总行", "Head Office", language="zh-hant") == "总行"


def test_no_active_language_counts_as_chinese():
    with translation.override(None):
        assert is_chinese()
        assert pick("总行", "Head Office") == "总行"


def test_bilingual_renders_once_per_language():
    zh, en = bilingual(lambda: str(IncidentState.CLOSED.label))
    assert en == "Closed" and zh != en


def test_bilingual_text_translates_the_message_and_lazy_params_per_language():
    message = gettext_noop("Page %(number)s of %(total)s")
    calls = []

    def params():
        calls.append(translation.get_language())
        return {"number": 1, "total": IncidentState.CLOSED.label}

    zh, en = bilingual_text(message, params)
    assert calls == ["zh-hans", "en"]
    assert en == "Page 1 of Closed"
    with translation.override("zh-hans"):
        assert zh == gettext(message) % {"number": 1, "total": IncidentState.CLOSED.label}
    assert zh != en


def test_bilingual_text_without_params_leaves_percent_signs_alone():
    assert bilingual_text("100% sure") == ("100% sure", "100% sure")


def test_bilingual_fields_are_the_stored_fields():
    fields = bilingual_fields({"state": IncidentState.CLOSED.label}, title="Now %(state)s")
    assert fields["title_en"] == "Now Closed"
    assert set(fields) == {"title_zh", "title_en"}
    assert fields["title_zh"] != fields["title_en"]  # the label is in Chinese
