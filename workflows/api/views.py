from drf_spectacular.utils import extend_schema
from rest_framework import generics

from fraudops.core.choices import ApiScope
from fraudops.core.errors import NotFound

from ..selectors import playbook_current_list
from .serializers import PlaybookSerializer


class PlaybookListApi(generics.ListAPIView):
    """Every incident type with the steps of its current playbook at each level."""

    serializer_class = PlaybookSerializer
    required_scopes = {"GET": ApiScope.PLAYBOOKS_READ}
    pagination_class = None

    def get_queryset(self):
        return playbook_current_list()

    @extend_schema(operation_id="playbooks_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PlaybookDetailApi(generics.RetrieveAPIView):
    serializer_class = PlaybookSerializer
    required_scopes = {"GET": ApiScope.PLAYBOOKS_READ}

    def get_object(self):
        playbook = playbook_current_list().filter(incident_type__code=self.kwargs["code"]).first()
        if playbook is None:
            raise NotFound()
        return playbook
