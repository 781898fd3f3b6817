"""Who may sign what: the apprentice for the apprentice, any line manager or mentor of the apprentice's employer
for the employer, the reviewer who held it for the provider. Anyone who may not see the review (another
employer's contact, another provider's staff) gets 404 on its pages and in the API, as for a missing one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from portfolio.core.errors import Conflict
from portfolio.people.models import Membership
from portfolio.progress.models import ReviewSignature
from portfolio.progress.services.signatures import progress_review_sign
from tests.factories import PASSWORD, EmployerFactory, MembershipFactory, World
from tests.progress.helpers import hold, review_world, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return review_world()


def test_each_signs_for_their_own_party(world: World) -> None:
    review = hold(world)
    assert progress_review_sign(actor=world.apprentice, review=review).party == "apprentice"
    # Any employer contact of the apprentice's employer, not only the one named on the review.
    employer = progress_review_sign(actor=world.mentor, review=review)
    assert (employer.party, employer.signer_role) == ("employer", "mentor")
    provider = progress_review_sign(actor=world.tutor, review=review)
    assert (provider.party, provider.signer_role) == ("provider", "tutor")
    review.refresh_from_db()
    assert review.state == "complete"


def test_nobody_signs_another_party_or_twice(world: World) -> None:
    review = hold(world)
    with pytest.raises(PermissionDenied):
        progress_review_sign(actor=world.apprentice, review=review, party="employer")
    with pytest.raises(PermissionDenied):  # an admin neither holds nor signs
        progress_review_sign(actor=world.admin, review=review)
    with pytest.raises(PermissionDenied):  # another assessor of the provider: not the reviewer who held it
        progress_review_sign(actor=world.assessor, review=review)
    progress_review_sign(actor=world.line_manager, review=review)
    with pytest.raises(Conflict) as refused:
        progress_review_sign(actor=world.mentor, review=review)
    assert refused.value.code == "already_signed"
    assert ReviewSignature.objects.filter(review=review).count() == 1


def test_nothing_is_signed_before_the_review_is_held(world: World) -> None:
    review = schedule(world)
    with pytest.raises(Conflict) as refused:
        progress_review_sign(actor=world.apprentice, review=review)
    assert refused.value.code == "wrong_state"


def test_another_employer_s_contact_gets_404_on_the_pages_and_the_api(world: World, client: Client) -> None:
    review = hold(world)
    elsewhere = EmployerFactory.create(provider=world.provider, name="Another employer of the same provider")
    stranger = MembershipFactory.create(organisation=elsewhere, role=Membership.Role.LINE_MANAGER).user
    client.login(email=stranger.email, password=PASSWORD)
    for url in (f"/progress-reviews/{review.public_id}/", f"/progress-reviews/{review.public_id}/sign/",
                f"/progress-reviews/{review.public_id}/record/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/progress-reviews/{review.public_id}/sign/", {"confirm": "on", "expected_version": 1}).status_code
        == 404
    )
    answer = client.post(f"/api/progress-reviews/{review.public_id}/signatures/", {}, content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    assert not ReviewSignature.objects.filter(review=review).exists()


def test_the_signing_page_signs_for_the_employer(world: World, client: Client) -> None:
    review = hold(world)
    client.force_login(world.line_manager)
    page = client.get(f"/progress-reviews/{review.public_id}/sign/")
    assert "Your signature for the employer" in page.content.decode()
    refused = client.post(f"/progress-reviews/{review.public_id}/sign/", {"expected_version": 1})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode()
    done = client.post(f"/progress-reviews/{review.public_id}/sign/", {"confirm": "on", "expected_version": 1})
    assert done.status_code == 302
    assert ReviewSignature.objects.get(review=review).signed_by == world.line_manager
