from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        # Registrations with the apps below us, here rather than at the top of the file:
        # the modules import models, which Django allows only once every app is loaded.
        from incidents.panels import register_panel
        from incidents.services.evidence import register_stored_files

        from . import incident_subject
        from .models import CommentFile
        from .panels import incident_panel_context
        from .timeline import register as register_timeline

        # The incident is a subject of comments; complaints register themselves.
        incident_subject.register()
        register_panel(
            "comments",
            template="comments/_incident_panel.html",
            context=incident_panel_context,
            order=90,
        )
        register_timeline()

        # Comment files live in the evidence storage: its orphan sweep must keep them.
        def referenced(names: list[str]) -> set[str]:
            return set(CommentFile.objects.filter(file__in=names).values_list("file", flat=True))

        register_stored_files("comments", referenced)
