from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.evidence.services.secure import Secured, evidence_file_secure, evidence_files_to_secure
from portfolio.storage import StorageError

_SAID = {
    Secured.SECURED: "copied to their verified key",
    Secured.SKIPPED: "skipped (secured meanwhile, or no longer verified)",
    Secured.MISSING: "missing from storage (left as they are: check the storage settings, then run again)",
    Secured.REPLACED: "replaced after verification, so rejected",
    Secured.CHANGING: "being replaced during this run (run the command again)",
}


class Command(BaseCommand):
    help = (
        "Copy the bytes of files verified before verified copies existed to their verified key, so downloads "
        "serve only verified bytes. Idempotent: run it after upgrading, and again until it finds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=100, help="files read per batch (default 100)")
        parser.add_argument("--dry-run", action="store_true", help="read and compare, but change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        dry_run: bool = options["dry_run"]
        counts: Counter[Secured] = Counter()
        after_id = 0
        batches = 0
        while ids := evidence_files_to_secure(after_id=after_id, limit=batch_size):
            batches += 1
            for file_id in ids:
                try:
                    outcome = evidence_file_secure(file_id=file_id, dry_run=dry_run)
                except StorageError as exc:
                    raise CommandError(
                        f"Storage failed at file {file_id}: {exc}. Nothing is lost; run the command again "
                        f"(so far: {self._summary(counts)})."
                    ) from exc
                counts[outcome] += 1
                if outcome in {Secured.MISSING, Secured.REPLACED, Secured.CHANGING}:
                    self.stdout.write(f"file {file_id}: {_SAID[outcome]}")
            after_id = ids[-1]
            self.stdout.write(f"batch {batches}: {len(ids)} files")
        prefix = "Dry run, nothing changed. Would have: " if dry_run else ""
        self.stdout.write(prefix + (self._summary(counts) if counts else "no verified file lacks a verified copy."))

    @staticmethod
    def _summary(counts: Counter[Secured]) -> str:
        return "; ".join(f"{counts[outcome]} {_SAID[outcome]}" for outcome in Secured if counts[outcome])
