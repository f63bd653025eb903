"""`manage.py login_unlock USERNAME [--by ADMIN]`: lift a login lockout, audited.

Use this rather than django-axes' own `axes_reset*` commands, which record nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError
from fraudops.core.models import User
from fraudops.core.services import login_unlock


class Command(BaseCommand):
    help = (
        "Lift the login lockout of a username (failed password attempts from every address); "
        "recorded in the audit trail, by the administrator named with --by or as the system."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", default="", help="The administrator doing it (username).")

    def handle(self, *args, username, by="", **options):
        actor = Actor.system()
        if by:
            admin = User.objects.select_related("unit").filter(username=by).first()
            if admin is None:
                raise CommandError(f"no such user: {by}")
            actor = Actor.for_user(admin)
        try:
            cleared = login_unlock(actor=actor, username=username)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{username}: unlocked ({cleared} attempt records cleared)")
