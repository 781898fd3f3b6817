"""Make every apprenticeship's OTJ month totals again from its entries, and mark its coverage dirty.

For entries written past the OTJ services (a bulk import, a repair by hand): the services keep the totals
themselves. The periodic pass then recomputes the marked coverage (or run the worker's pass at once).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.otj.services.totals import otj_month_totals_rebuild
from portfolio.people.models import Apprenticeship


class Command(BaseCommand):
    help = "Make every apprenticeship's OTJ month totals again from its entries and mark its coverage dirty."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            # Every apprenticeship locked, in id order, as each OTJ service locks its own: no change is lost.
            ids = list(Apprenticeship.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
            rows = otj_month_totals_rebuild()
            coverage_mark_dirty(apprenticeship_ids=ids, reason="otj month totals rebuilt")
        self.stdout.write(f"{rows} month totals of {len(ids)} apprenticeships made again; coverage marked dirty.")
