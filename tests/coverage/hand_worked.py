"""The hand-worked coverage example (tests/coverage/test_coverage_rules.py): nine items on the small catalogue
(tests/factories/standards.py, make_catalogue), the apprentice on Route A. Shared with the embedded engine's test,
which works the same numbers out on SQLite."""

from __future__ import annotations

from portfolio.evidence.models import EvidenceFile
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.reviews.services.withdraw import evidence_withdraw
from tests.factories import Catalogue, EvidenceFactory, EvidenceFileFactory, World

UPLOADED, REJECTED = EvidenceFile.State.UPLOADED, EvidenceFile.State.REJECTED


def hand_worked_evidence(world: World, catalogue: Catalogue) -> None:
    """The items E1 to E9, each made by the services, as an apprentice and their reviewers would."""
    a = world.apprenticeship
    # E7 was tagged to S4 and accepted while the apprentice followed Route B (S4 is Route B's only); then the
    # option changed to Route A.
    apprenticeship_update(actor=world.admin, apprenticeship=a, option=catalogue.route_b)
    EvidenceFactory.create(apprenticeship=a, tags=("S4",), state="accepted")  # E7: S4 is not on Route A
    apprenticeship_update(actor=world.admin, apprenticeship=a, option=catalogue.route_a)
    EvidenceFactory.create(apprenticeship=a, tags=("K1", "K2"), state="accepted")  # E1 counts for K1, K2
    # E2: accepted for S1, then a file added that is still being checked: reopened, it waits for a fresh sign-off.
    e2 = EvidenceFactory.create(apprenticeship=a, tags=("S1",), state="accepted")
    EvidenceFileFactory.create(evidence=e2, state=UPLOADED)
    # E3: no files (a reflective account), accepted for S1 only: K3 declined.
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("S1", "K3"), state="accepted", state__declined=("K3",))
    e4 = EvidenceFactory.create(apprenticeship=a, tags=("K3",), state="accepted")  # E4: accepted, then withdrawn
    evidence_withdraw(actor=world.apprentice, evidence=e4, expected_version=e4.version)
    EvidenceFactory.create(apprenticeship=a, tags=("S2",), state="accepted")  # E5 counts (accepted for S2)
    # E6: accepted for S3, then a file added that verification rejected: reopened, it waits for a fresh sign-off.
    e6 = EvidenceFactory.create(apprenticeship=a, tags=("S3",), state="accepted")
    EvidenceFileFactory.create(evidence=e6, state=REJECTED)
    EvidenceFactory.create(apprenticeship=a, tags=("K3",))  # E8: a draft
    EvidenceFactory.create(apprenticeship=a, tags=("S3",), state="returned")  # E9: returned
