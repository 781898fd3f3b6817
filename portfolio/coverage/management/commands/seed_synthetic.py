# ruff: noqa: S311 - synthetic data wants a seeded, repeatable generator, not a cryptographic one.
"""Build a realistic synthetic data set quickly, for benchmarks and demos.

Apprentices on the imported standards (mixed standards and options), about 40 evidence items each with 1-4 tags
on statements of their own route, mixed evidence, tag and file states (most files verified), and behaviour
confirmations for most. For the gateway gates: about 100 off-the-job activities each (most approved, some
pending or declined) between the start date and today, a planned OTJ volume, a minimum per standard at each
provider, dates of birth (some 16-18 at the start) with English and maths in every state, a break in learning
for some, and a manual gate per provider ticked for half. Rows are written in bulk (COPY on PostgreSQL,
bulk_create elsewhere) with ids reserved up front, so run it on a database nobody else is writing to (a
benchmark or demo database).
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from portfolio.coverage.services.compute import coverage_recompute_all
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.gateway.models import ManualGate, ManualGateTick
from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.otj.services.totals import otj_month_totals_refresh
from portfolio.people.models import Apprenticeship, BreakInLearning, Membership, Organisation, User
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.standards.models import AssessmentOutcome, Standard

EVIDENCE_STATES = [
    ("accepted", 70),
    ("submitted", 10),
    ("confirmed", 5),
    ("draft", 5),
    ("returned", 5),
    ("withdrawn", 5),
]
FILE_STATES = [("verified", 95), ("uploaded", 2), ("rejected", 2), ("awaiting_upload", 1)]
KINDS = [kind for kind, _ in Evidence.Kind.choices]
OTJ_STATES = [("approved", 85), ("pending", 10), ("declined", 5)]
OTJ_TYPES = [kind for kind, _ in OtjActivity.ActivityType.choices]
START = datetime.date(2025, 9, 1)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class Command(BaseCommand):
    help = "Create N synthetic apprentices with evidence, files and tags (for benchmarks and demos)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apprentices", type=int, default=100)
        parser.add_argument("--evidence-per-apprentice", type=int, default=40)
        parser.add_argument("--otj-per-apprentice", type=int, default=100, help="off-the-job activities each")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-compute", action="store_true", help="leave coverage uncomputed")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rng = random.Random(options["seed"])
        if not AssessmentOutcome.objects.exists():
            call_command("import_standards", verbosity=0)
        routes = self._routes()
        if not routes:
            self.stderr.write("No standard with assessment outcomes: import the catalogue first.")
            return
        count = options["apprentices"]
        with transaction.atomic():
            apprenticeships = self._people(count, routes, rng)
            totals = self._evidence(apprenticeships, options["evidence_per_apprentice"], rng)
            self._behaviours(apprenticeships, rng)
            otj = self._otj(apprenticeships, options["otj_per_apprentice"], rng)
            # Written in bulk, past the OTJ services: their month totals are made here, as the services would.
            otj_month_totals_refresh(apprenticeship_ids=[a["id"] for a in apprenticeships])
            self._gateway(apprenticeships, rng)
        self.stdout.write(
            f"seeded {count} apprentices, {totals[0]} evidence items, {totals[1]} files, {totals[2]} tags, "
            f"{otj} OTJ activities in {time.monotonic() - started:.1f}s"
        )
        if not options["no_compute"]:
            computed_at = time.monotonic()
            result = coverage_recompute_all()
            self.stdout.write(f"computed coverage of {result.computed} in {time.monotonic() - computed_at:.1f}s")

    def _routes(self) -> list[dict[str, Any]]:
        """Each (standard, option) with the statements mapped to its route and its behaviours."""
        routes = []
        for standard in Standard.objects.prefetch_related("options", "statements"):
            behaviours = [s.pk for s in standard.statements.all() if s.kind == "B"]
            options: list[Any] = list(standard.options.all()) or [None]
            for option in options:
                outcomes = AssessmentOutcome.objects.filter(standard=standard).filter(
                    models.Q(option__isnull=True) | models.Q(option=option)
                )
                statements = sorted(set(outcomes.values_list("statements__pk", flat=True)) - {None})
                if statements:
                    routes.append(
                        {
                            "standard": standard.pk,
                            "option": option.pk if option else None,
                            "statements": statements,
                            "behaviours": behaviours,
                        }
                    )
        return routes

    def _people(self, count: int, routes: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
        tag = uuid.uuid4().hex[:8]
        n_providers = max(1, count // 2500)
        providers = Organisation.objects.bulk_create(
            Organisation(kind="provider", name=f"Synthetic provider {tag}-{i}") for i in range(n_providers)
        )
        employers = Organisation.objects.bulk_create(
            Organisation(kind="employer", name=f"Synthetic employer {tag}-{p.pk}-{i}", provider=p)
            for p in providers
            for i in range(5)
        )
        staff = User.objects.bulk_create(
            User(email=f"synthetic-{tag}-staff-{o.pk}@example.invalid", password="!", first_name="Staff")  # noqa: S106
            for o in providers + employers
        )
        Membership.objects.bulk_create(
            Membership(user=u, organisation=o, role="tutor" if o.kind == "provider" else "line_manager")
            for u, o in zip(staff, providers + employers, strict=True)
        )
        contact = {o.pk: u.pk for u, o in zip(staff, providers + employers, strict=True)}
        users = User.objects.bulk_create(
            (
                User(email=f"synthetic-{tag}-{i}@example.invalid", password="!", first_name="Apprentice")  # noqa: S106
                for i in range(count)
            ),
            batch_size=5000,
        )
        rows = []
        for user in users:
            employer = rng.choice(employers)
            provider_id = int(employer.provider_id or 0)
            route = rng.choice(routes)
            rows.append(
                Apprenticeship(
                    apprentice=user,
                    provider_id=provider_id,
                    employer=employer,
                    standard_id=route["standard"],
                    option_id=route["option"],
                    start_date=START,
                    planned_end_date=datetime.date(2027, 8, 31),
                    tutor_id=contact[provider_id],
                    line_manager_id=contact[employer.pk],
                    otj_planned_hours=rng.choice([400, 450, 500, 600]),
                    rpl_hours=rng.choice([0, 0, 0, 0, 20, 60]),
                    # Ages at the start from 16 to 40; English and maths in every state.
                    date_of_birth=START - datetime.timedelta(days=rng.randint(16 * 365, 40 * 365)),
                    english_maths=rng.choice(["achieved", "achieved", "not_required", "pending"]),
                )
            )
            rows[-1]._route = route  # type: ignore[attr-defined]
        created = Apprenticeship.objects.bulk_create(rows, batch_size=5000)
        return [
            {"id": a.pk, "apprentice": a.apprentice_id, "route": r._route, "contact": a.line_manager_id,  # type: ignore[attr-defined]
             "provider": a.provider_id, "tutor": a.tutor_id}
            for a, r in zip(created, rows, strict=True)
        ]  # fmt: skip

    def _evidence(self, apprenticeships: list[dict[str, Any]], per: int, rng: random.Random) -> tuple[int, int, int]:
        now = timezone.now()
        evidence_id = _next_id(Evidence)
        file_id = _next_id(EvidenceFile)
        tag_id = _next_id(EvidenceTag)
        evidence_rows: list[tuple[Any, ...]] = []
        file_rows: list[tuple[Any, ...]] = []
        tag_rows: list[tuple[Any, ...]] = []
        for a in apprenticeships:
            statements = list(a["route"]["statements"])
            rng.shuffle(statements)
            # How far along this apprentice is: tags cycle over the first `reach` statements of their route,
            # so some cover everything and others only part.
            reach = max(1, round(len(statements) * rng.choice([0.4, 0.6, 0.8, 0.9, 1.0, 1.0, 1.0])))
            cursor = 0
            for n in range(per):
                state = _pick(rng, EVIDENCE_STATES)
                occurred = datetime.date(2025, 9, 1) + datetime.timedelta(days=n * 9)
                evidence_rows.append(
                    (
                        evidence_id,
                        uuid.uuid4(),
                        a["id"],
                        a["apprentice"],
                        "apprentice",
                        rng.choice(KINDS),
                        f"Evidence {n + 1}",
                        occurred,
                        "",
                        state,
                        1,
                        state != "draft",
                        now,
                        now,
                        None,
                    )
                )
                files = rng.choices([0, 1, 2], weights=[15, 75, 10])[0]
                for _ in range(files):
                    file_state = _pick(rng, FILE_STATES)
                    object_key = f"synthetic/{uuid.uuid4().hex}"
                    file_rows.append(
                        (
                            file_id,
                            uuid.uuid4(),
                            evidence_id,
                            object_key,
                            f"verified/{object_key}" if file_state == "verified" else "",
                            "evidence.pdf",
                            "application/pdf",
                            250_000,
                            250_000,
                            "",
                            "application/pdf",
                            file_state,
                            "",
                            now,
                            a["apprentice"],
                            now,
                            now if file_state == "verified" else None,
                        )
                    )
                    file_id += 1
                for _ in range(rng.randint(1, 4)):
                    statement = statements[cursor % reach]
                    cursor += 1
                    if state == "accepted":
                        tag_state = "accepted" if rng.random() < 0.92 else "declined"
                    else:
                        tag_state = "pending"
                    tag_rows.append((tag_id, evidence_id, statement, tag_state, "", None, None, now))
                    tag_id += 1
                evidence_id += 1
        # The same statement twice on one item (the cursor wrapped) is one tag.
        seen: set[tuple[int, int]] = set()
        tag_rows = [r for r in tag_rows if (r[1], r[2]) not in seen and not seen.add((r[1], r[2]))]  # type: ignore[func-returns-value]
        _bulk(
            Evidence,
            [
                "id",
                "public_id",
                "apprenticeship_id",
                "author_id",
                "author_role",
                "kind",
                "title",
                "occurred_on",
                "reflection",
                "state",
                "version",
                "ever_submitted",
                "created_at",
                "updated_at",
                "submitted_at",
            ],
            evidence_rows,
        )
        _bulk(
            EvidenceFile,
            [
                "id",
                "public_id",
                "evidence_id",
                "object_key",
                "verified_key",
                "original_name",
                "declared_type",
                "declared_size",
                "size",
                "sha256",
                "detected_type",
                "state",
                "rejection_reason",
                "slot_expires_at",
                "uploaded_by_id",
                "created_at",
                "verified_at",
            ],
            file_rows,
        )
        _bulk(
            EvidenceTag,
            ["id", "evidence_id", "statement_id", "state", "comment", "decided_by_id", "decided_at", "created_at"],
            tag_rows,
        )
        return len(evidence_rows), len(file_rows), len(tag_rows)

    def _behaviours(self, apprenticeships: list[dict[str, Any]], rng: random.Random) -> None:
        rows = []
        for a in apprenticeships:
            share = rng.choice([1.0, 1.0, 1.0, 0.5, 0.0])
            for statement in a["route"]["behaviours"]:
                if rng.random() < share:
                    rows.append(
                        BehaviourConfirmation(
                            apprenticeship_id=a["id"],
                            statement_id=statement,
                            confirmed_by_id=a["contact"],
                            confirmed_on=datetime.date(2026, 6, 1),
                        )
                    )
        BehaviourConfirmation.objects.bulk_create(rows, batch_size=5000)

    def _otj(self, apprenticeships: list[dict[str, Any]], per: int, rng: random.Random) -> int:
        """`per` activities each, on days spread from the start date to yesterday, at most one a day and hour."""
        if not per:
            return 0
        now = timezone.now()
        days = max((timezone.localdate() - START).days, 1)
        activity_id = _next_id(OtjActivity)
        rows: list[tuple[Any, ...]] = []
        for a in apprenticeships:
            pace = rng.choice([0.6, 0.9, 1.0, 1.0, 1.2])  # some behind, most on plan
            for n in range(per):
                state = _pick(rng, OTJ_STATES)
                decided = state != "pending"
                rows.append(
                    (
                        activity_id, uuid.uuid4(), a["id"], START + datetime.timedelta(days=n * days // per),
                        datetime.time(8 + n % 10, 0), max(15, int(rng.choice([60, 120, 180, 240, 420]) * pace)),
                        rng.choice(OTJ_TYPES), "Synthetic activity", state, 1, a["apprentice"],
                        a["tutor"] if decided else None, now if decided else None, "", now, now,
                    )
                )  # fmt: skip
                activity_id += 1
        _bulk(
            OtjActivity,
            ["id", "public_id", "apprenticeship_id", "date", "start_time", "minutes", "activity_type", "description",
             "state", "version", "logged_by_id", "decided_by_id", "decided_at", "decision_comment", "created_at",
             "updated_at"],
            rows,
        )  # fmt: skip
        return len(rows)

    def _gateway(self, apprenticeships: list[dict[str, Any]], rng: random.Random) -> None:
        """A minimum per standard at each provider, a break for 5 %, a manual gate per provider ticked for half."""
        providers = sorted({a["provider"] for a in apprenticeships})
        standards = sorted({a["route"]["standard"] for a in apprenticeships})
        staff = {a["provider"]: a["tutor"] for a in apprenticeships}
        OtjMinimum.objects.bulk_create(
            OtjMinimum(provider_id=p, standard_version_id=s, minimum_hours=300, updated_by_id=staff[p])
            for p in providers
            for s in standards
        )
        BreakInLearning.objects.bulk_create(
            (
                BreakInLearning(
                    apprenticeship_id=a["id"],
                    started_on=datetime.date(2026, 1, 5),
                    ended_on=rng.choice([datetime.date(2026, 2, 20), None]),
                    recorded_by_id=staff[a["provider"]],
                )
                for a in apprenticeships
                if rng.random() < 0.05
            ),
            batch_size=5000,
        )
        gates = {
            gate.provider_id: gate
            for gate in ManualGate.objects.bulk_create(
                ManualGate(provider_id=p, name="Mandatory qualification achieved", position=1) for p in providers
            )
        }
        now = timezone.now()
        ManualGateTick.objects.bulk_create(
            (
                ManualGateTick(
                    gate=gates[a["provider"]],
                    apprenticeship_id=a["id"],
                    ticked_by_id=staff[a["provider"]],
                    ticked_at=now,
                    note="Certificate seen",
                )
                for a in apprenticeships
                if rng.random() < 0.5
            ),
            batch_size=5000,
        )


def _next_id(model: type[models.Model]) -> int:
    return int((model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1)


def _bulk(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # Ids were given explicitly: move the sequence past them.
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
        return
    # The columns are the models' attnames (`apprenticeship_id`), so rows map straight onto instances.
    model._default_manager.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000)
