"""manage.py import_standard PLAN [--api-json FILE] [--reference R --version V] [--replace] [--dry-run]"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.standards.services import ImportResult, standard_import
from portfolio.standards.uploads import UploadedPlanError, parse_api_document


def load_api_document(path: Path) -> dict[str, Any]:
    try:
        return parse_api_document(path.read_bytes(), name=str(path))
    except OSError as exc:
        raise CommandError(f"Cannot read the API document {path}: {exc.strerror}.") from exc
    except UploadedPlanError as exc:
        raise CommandError(str(exc)) from exc


def format_result(result: ImportResult) -> str:
    lines = [result.message]
    for name in result.in_use:
        lines.append(f"  in use: {name}")
    for kind, issues in (("error", result.report.errors), ("warning", result.report.warnings)):
        for issue in issues:
            where = f"line {issue.line}" if issue.line else "document"
            lines.append(f"  {kind}: {where}: {issue.message}")
            if issue.excerpt:
                lines.append(f"      | {issue.excerpt}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Import an apprenticeship assessment plan (text or HTML) as a standard version."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The issue's interface names the standard's version `--version`, which Django gives to its own
        # "print Django's version" flag: let ours take the name.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", type=Path, help="the assessment plan: text, HTML, or text with HTML fragments")
        parser.add_argument("--api-json", type=Path, help="the Skills England API document of the standard")
        parser.add_argument("--reference", help="reference (e.g. ST1483) when the plan has none, or to override")
        parser.add_argument("--version", dest="standard_version", help="version (e.g. 2.0) when the plan has none")
        parser.add_argument("--replace", action="store_true", help="replace a loaded version from a different document")
        parser.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        plan_path: Path = options["plan"]
        try:
            plan = plan_path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read the plan {plan_path}: {exc.strerror}.") from exc
        api_document = load_api_document(options["api_json"]) if options["api_json"] else None
        result = standard_import(
            plan=plan,
            api_document=api_document,
            reference=options["reference"],
            version=options["standard_version"],
            replace=options["replace"],
            dry_run=options["dry_run"],
        )
        if options["json"]:
            payload = result.report.to_dict() if options["dry_run"] else result.to_dict()
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(format_result(result))
        if not result.ok:
            if not options["json"]:
                self.stderr.write(f"{plan_path}: {result.message}")
            sys.exit(1)
