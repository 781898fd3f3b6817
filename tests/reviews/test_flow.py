"""Every transition of the review flow, and every refusal, at the service level."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio.audit.models import AuditEntry
from portfolio.core.errors import Conflict
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.reviews.services.withdraw import evidence_withdraw
from tests.factories import EvidenceFactory, EvidenceFileFactory, World
from tests.reviews.conftest import dirty_generation

pytestmark = pytest.mark.django_db


def _actions(evidence: Evidence, after: int = 0) -> list[str]:
    """The audit entries of the item, those after entry `after` (the ones its making wrote come before)."""
    return list(
        AuditEntry.objects.filter(target_public_id=evidence.public_id, pk__gt=after)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_the_whole_flow_records_each_decision_with_its_fingerprint(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    made = AuditEntry.objects.latest("pk").pk  # created, tagged and given a file

    submit = evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    evidence.refresh_from_db()
    assert (evidence.state, evidence.version, evidence.ever_submitted) == ("submitted", 2, True)
    assert evidence.submitted_at is not None

    confirm = evidence_confirm(actor=own.mentor, evidence=evidence, expected_version=2, comment="Seen it done.")
    evidence.refresh_from_db()
    assert (evidence.state, evidence.version) == ("confirmed", 3)
    assert dirty_generation(own.apprenticeship) == 0  # nothing counts yet

    accept = evidence_accept(
        actor=own.assessor,
        evidence=evidence,
        expected_version=3,
        tags=[TagVerdict("K1", True), TagVerdict("S1", False, "Shows planning, not doing.")],
    )
    evidence.refresh_from_db()
    assert (evidence.state, evidence.version) == ("accepted", 4)
    assert dirty_generation(own.apprenticeship) == 1

    tags = {t.statement.code: t for t in evidence.tags.select_related("statement")}
    assert tags["K1"].state == EvidenceTag.State.ACCEPTED
    assert tags["K1"].decided_by == own.assessor
    assert tags["S1"].state == EvidenceTag.State.DECLINED
    assert tags["S1"].comment == "Shows planning, not doing."
    assert {(t.statement.code, t.accepted) for t in accept.tag_decisions.all()} == {("K1", True), ("S1", False)}

    assert [
        (d.action, d.actor_role, d.from_state, d.to_state, d.evidence_version) for d in (submit, confirm, accept)
    ] == [
        ("submit", "apprentice", "draft", "submitted", 1),
        ("confirm", "mentor", "submitted", "confirmed", 2),
        ("accept", "assessor", "confirmed", "accepted", 3),
    ]
    assert submit.fingerprint == confirm.fingerprint == accept.fingerprint  # the content never changed
    assert confirm.comment == "Seen it done."
    assert accept.snapshot["tags"] == ["K1", "S1"]
    assert _actions(evidence, after=made) == ["evidence.submitted", "evidence.confirmed", "evidence.accepted"]


def test_submission_needs_a_tag(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, tags=())
    with pytest.raises(ValidationError) as error:
        evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    assert "at least one statement" in error.value.message_dict["tags"][0]


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (EvidenceFile.State.AWAITING_UPLOAD, "still being uploaded"),
        (EvidenceFile.State.UPLOADED, "still being"),
        (EvidenceFile.State.REJECTED, "was rejected: the file is not an allowed type"),
    ],
)
def test_a_file_not_verified_blocks_submission_with_a_reason(
    worlds: tuple[World, World], state: str, says: str
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    EvidenceFileFactory.create(evidence=evidence, state=state, original_name="site.pdf")
    with pytest.raises(ValidationError) as error:
        evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    [message] = error.value.message_dict["files"]
    assert "'site.pdf'" in message
    assert says in message
    evidence.refresh_from_db()
    assert evidence.state == "draft"
    assert not evidence.decisions.exists()


def test_witness_testimony_is_submitted_by_its_author_but_other_kinds_are_not(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    witness = EvidenceFactory.create(
        apprenticeship=own.apprenticeship, kind=Evidence.Kind.WITNESS_TESTIMONY, author=own.mentor
    )
    decision = evidence_submit(actor=own.mentor, evidence=witness, expected_version=1)
    assert decision.actor_role == "author"

    # No service lets an employer contact write a document (evidence_create and evidence_update offer them witness
    # testimony and observation records only): this impossible row is made on purpose, by changing the kind of a
    # testimony directly, to check that submission refuses the author of any other kind all the same.
    document = EvidenceFactory.create(
        apprenticeship=own.apprenticeship, kind=Evidence.Kind.WITNESS_TESTIMONY, author=own.mentor
    )
    Evidence.objects.filter(pk=document.pk).update(kind=Evidence.Kind.DOCUMENT)
    with pytest.raises(PermissionDenied):
        evidence_submit(actor=own.mentor, evidence=document, expected_version=1)
    assert evidence_submit(actor=own.apprentice, evidence=document, expected_version=1).actor_role == "apprentice"


@pytest.mark.parametrize("who", ["line_manager", "tutor", "assessor", "admin", "iqa"])
def test_only_the_apprentice_submits(worlds: tuple[World, World], who: str) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    with pytest.raises(PermissionDenied):
        evidence_submit(actor=getattr(own, who), evidence=evidence, expected_version=1)


@pytest.mark.parametrize("who", ["apprentice", "tutor", "assessor", "admin", "iqa"])
def test_only_employer_contacts_confirm(worlds: tuple[World, World], who: str) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    with pytest.raises(PermissionDenied):
        evidence_confirm(actor=getattr(own, who), evidence=evidence, expected_version=evidence.version)


@pytest.mark.parametrize("who", ["apprentice", "line_manager", "mentor", "admin", "iqa"])
def test_only_assessors_and_tutors_accept(worlds: tuple[World, World], who: str) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    with pytest.raises(PermissionDenied):
        evidence_accept(
            actor=getattr(own, who), evidence=evidence, expected_version=evidence.version, tags=[TagVerdict("K1", True)]
        )


def test_the_tutor_may_accept(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", tags=("K1",))
    decision = evidence_accept(actor=own.tutor, evidence=evidence, expected_version=3, tags=[TagVerdict("K1", True)])
    assert decision.actor_role == "tutor"


def test_reviewers_of_another_organisation_are_refused(worlds: tuple[World, World]) -> None:
    # The API answers these 404 (the selectors hide the item); the services refuse them on their own too.
    own, other = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    with pytest.raises(PermissionDenied):
        evidence_confirm(actor=other.line_manager, evidence=evidence, expected_version=2)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    with pytest.raises(PermissionDenied):
        evidence_accept(actor=other.assessor, evidence=evidence, expected_version=3, tags=[TagVerdict("K1", True)])
    with pytest.raises(PermissionDenied):
        evidence_return(actor=other.assessor, evidence=evidence, expected_version=3, comment="no")
    with pytest.raises(PermissionDenied):
        evidence_withdraw(actor=other.apprentice, evidence=evidence, expected_version=3)


@pytest.mark.parametrize(
    ("make", "act"),
    [
        ("submitted", lambda w, e: evidence_submit(actor=w.apprentice, evidence=e, expected_version=e.version)),
        ("draft", lambda w, e: evidence_confirm(actor=w.line_manager, evidence=e, expected_version=e.version)),
        ("confirmed", lambda w, e: evidence_confirm(actor=w.line_manager, evidence=e, expected_version=e.version)),
        (
            "submitted",
            lambda w, e: evidence_accept(
                actor=w.assessor, evidence=e, expected_version=e.version, tags=[TagVerdict("K1", True)]
            ),
        ),
        (
            "accepted",
            lambda w, e: evidence_accept(
                actor=w.assessor, evidence=e, expected_version=e.version, tags=[TagVerdict("K1", True)]
            ),
        ),
        ("draft", lambda w, e: evidence_return(actor=w.assessor, evidence=e, expected_version=e.version, comment="x")),
        (
            "confirmed",
            lambda w, e: evidence_return(actor=w.mentor, evidence=e, expected_version=e.version, comment="x"),
        ),
        ("draft", lambda w, e: evidence_withdraw(actor=w.apprentice, evidence=e, expected_version=e.version)),
        ("withdrawn", lambda w, e: evidence_withdraw(actor=w.apprentice, evidence=e, expected_version=e.version)),
        ("withdrawn", lambda w, e: evidence_submit(actor=w.apprentice, evidence=e, expected_version=e.version)),
    ],
    ids=[
        "submit-twice",
        "confirm-draft",
        "confirm-twice",
        "accept-unconfirmed",
        "accept-twice",
        "return-draft",
        "employer-returns-confirmed",
        "withdraw-draft",
        "withdraw-twice",
        "resubmit-withdrawn",
    ],
)
def test_a_decision_in_the_wrong_state_is_a_conflict_naming_the_state(
    worlds: tuple[World, World], make: str, act: object
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state=make)
    decisions = evidence.decisions.count()
    with pytest.raises(Conflict) as error:
        act(own, evidence)  # type: ignore[operator]
    assert error.value.code == "wrong_state"
    assert error.value.details["current_state"] == evidence.state
    assert Evidence.State(evidence.state).label.lower() in error.value.message
    assert evidence.decisions.count() == decisions


def test_a_stale_version_is_a_conflict_saying_who_did_what(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    own.line_manager.first_name, own.line_manager.last_name = "Lee", "Manager"
    own.line_manager.save()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=2)
    with pytest.raises(Conflict) as error:
        evidence_confirm(actor=own.mentor, evidence=evidence, expected_version=2)
    assert error.value.code == "conflict"
    assert error.value.details == {"expected_version": 2, "current_version": 3, "current_state": "confirmed"}
    assert error.value.message.startswith("This evidence was confirmed by Lee Manager at ")
    assert "while you were looking at it" in error.value.message


def test_a_return_needs_a_comment_and_sends_it_back_to_the_apprentice(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    with pytest.raises(ValidationError) as error:
        evidence_return(actor=own.line_manager, evidence=evidence, expected_version=2, comment="  ")
    assert "comment" in error.value.message_dict

    decision = evidence_return(actor=own.line_manager, evidence=evidence, expected_version=2, comment="Add a photo.")
    evidence.refresh_from_db()
    assert (evidence.state, decision.actor_role, decision.comment) == ("returned", "line_manager", "Add a photo.")
    submit = evidence.decisions.get(action="submit")
    assert submit.invalidation_reason == "returned"

    # The apprentice resubmits: the return closes with the new round.
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=evidence.version)
    decision.refresh_from_db()
    assert decision.invalidation_reason == "resubmitted"
    evidence.refresh_from_db()
    assert evidence.state == "submitted"


def test_returning_accepted_evidence_stops_it_counting(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="accepted")
    generation = dirty_generation(own.apprenticeship)
    evidence_return(actor=own.tutor, evidence=evidence, expected_version=evidence.version, comment="Wrong unit.")
    evidence.refresh_from_db()
    assert evidence.state == "returned"
    assert set(evidence.tags.values_list("state", flat=True)) == {"pending"}
    assert dirty_generation(own.apprenticeship) == generation + 1
    assert evidence.decisions.filter(action="accept").get().invalidation_reason == "returned"


@pytest.mark.parametrize("who", ["line_manager", "assessor", "admin"])
def test_only_the_apprentice_withdraws(worlds: tuple[World, World], who: str) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    with pytest.raises(PermissionDenied):
        evidence_withdraw(actor=getattr(own, who), evidence=evidence, expected_version=2)


def test_withdrawing_accepted_evidence_keeps_it_and_its_history_and_stops_it_counting(
    worlds: tuple[World, World],
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="accepted")
    generation = dirty_generation(own.apprenticeship)
    evidence_withdraw(actor=own.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    assert evidence.state == "withdrawn"
    assert dirty_generation(own.apprenticeship) == generation + 1
    assert list(ReviewDecision.objects.filter(evidence=evidence).values_list("action", flat=True)) == [
        "submit", "confirm", "accept", "withdraw",
    ]  # fmt: skip
    assert "evidence.withdrawn" in _actions(evidence)
