"""manage.py suggest_statements --standard REF --standard-version V [--option NAME] --text-file F [--json] [--top N]

Ranks the statements of one route against a text, through the same code as an evidence item's suggestions,
so a provider can try them on its own documents before turning them on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.standards.models import Option, Standard
from portfolio.suggestions.encoder import model_info
from portfolio.suggestions.ranking import STORED, Ranked
from portfolio.suggestions.services.suggestions import route_rank


def _standard(reference: str, version: str) -> Standard:
    standard = Standard.objects.filter(reference__iexact=reference.strip(), version=version.strip()).first()
    if standard is None:
        loaded = ", ".join(f"{s.reference} v{s.version}" for s in Standard.objects.order_by("reference", "version"))
        raise CommandError(
            f"No standard {reference} v{version} is imported. "
            + (f"Imported: {loaded}." if loaded else "None is: run import_standards first.")
        )
    return standard


def _option(standard: Standard, name: str) -> Option:
    wanted = name.strip().casefold()
    options = list(standard.options.order_by("position"))
    for option in options:
        names = [option.title, option.code, *option.other_names]
        if wanted in {str(n).strip().casefold() for n in names if n}:
            return option
    label = f"{standard.reference} v{standard.version}"
    if not options:
        raise CommandError(f"{label} has no options: leave out --option to rank its core statements.")
    choices = "; ".join(f"{o.title!r}" + (f" ({o.code})" if o.code else "") for o in options)
    raise CommandError(f"{label} has no option {name!r}. Its options: {choices}.")


def _text(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read the text file {path}: {exc.strerror}.") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be read). Save it as UTF-8 plain text, or copy "
            "the text out of the document into a .txt file."
        ) from exc
    if not text.strip():
        raise CommandError(f"{path} has no text to rank statements against.")
    return text


class Command(BaseCommand):
    help = "Rank the statements of a route (core AOs, plus an option's) against a text, as suggestions are made."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--standard", required=True, help="reference, e.g. ST1483")
        # `--version` is Django's own flag (it prints Django's version).
        parser.add_argument("--standard-version", required=True, help="version, e.g. 2.0")
        parser.add_argument("--option", help="the option's title or short code; without it, core AOs only")
        parser.add_argument("--text-file", required=True, help="a UTF-8 text file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--top", type=int, default=STORED, help=f"how many to print (default {STORED}; 0: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] < 0:
            raise CommandError(f"--top must be 0 (all) or more, not {options['top']}.")
        standard = _standard(options["standard"], options["standard_version"])
        option = _option(standard, options["option"]) if options["option"] is not None else None
        text = _text(options["text_file"])
        ranked = route_rank(
            standard_id=standard.pk, option_id=option.pk if option else None, text=text, top=options["top"] or None
        )
        info = model_info()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "standard": {"reference": standard.reference, "version": standard.version},
                        "option": option.title if option else None,
                        "model": {"name": info.name, "version": info.version},
                        "suggestions": [_as_dict(item) for item in ranked],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        route = f"core AOs and option {option.title!r}" if option else "core AOs only"
        self.stdout.write(f"{standard.reference} v{standard.version} {standard.title}: {route}")
        self.stdout.write(f"model {info.name} {info.version}\n")
        self.stdout.write(f"{'rank':>4}  {'score':>5}  {'AO':<6} statement")
        for item in ranked:
            s = item.statement
            self.stdout.write(f"{item.rank:>4}  {item.score:5.3f}  {s.outcome_code:<6} {s.code}  {s.text}")


def _as_dict(item: Ranked) -> dict[str, Any]:
    s = item.statement
    return {
        "rank": item.rank,
        "score": round(item.score, 4),
        "statement": s.code,
        "text": s.text,
        "outcome": s.outcome_code,
        "outcome_title": s.outcome_title,
        "option": s.option,
    }
