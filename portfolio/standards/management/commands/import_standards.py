"""manage.py import_standards: import the plans bundled in data/standards/ (used by `make run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.standards.management.commands.import_standard import format_result, load_api_document
from portfolio.standards.services import standard_import


class Command(BaseCommand):
    help = "Import every assessment plan in a folder (default: the bundled data/standards/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", type=Path, default=Path(settings.BASE_DIR) / "data" / "standards")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        plans = sorted(folder.glob("*.aap.txt")) + sorted(folder.glob("*.aap.html"))
        if not plans:
            raise CommandError(f"No assessment plans (*.aap.txt, *.aap.html) in {folder}.")
        failed = []
        for plan_path in plans:
            reference = plan_path.name.split("-", 1)[0]
            api_path = folder / "api" / f"{reference}.json"
            api_document = load_api_document(api_path) if api_path.exists() else None
            result = standard_import(plan=plan_path.read_bytes(), api_document=api_document)
            self.stdout.write(f"{plan_path.name}: {format_result(result)}")
            if not result.ok:
                failed.append(plan_path.name)
        if failed:
            raise CommandError(f"Not imported: {', '.join(failed)}.")
