"""The apprentice's start page: returned items with the comment, rejected files, drafts, what is still missing
per AO, and what waits on whom; each with a count and a link, only their own, in a bounded number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import EvidenceFactory, EvidenceFileFactory, MembershipFactory, make_route_world


def _world() -> Any:
    world = make_route_world()  # route: AO1 (K1, S1) and AO6 (K2, K3) of the apprentice's option
    return world


def _item(world: Any, **kwargs: Any) -> Evidence:
    kwargs.setdefault("tags", ("K2",))
    return EvidenceFactory.create(apprenticeship=world.apprenticeship, **kwargs)


def _returned(world: Any, title: str, comment: str) -> Evidence:
    evidence = _item(world, title=title)
    evidence_submit(actor=world.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    evidence_return(actor=world.assessor, evidence=evidence, expected_version=evidence.version, comment=comment)
    return evidence


def _start(client: Client, user: Any) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_start_page_says_what_to_do_next_with_links(client: Client) -> None:
    world, other = _world(), _world()
    returned = _returned(world, "Risk assessment", "Add the signed risk assessment, please.")
    draft = _item(world, title="Lighting plot draft", tags=())
    with_rejected = _item(world, title="Rig photos", files=0)
    rejected = EvidenceFileFactory.create(
        evidence=with_rejected, state=EvidenceFile.State.REJECTED, original_name="rig.heic"
    )
    waiting = _item(world, title="Get-in schedule")
    evidence_submit(actor=world.apprentice, evidence=waiting, expected_version=waiting.version)
    _item(world, title="Rigging log", tags=("K2",), state=Evidence.State.ACCEPTED)
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    _returned(other, "Someone else's returned item", "Not for you")

    page = _start(client, world.apprentice)

    # Returned: the title links to the item, with the reviewer's comment.
    assert f'<a href="/evidence/{returned.public_id}/">Risk assessment</a>' in page
    assert "Add the signed risk assessment, please." in page
    assert "1 returned" in page
    # Rejected files: which item, why, and the way to remove it.
    assert "rig.heic" in page
    assert "the file is not an allowed type" in page
    assert f"/evidence/{with_rejected.public_id}/files/{rejected.public_id}/remove/" in page
    # Drafts, with what each still needs.
    assert f'<a href="/evidence/{draft.public_id}/">Lighting plot draft</a>' in page
    assert "choose the statements it shows" in page
    # Missing per AO, linking to that AO on the progress page; AO6 has K2 only so far.
    progress = f"/progress/{world.apprenticeship.public_id}/"
    assert f'href="{progress}#ao-AO1"' in page
    assert "1 of 2 statements covered" in page
    assert "Missing: K3" in page
    # Waiting on the employer (the default policy has an employer step).
    assert "Your employer to confirm (1)" in page
    assert f'<a href="/evidence/{waiting.public_id}/">Get-in schedule</a>' in page
    # Nobody else's.
    assert "Someone else" not in page
    assert "Not for you" not in page


@pytest.mark.django_db
def test_without_an_employer_step_submitted_work_waits_on_the_provider(client: Client) -> None:
    world = _world()
    ReviewPolicy.objects.update_or_create(provider=world.provider, defaults={"require_employer_confirmation": False})
    waiting = _item(world, title="Show report")
    evidence_submit(actor=world.apprentice, evidence=waiting, expected_version=waiting.version)

    page = _start(client, world.apprentice)

    assert "Your assessor or tutor to accept (1)" in page
    assert "Your employer to confirm" not in page


@pytest.mark.django_db
def test_an_apprentice_with_nothing_to_do_is_told_so(client: Client) -> None:
    world = _world()
    page = _start(client, world.apprentice)
    assert "Nothing of yours is waiting for review." in page
    assert "Not worked out yet" in page  # no coverage computed yet: no false "0 of 0"


@pytest.mark.django_db
def test_the_start_page_takes_the_same_number_of_queries_for_many_items(client: Client) -> None:
    world = _world()

    def fill(n: int) -> None:
        for i in range(n):
            _returned(world, f"Returned {i}", "Change it")
            EvidenceFileFactory.create(
                evidence=_item(world, title=f"Rejected {i}", files=0), state=EvidenceFile.State.REJECTED
            )
            _item(world, title=f"Draft {i}")
            evidence_submit(actor=world.apprentice, evidence=(e := _item(world)), expected_version=e.version)
        coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])

    def count() -> int:
        client.force_login(world.apprentice)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    fill(2)
    few = count()
    fill(13)  # past the 10 shown per list, so the totals are counted too
    page = client.get("/").content.decode()
    assert "15 returned" in page
    assert "All 15 returned items" in page
    assert count() <= few + 4  # the totals' counts, once per list: never a query per item


@pytest.mark.django_db
def test_an_apprentice_who_is_also_an_employer_contact_sees_what_they_wrote_for_others_too(client: Client) -> None:
    """The section reads the person's own apprenticeships; the drafts and rejected files they wrote on those they
    see as a line manager are theirs to finish too, and nothing else of those apprenticeships shows."""
    world, other = _world(), _world()
    MembershipFactory.create(user=world.apprentice, organisation=other.employer, role="line_manager")
    testimony = EvidenceFactory.create(
        apprenticeship=other.apprenticeship, author=world.apprentice, kind="witness_testimony",
        title="Testimony for someone else", tags=(),
    )  # fmt: skip
    EvidenceFileFactory.create(evidence=testimony, state=EvidenceFile.State.REJECTED, original_name="testimony.heic")
    _returned(other, "Their returned item", "Not for you")
    _item(other, title="Their draft")

    page = _start(client, world.apprentice)

    assert "Testimony for someone else" in page
    assert "testimony.heic" in page
    assert "Their returned item" not in page
    assert "Their draft" not in page


@pytest.mark.django_db
def test_the_lists_read_together_keep_each_list_in_its_order(client: Client) -> None:
    """The lists that fit on the page are read in one query and sorted here: the latest return first, the last
    changed draft first, the oldest submission first."""
    world = _world()
    first, second = _returned(world, "Returned first", "One"), _returned(world, "Returned second", "Two")
    older, newer = _item(world, title="Older draft"), _item(world, title="Newer draft")
    Evidence.objects.filter(pk=newer.pk).update(updated_at=older.updated_at + datetime.timedelta(hours=1))
    early, late = _item(world, title="Submitted early"), _item(world, title="Submitted late")
    for item in (early, late):
        evidence_submit(actor=world.apprentice, evidence=item, expected_version=item.version)
    Evidence.objects.filter(pk=late.pk).update(submitted_at=timezone.now() + datetime.timedelta(hours=1))

    page = _start(client, world.apprentice)

    assert page.index(second.title) < page.index(first.title)
    assert page.index("Newer draft") < page.index("Older draft")
    assert page.index("Submitted early") < page.index("Submitted late")
    assert "Your employer to confirm (2)" in page
