from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.handover.demo import demo_handover_load
from portfolio.mail.services import mail_suppressed
from portfolio.otj.demo import demo_otj_load
from portfolio.people.demo import DOMAIN, DemoCatalogueMissing, demo_load
from portfolio.people.models import Apprenticeship
from portfolio.progress.demo import demo_progress_load
from portfolio.reviews.demo import demo_evidence_load

# A fixed, printed password: this is demo data for a local `make run`, and the command refuses to run
# without DEBUG unless told to, so it cannot open a production site by accident.
DEMO_PASSWORD = "demo-portfolio-2025"  # noqa: S105


class Command(BaseCommand):
    help = "Load demo people, organisations and apprenticeships (idempotent). Needs the standards imported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="load even when DEBUG is off (never on a real site)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo accounts with a published password while DEBUG is off. "
                "Use DEBUG=1 for local use, or --force if you really mean it."
            )
        try:
            logins = demo_load(password=DEMO_PASSWORD)
        except DemoCatalogueMissing as exc:
            raise CommandError(str(exc)) from exc
        apprenticeships = list(
            Apprenticeship.objects.filter(apprentice__email__endswith=f"@{DOMAIN}").order_by("apprentice__email")
        )
        # The demo's reviews would otherwise mail every demo account; nobody reads those.
        with mail_suppressed():
            made = demo_evidence_load(apprenticeships=apprenticeships)
            logged = demo_otj_load(apprenticeships=apprenticeships)
            reviewed = demo_progress_load(apprenticeships=apprenticeships)
        if apprenticeships:
            demo_handover_load(apprenticeship=apprenticeships[0])
        self.stdout.write(
            f"Demo loaded ({made} new evidence items, {logged} new off-the-job entries, {reviewed} progress reviews "
            "held). "
            f"Every demo account's password is: {DEMO_PASSWORD}"
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<36} {login.email}")
