"""`queue_page_for_user` reads a queue's first page by queries compiled once per process, with the policies that may
apply read first: for the reviewers of two organisations, under each provider's policy, the same page as the ORM's
`queue_page` of the scoped selector (items with their statements, counts, the link to the next items)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portfolio.evidence.lifecycle import Role
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.selectors import queues
from portfolio.reviews.selectors.queue_pages import queue_page_for_user
from portfolio.reviews.selectors.queues import acceptance_queue_for_user, confirmation_queue_for_user, queue_page
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db

SELECTORS = {Role.PROVIDER: acceptance_queue_for_user, Role.EMPLOYER: confirmation_queue_for_user}


def _waiting(world: World, state: str, count: int, tags: tuple[str, ...]) -> None:
    start = timezone.now() - datetime.timedelta(days=3)
    for minute in range(count):
        item = EvidenceFactory.create(apprenticeship=world.apprenticeship, state=state, files=minute % 2, tags=tags)
        Evidence.objects.filter(pk=item.pk).update(submitted_at=start + datetime.timedelta(minutes=minute))


@pytest.mark.parametrize("size", [4, 50])
@pytest.mark.parametrize("employer_step", [True, False])
def test_the_compiled_page_is_the_orms(
    worlds: tuple[World, World], monkeypatch: pytest.MonkeyPatch, size: int, employer_step: bool
) -> None:
    monkeypatch.setattr(queues, "PAGE_SIZE", size)
    own, other = worlds
    _waiting(own, "submitted", 3, ("K1", "S1"))
    _waiting(own, "confirmed", 3, ("S1",))
    _waiting(other, "confirmed", 2, ("K1",))
    _waiting(other, "submitted", 1, ("S1",))
    # An item whose tags were removed since it was submitted still shows, with no statement.
    EvidenceTag.objects.filter(evidence__apprenticeship=other.apprenticeship, evidence__state="confirmed")[
        :1
    ].get().delete()
    # Without the employer step, submitted items wait for the provider too: the queue's shape is the policy's.
    ReviewPolicy.objects.update_or_create(
        provider=own.provider, defaults={"require_employer_confirmation": employer_step}
    )
    seen = []
    for world in (own, other):
        for role, person in ((Role.PROVIDER, world.assessor), (Role.EMPLOYER, world.line_manager)):
            expected = queue_page(SELECTORS[role](user=person), after=None)
            for _ in range(2):  # compiled on the first read, run again on the second
                assert queue_page_for_user(role=role, user=person, after=None) == expected, (role, world)
            seen.append(len(expected.items))
    # Each person's page held their organisation's items alone, with statements where tagged.
    if employer_step:
        assert seen == [min(size, 3), min(size, 3), 2, 1]
    else:
        assert seen == [min(size, 6), 0, 2, 1]
    assert any(item.statements for item in queue_page_for_user(role=Role.PROVIDER, user=own.assessor, after=None).items)
    assert not all(
        item.statements for item in queue_page_for_user(role=Role.PROVIDER, user=other.tutor, after=None).items
    )
