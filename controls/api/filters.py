import django_filters

from ..choices import AssistanceState, ControlKind, ControlState, InstructionStatus
from ..models import AssistanceRequest, ControlRequest, FreezeInstruction


class ControlRequestFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ControlState.choices)
    kind = django_filters.MultipleChoiceFilter(choices=ControlKind.choices)
    incident = django_filters.CharFilter(field_name="incident__number", lookup_expr="iexact")
    approving_unit = django_filters.CharFilter(field_name="approving_unit__code")
    account_number = django_filters.CharFilter()
    requested_after = django_filters.IsoDateTimeFilter(field_name="requested_at", lookup_expr="gte")
    requested_before = django_filters.IsoDateTimeFilter(field_name="requested_at", lookup_expr="lt")
    immediate = django_filters.BooleanFilter(help_text="Immediate stop-payments (no approval).")
    awaiting_review = django_filters.BooleanFilter(
        field_name="reviewed_at",
        lookup_expr="isnull",
        help_text="With immediate=true: those the sub-branch has not reviewed yet.",
    )

    class Meta:
        model = ControlRequest
        fields = ["state", "kind"]


class FreezeInstructionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InstructionStatus.choices)
    kind = django_filters.MultipleChoiceFilter(choices=ControlKind.choices)
    issued_after = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")

    class Meta:
        model = FreezeInstruction
        fields = ["status", "kind"]


class AssistanceRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssistanceState.choices)
    incident = django_filters.CharFilter(field_name="incident__number", lookup_expr="iexact")

    class Meta:
        model = AssistanceRequest
        fields = ["state"]
