from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from fraudops.core.demo_bank import DEMO_PASSWORD, demo_bank_build


class Command(BaseCommand):
    help = "Build the demo bank (units, people for every role, a few incidents). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet=False, **options):
        logins = demo_bank_build()
        for path in settings.FRAUDOPS_DEMO_BUILDERS:
            count = import_string(path)()
            self.stdout.write(f"{path}: {count} created")
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for username, unit, roles in logins:
            self.stdout.write(f"  {username:<18} {unit:<10} {roles}")
