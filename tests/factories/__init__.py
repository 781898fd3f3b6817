"""Test factories (factory_boy), one per model the tests build, in one place.

Where a row has a state that matters, the factory reaches it through the real services: evidence through
evidence_create, evidence_tags_set and the review decisions (tests/factories/reviews.py), files through the upload
slot and the rows verification records, behaviour confirmations, policies and OTJ entries through their
services. Rows with no lifecycle (people, organisations, the catalogue) are written directly.
"""

from tests.factories.evidence import EvidenceFactory, EvidenceFileFactory, EvidenceTagFactory
from tests.factories.otj import OtjActivityFactory
from tests.factories.people import (
    PASSWORD,
    ApprenticeshipFactory,
    AssessmentOrgFactory,
    EmployerFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
)
from tests.factories.reviews import (
    BehaviourConfirmationFactory,
    GatewayPolicyFactory,
    ReviewPolicyFactory,
    evidence_bring_to,
)
from tests.factories.standards import (
    LPM,
    OTHER_OPTION,
    AssessmentOutcomeFactory,
    Catalogue,
    OptionFactory,
    OutcomeStatementFactory,
    StandardFactory,
    StatementFactory,
    make_catalogue,
    make_route_standard,
    taggable_statement,
)
from tests.factories.world import World, apprenticeship_create_body, build_world, make_route_world, make_world

__all__ = [
    "LPM",
    "OTHER_OPTION",
    "PASSWORD",
    "ApprenticeshipFactory",
    "AssessmentOrgFactory",
    "AssessmentOutcomeFactory",
    "BehaviourConfirmationFactory",
    "Catalogue",
    "EmployerFactory",
    "EvidenceFactory",
    "EvidenceFileFactory",
    "EvidenceTagFactory",
    "GatewayPolicyFactory",
    "MembershipFactory",
    "OptionFactory",
    "OtjActivityFactory",
    "OutcomeStatementFactory",
    "ProviderFactory",
    "ReviewPolicyFactory",
    "StandardFactory",
    "StatementFactory",
    "UserFactory",
    "World",
    "apprenticeship_create_body",
    "build_world",
    "evidence_bring_to",
    "make_catalogue",
    "make_route_standard",
    "make_route_world",
    "make_world",
    "taggable_statement",
]
