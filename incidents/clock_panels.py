"""What the clocks add to the incident pages: the timeliness panel, an "overdue / escalated"
badge in queues and lists, and escalations as sentences on the timeline (registered from
IncidentsConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clocks.choices import ESCALATION_STAGE_COLOURS, EscalationStage
from clocks.selectors import clocks_late_stages
from fraudops.core.formats import roles_text
from fraudops.core.i18n import pick

from .panels import Badge, register_badges, register_panel
from .timeline import register_timeline_action
from .timeliness import incident_timeliness


def timeliness_panel_context(incident, actor) -> dict:
    return {"timeliness": incident_timeliness(incident=incident)}


def clock_badges(incident_ids, actor) -> dict[int, list[Badge]]:
    """One query for the whole page: incidents with a late clock, escalated or not."""
    threads = {f"incident:{pk}": pk for pk in incident_ids}
    late = clocks_late_stages(threads=threads)
    worst: dict[int, str] = {}
    for thread, stage in late:
        pk = threads[thread]
        if stage in (EscalationStage.LEVEL_ABOVE, EscalationStage.HEAD_OFFICE):
            worst[pk] = "escalated"
        else:
            worst.setdefault(pk, "overdue")
    return {
        pk: [
            Badge(label=_("Escalated"), tone=ESCALATION_STAGE_COLOURS[EscalationStage.LEVEL_ABOVE])
            if kind == "escalated"
            else Badge(label=_("Overdue"), tone=ESCALATION_STAGE_COLOURS[EscalationStage.OVERDUE])
        ]
        for pk, kind in worst.items()
    }


def escalation_sentence(event, context) -> str:
    data = event.data or {}
    params = {
        "title": pick(data.get("title_zh") or "", data.get("title_en") or ""),
        "unit": pick(data.get("told_unit_zh") or "", data.get("told_unit_en") or "")
        or data.get("told_unit", ""),
        "roles": roles_text(data.get("roles")),
    }
    stage = data.get("stage")
    if stage == EscalationStage.OVERDUE:
        sentence = _("Overdue: “%(title)s”; told %(roles)s at %(unit)s") % params
    elif stage == EscalationStage.LEVEL_ABOVE:
        sentence = (
            _("Escalated to the level above: “%(title)s”; told %(roles)s at %(unit)s") % params
        )
    else:
        sentence = _("Escalated to head office: “%(title)s”; told %(roles)s at %(unit)s") % params
    for told in data.get("also_told") or []:
        sentence += "; " + _("told %(roles)s at %(unit)s") % {
            "roles": roles_text(told.get("roles")),
            "unit": pick(told.get("unit_zh") or "", told.get("unit_en") or "")
            or told.get("unit", ""),
        }
    if data.get("assignee"):
        sentence += "; " + _("%(person)s, who holds the step, was told first") % {
            "person": data["assignee"]
        }
    return sentence


def register() -> None:
    register_panel(
        "timeliness",
        template="incidents/_timeliness_panel.html",
        context=timeliness_panel_context,
        order=20,
    )
    register_badges("clocks", clock_badges)
    register_timeline_action("clock.escalated", escalation_sentence)
