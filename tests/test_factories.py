"""The factories make only what the services make: each state is reached by the decisions that lead there, and a
combination no service produces is refused, not written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portfolio.core.errors import Conflict
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.otj.models import OtjActivity
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.policy import review_policy_update
from portfolio.storage import get_store, verified_key_for
from tests.factories import (
    BehaviourConfirmationFactory,
    EvidenceFactory,
    EvidenceFileFactory,
    EvidenceTagFactory,
    OtjActivityFactory,
    ReviewPolicyFactory,
    World,
    make_catalogue,
    make_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    catalogue = make_catalogue()
    return make_world(standard=catalogue.standard)


def _actions(evidence: Evidence) -> list[tuple[str, str]]:
    return list(evidence.decisions.order_by("decided_at", "pk").values_list("action", "to_state"))


def test_a_default_item_is_a_tagged_draft_with_a_verified_file(world: World) -> None:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship)
    assert (evidence.state, evidence.version, evidence.ever_submitted) == ("draft", 1, False)
    assert evidence.author == world.apprentice
    assert dict(evidence.tags.values_list("statement__code", "state")) == {"K1": "pending", "S1": "pending"}
    [file] = evidence.files.all()
    assert file.state == EvidenceFile.State.VERIFIED
    assert file.verified_key == verified_key_for(file.object_key)
    assert (file.size, len(file.sha256)) == (file.declared_size, 64)
    assert not evidence.decisions.exists()


def test_an_accepted_item_was_submitted_confirmed_and_accepted(world: World) -> None:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="accepted", state__declined=["S1"])
    assert _actions(evidence) == [("submit", "submitted"), ("confirm", "confirmed"), ("accept", "accepted")]
    assert (evidence.state, evidence.version, evidence.ever_submitted) == ("accepted", 4, True)
    assert evidence.submitted_at is not None
    tags = {tag.statement.code: tag for tag in evidence.tags.select_related("statement", "decided_by")}
    assert (tags["K1"].state, tags["K1"].decided_by) == (EvidenceTag.State.ACCEPTED, world.assessor)
    assert (tags["S1"].state, tags["S1"].decided_by) == (EvidenceTag.State.DECLINED, world.assessor)
    confirm = evidence.decisions.get(action=ReviewDecision.Action.CONFIRM)
    assert confirm.actor == world.line_manager


def test_the_providers_policy_decides_the_way_to_a_state(world: World) -> None:
    review_policy_update(actor=world.admin, provider=world.provider, require_employer_confirmation=False)
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="accepted")
    assert _actions(evidence) == [("submit", "confirmed"), ("accept", "accepted")]
    # Under this policy nothing waits for the employer: a confirmed item can be had, a submitted one cannot.
    assert EvidenceFactory.create(apprenticeship=world.apprenticeship, state="confirmed").state == "confirmed"
    with pytest.raises(ValueError, match="cannot be left submitted"):
        EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted")


def test_returned_and_withdrawn_items_have_no_decided_tags(world: World) -> None:
    returned = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="returned")
    withdrawn = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="withdrawn")
    assert _actions(returned) == [("submit", "submitted"), ("return", "returned")]
    assert _actions(withdrawn) == [("submit", "submitted"), ("withdraw", "withdrawn")]
    assert set(EvidenceTag.objects.values_list("state", flat=True)) == {EvidenceTag.State.PENDING}


@pytest.mark.parametrize(
    ("kwargs", "refusal"),
    [
        ({"state": "accepted", "state__declined": ["K1", "S1"]}, ValidationError),  # nothing accepted
        ({"state": "submitted", "tags": ()}, ValidationError),  # nothing tagged
        ({"state": "submitted", "files": [{"state": EvidenceFile.State.UPLOADED}]}, ValidationError),
        ({"state": "accepted", "files": [{"state": EvidenceFile.State.REJECTED}]}, ValidationError),
        ({"tags": ("B1",)}, EvidenceRefused),  # a behaviour: confirmed, never tagged
        ({"tags": ("S4",)}, EvidenceRefused),  # Route B's: not on this apprentice's route
        ({"occurred_on": datetime.date(2999, 1, 1)}, ValidationError),
    ],
    ids=["all-declined", "untagged", "file-being-checked", "file-rejected", "behaviour", "other-option", "future"],
)
def test_a_combination_no_service_makes_is_refused(world: World, kwargs: dict, refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        EvidenceFactory.create(apprenticeship=world.apprenticeship, **kwargs)


def test_an_accepted_item_never_has_a_file_that_is_not_verified(world: World) -> None:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="accepted")
    EvidenceFileFactory.create(evidence=evidence, state=EvidenceFile.State.UPLOADED)
    evidence.refresh_from_db()
    # Adding the file reopened it, as adding one does: back to submitted, its tags pending again.
    assert evidence.state == "submitted"
    assert set(evidence.tags.values_list("state", flat=True)) == {EvidenceTag.State.PENDING}


def test_a_tag_added_to_a_submitted_item_makes_a_new_version(world: World) -> None:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted", tags=("K1",))
    seen = evidence.version
    tag = EvidenceTagFactory.create(evidence=evidence, code="K2")
    assert (tag.state, tag.statement.code) == (EvidenceTag.State.PENDING, "K2")
    assert Evidence.objects.get(pk=evidence.pk).version == seen + 1
    with pytest.raises(Conflict):  # the employer saw the version before the tag
        evidence_confirm(actor=world.line_manager, evidence=evidence, expected_version=seen)


def test_a_stored_file_has_its_bytes_at_the_verified_key(world: World) -> None:
    file = EvidenceFileFactory.create(
        evidence=EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0), content=b"%PDF-1.4 x",
        declared_type="application/pdf", stored=True,
    )  # fmt: skip
    assert b"".join(get_store().stream(file.verified_key)) == b"%PDF-1.4 x"


def test_behaviours_policies_and_otj_entries_come_from_their_services(world: World) -> None:
    catalogue_b1 = world.standard.statements.get(code="B1")
    confirmation = BehaviourConfirmationFactory.create(apprenticeship=world.apprenticeship, statement=catalogue_b1)
    assert (confirmation.confirmed_by, confirmation.withdrawn_at) == (world.line_manager, None)
    with pytest.raises(ValidationError):  # confirmed already: withdraw it first
        BehaviourConfirmationFactory.create(apprenticeship=world.apprenticeship, statement=catalogue_b1)

    policy = ReviewPolicyFactory.create(provider=world.provider, evidence_per_statement=2)
    assert policy.evidence_per_statement == 2

    entry = OtjActivityFactory.create(apprenticeship=world.apprenticeship, state="approved")
    assert (entry.state, entry.decided_by, entry.version) == (OtjActivity.State.APPROVED, world.assessor, 2)
    with pytest.raises(ValidationError):  # the same time again: entries never overlap
        OtjActivityFactory.create(apprenticeship=world.apprenticeship, date=entry.date)
