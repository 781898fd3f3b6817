"""`manage.py verify_export FILE.zip`: check an exported portfolio against its manifest and the decisions stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.exports.manifest import export_verify


class Command(BaseCommand):
    help = (
        "Check every file of an exported portfolio against its manifest, and every fingerprint against the "
        "decisions stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the exported ZIP")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        differences = export_verify(str(path))
        if differences:
            for difference in differences:
                self.stdout.write(f"DIFFERS {difference}")
            raise CommandError(f"{path}: {len(differences)} difference(s) from its manifest or the decisions stored")
        self.stdout.write(
            self.style.SUCCESS(f"{path}: every file matches the manifest and every fingerprint a stored decision")
        )
