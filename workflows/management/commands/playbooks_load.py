from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fraudops.core.actors import Actor
from workflows.playbook_files import PLAYBOOK_DIR, PlaybookFileError
from workflows.services import playbooks_load


class Command(BaseCommand):
    help = (
        "Load the playbook files (workflows/playbooks/*.yaml) into the database. Idempotent: "
        "new types are created, a changed file becomes a new current version, versions in "
        "use are never modified."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=PLAYBOOK_DIR,
            help="Read the files from this directory instead of the shipped one.",
        )

    def handle(self, *args, directory: Path, **options):
        try:
            loaded = playbooks_load(actor=Actor.system(), directory=directory)
        except PlaybookFileError as exc:
            raise CommandError(str(exc)) from exc
        for label, codes in (
            ("created", loaded.created),
            ("new version", loaded.new_versions),
            ("type updated", loaded.types_updated),
        ):
            for code in codes:
                self.stdout.write(f"{code}: {label}")
        if not loaded.changed:
            self.stdout.write("playbooks_load: nothing to do, the database holds the files")
