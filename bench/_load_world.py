"""The load benchmark's world: the seeded database, the people who send requests (with tokens and sessions), the
evidence their writes act on, and the probe that times commit -> readiness event while the load runs.

Django must be configured (`_setup.configure`) against the benchmark's database before these are called.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from _setup import BENCH_DB, median, pct, recreate_database


@dataclass
class Person:
    pk: int
    token: str
    session: str
    apprenticeship: str = ""  # an apprentice's own, as a public id


@dataclass
class World:
    provider_id: int
    tutor: Person
    employers: list[Person]  # one line manager per employer of the provider
    apprentices: list[Person]  # a sample of the provider's apprentices
    apprenticeships: list[str]  # every apprenticeship of the provider (public ids)
    to_accept: list[tuple[str, int, list[str]]]  # confirmed items: public id, version, tagged codes
    to_confirm: dict[int, list[tuple[str, int]]]  # per employer line manager pk: submitted items
    facts: dict[str, Any] = field(default_factory=dict)


def seed(size: int) -> dict[str, float]:
    """A fresh database with `size` synthetic apprentices (coverage computed), analysed. Seconds per step."""
    from django.core.management import call_command
    from django.db import connection, connections

    connections.close_all()
    recreate_database()
    call_command("migrate", verbosity=0)
    call_command("import_standards", verbosity=0)
    started = time.monotonic()
    call_command("seed_synthetic", apprentices=size, verbosity=0)
    seeded = time.monotonic() - started
    # The server runs without autovacuum here: without statistics the planner guesses, and the tables' visibility
    # maps are empty (no index-only scans). A real deployment keeps autovacuum on (README, production advice).
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seed_and_first_compute_s": round(seeded, 1), "vacuum_analyze_s": round(time.monotonic() - started, 1)}


def _session_for(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "portfolio.people.backends.LockoutAwareBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _person(user: Any, apprenticeship: str = "") -> Person:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Person(pk=user.pk, token=token.key, session=_session_for(user), apprenticeship=apprenticeship)


def build(*, sample: int, rng: random.Random) -> World:
    """The first provider (2,500 apprentices at 10,000), its tutor and line managers, `sample` of its apprentices
    with their own sessions and tokens, and the items waiting for each kind of write."""
    from django.db.models import Exists, OuterRef

    from portfolio.evidence.models import Evidence, EvidenceFile
    from portfolio.people.models import Apprenticeship, Membership, Organisation

    provider = Organisation.objects.filter(kind="provider", name__startswith="Synthetic provider").order_by("pk")[0]
    tutor = Membership.objects.get(organisation=provider, role="tutor").user
    managers = [m.user for m in Membership.objects.filter(organisation__provider=provider, role="line_manager")]
    apprenticeships = list(
        Apprenticeship.objects.filter(provider=provider).order_by("pk").values_list("public_id", "apprentice_id")
    )
    chosen = rng.sample(apprenticeships, min(sample, len(apprenticeships)))
    from portfolio.people.models import User

    users = User.objects.in_bulk([user_id for _, user_id in chosen])
    unverified = EvidenceFile.objects.filter(evidence=OuterRef("pk")).exclude(state="verified")
    clean = Evidence.objects.filter(apprenticeship__provider=provider).exclude(Exists(unverified))
    to_accept = []
    for item in clean.filter(state="confirmed").prefetch_related("tags__statement").order_by("?")[:3000]:
        codes = [tag.statement.code for tag in item.tags.all()]
        if codes:
            to_accept.append((str(item.public_id), item.version, codes))
    people = {user.pk: _person(user) for user in managers}
    by_employer = dict(Membership.objects.filter(user__in=managers, role="line_manager").values_list(
        "organisation_id", "user_id"))  # fmt: skip
    to_confirm: dict[int, list[tuple[str, int]]] = {pk: [] for pk in people}
    submitted = clean.filter(state="submitted").values_list("public_id", "version", "apprenticeship__employer_id")
    for public_id, version, employer_id in submitted.order_by("?")[:4000]:
        to_confirm[by_employer[employer_id]].append((str(public_id), version))
    return World(
        provider_id=provider.pk,
        tutor=_person(tutor),
        employers=list(people.values()),
        apprentices=[_person(users[user_id], str(public_id)) for public_id, user_id in chosen],
        apprenticeships=[str(public_id) for public_id, _ in apprenticeships],
        to_accept=to_accept,
        to_confirm=to_confirm,
        facts={"provider_apprentices": len(apprenticeships), "to_accept": len(to_accept),
               "to_confirm": sum(len(items) for items in to_confirm.values())},
    )  # fmt: skip


def prefill_answers(world: World) -> dict[str, float]:
    """Make every kept coverage answer of the provider, as the worker does after a pass (services/explanations)."""
    from portfolio.coverage.services.explanations import coverage_explanations_fill
    from portfolio.people.models import Apprenticeship

    ids = list(Apprenticeship.objects.filter(provider_id=world.provider_id).values_list("pk", flat=True))
    started, cpu = time.monotonic(), time.process_time()
    made = coverage_explanations_fill(apprenticeship_ids=ids)
    seconds = time.monotonic() - started
    each = 1000 / max(made, 1)
    return {
        "answers_made": made,
        "answers_s": round(seconds, 1),
        "ms_per_answer": round(seconds * each, 1),
        "python_cpu_ms_per_answer": round((time.process_time() - cpu) * each, 1),
    }


def _item(apprenticeship: Any, tags: dict[Any, str]) -> Any:
    """An accepted item with these tags (statement -> tag state) and no files, its rows written directly and the
    apprenticeship marked dirty, as in bench/coverage_e2e.py: the probe times the recompute a change triggers, not
    the review services that would make the rows."""
    import datetime

    from portfolio.coverage.services.dirty import coverage_mark_dirty
    from portfolio.evidence.models import Evidence, EvidenceTag

    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship, author=apprenticeship.apprentice, author_role=Evidence.AuthorRole.APPRENTICE,
        kind=Evidence.Kind.REFLECTIVE_ACCOUNT, title="Bench item", occurred_on=datetime.date(2025, 10, 1),
        state=Evidence.State.ACCEPTED, ever_submitted=True,
    )  # fmt: skip
    for statement, state in tags.items():
        EvidenceTag.objects.create(evidence=evidence, statement=statement, state=state)
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="bench evidence")
    return evidence


def _set_tag(*, evidence: Any, statement: Any, state: str) -> None:
    """A tag's state as an acceptance or a return leaves it, with the dirty mark they write."""
    from portfolio.coverage.services.dirty import coverage_mark_dirty
    from portfolio.evidence.models import EvidenceTag

    EvidenceTag.objects.update_or_create(evidence=evidence, statement=statement, defaults={"state": state})
    coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="tag decided")


class ReadinessProbe:
    """Commit -> readiness event, measured as in bench/coverage_e2e.py, while the load runs: apprentices of a small
    catalogue one statement from ready, toggled in turn (a tag accepted, then declined), each change its own
    transaction; the time from its commit to the moment another connection sees the event and the summary
    pointing at it."""

    def __init__(self, *, apprentices: int = 20) -> None:
        from portfolio.coverage.services.compute import coverage_recompute
        from portfolio.evidence.models import EvidenceTag
        from tests.factories import StandardFactory, UserFactory, make_catalogue, make_world

        # The factories number what they make from 1 in each process: a database reused from an earlier run already
        # has those standards and people.
        start = int(time.time())
        for made in (StandardFactory, UserFactory):
            made.reset_sequence(start)
        catalogue = make_catalogue(behaviours=())
        self.statement = catalogue.statements["S3"]
        accepted = EvidenceTag.State.ACCEPTED
        self.people = []
        for _ in range(apprentices):
            a = make_world(standard=catalogue.standard).apprenticeship
            _item(a, {catalogue.statements[c]: accepted for c in ("K1", "K2", "K3", "S1", "S2")})
            toggled = _item(a, {self.statement: EvidenceTag.State.PENDING})
            self.people.append({"a": a, "evidence": toggled, "accepted": False})
        coverage_recompute(apprenticeship_ids=[p["a"].pk for p in self.people])
        self.latencies: list[float] = []
        self.lost = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, *, every: float) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        ms = self.latencies or [float("nan")]
        return {
            "changes": len(self.latencies),
            "lost_over_5s": self.lost,
            "p50_ms": round(median(ms), 1),
            "p95_ms": round(pct(ms, 95), 1),
            "max_ms": round(max(ms), 1),
        }

    def _run(self, every: float) -> None:
        import psycopg
        from django.db import connection, transaction

        from portfolio.coverage.models import CoverageSummary
        from portfolio.evidence.models import EvidenceTag

        # Named, so the CPU per request leaves the probe's own queries out (load.py, Meter).
        poll = psycopg.connect(BENCH_DB, autocommit=True, application_name="bench-probe")
        with connection.cursor() as cursor:
            cursor.execute("SET application_name TO 'bench-probe'")
        try:
            n = 0
            while not self._stop.is_set():
                person = self.people[n % len(self.people)]
                n += 1
                sequence = CoverageSummary.objects.get(apprenticeship=person["a"]).event_sequence + 1
                person["accepted"] = not person["accepted"]
                committed: list[float] = []
                with transaction.atomic():
                    transaction.on_commit(lambda committed=committed: committed.append(time.perf_counter()))
                    state = EvidenceTag.State.ACCEPTED if person["accepted"] else EvidenceTag.State.DECLINED
                    _set_tag(evidence=person["evidence"], statement=self.statement, state=state)
                while True:
                    row = poll.execute(
                        "SELECT 1 FROM coverage_readinessevent e JOIN coverage_coveragesummary c "
                        "ON c.apprenticeship_id = e.apprenticeship_id AND c.event_sequence = e.sequence "
                        "WHERE e.apprenticeship_id = %s AND e.sequence = %s",
                        (person["a"].pk, sequence),
                    ).fetchone()
                    waited = time.perf_counter() - committed[0]
                    if row:
                        self.latencies.append(waited * 1000)
                        break
                    if waited > 5:
                        self.lost += 1
                        break
                    time.sleep(0.002)
                self._stop.wait(every)
        finally:
            poll.close()
            connection.close()
