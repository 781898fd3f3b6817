"""People models, one file per concept; import them from here."""

from portfolio.people.models.apprenticeships import Apprenticeship, BreakInLearning
from portfolio.people.models.invitations import Invitation
from portfolio.people.models.organisations import Membership, Organisation
from portfolio.people.models.signin import SignInFailure
from portfolio.people.models.users import User, display_name

__all__ = [
    "Apprenticeship",
    "BreakInLearning",
    "Invitation",
    "Membership",
    "Organisation",
    "SignInFailure",
    "User",
    "display_name",
]
