"""Who may do what with evidence, given that they may see it (the selectors decide that).

- Apprentices create evidence in their own apprenticeships, of any kind (a scanned, signed witness
  statement is evidence too).
- Employer contacts (of the apprenticeship's employer) and provider staff (of its provider) may add
  witness testimony and observation records: the item is theirs (author, author_role), not the apprentice's.
- The author changes an item's fields and files. Tags may be set by the author or by the apprentice whose
  portfolio it is: mapping evidence to statements is the apprentice's claim, and does not change a
  witness's words.
- The apprentice submits their evidence for review; so does the author of a witness testimony or an
  observation record (the lifecycle's AUTHOR role).
- In which states an item may change or be submitted is the lifecycle's (portfolio/evidence/lifecycle.py).
"""

from __future__ import annotations

from typing import Any

from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import user_roles_at

# Evidence another person writes about the apprentice: its author may write and submit it.
OTHERS_MAY_AUTHOR = frozenset({Evidence.Kind.WITNESS_TESTIMONY, Evidence.Kind.OBSERVATION_RECORD})


def author_role_for(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    """The role in which `user` writes evidence for this apprenticeship, or None if they may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if apprenticeship.apprentice_id == user.pk:
        return Evidence.AuthorRole.APPRENTICE
    roles = user_roles_at(user=user, organisation_ids=[apprenticeship.employer_id, apprenticeship.provider_id])
    if roles & Membership.EMPLOYER_ROLES:
        return Evidence.AuthorRole.EMPLOYER_CONTACT
    if roles & Membership.PROVIDER_ROLES:
        return Evidence.AuthorRole.PROVIDER_STAFF
    return None


def kinds_for(author_role: str | None) -> list[str]:
    if author_role == Evidence.AuthorRole.APPRENTICE:
        return list(Evidence.Kind.values)
    if author_role is None:
        return []
    return [kind for kind in Evidence.Kind.values if kind in OTHERS_MAY_AUTHOR]


def may_edit(*, user: Any, evidence: Evidence) -> bool:
    return evidence.author_id == user.pk and lifecycle.change_allowed(evidence.state)


def may_tag(*, user: Any, evidence: Evidence) -> bool:
    if not lifecycle.change_allowed(evidence.state):
        return False
    return user.pk in (evidence.author_id, evidence.apprenticeship.apprentice_id)


def submitter_role(*, user: Any, evidence: Evidence) -> lifecycle.Role | None:
    """The part in which `user` may submit this item (in a state that allows it), or None."""
    if evidence.apprenticeship.apprentice_id == user.pk:
        return lifecycle.Role.APPRENTICE
    if evidence.author_id == user.pk and evidence.kind in OTHERS_MAY_AUTHOR:
        return lifecycle.Role.AUTHOR
    return None


def may_submit(*, user: Any, evidence: Evidence) -> bool:
    """Show the "Submit for review" button? Submitting does not depend on the provider's policy (only where
    it lands does; a lifecycle test holds this), so any policy answers it."""
    role = submitter_role(user=user, evidence=evidence)
    return role is not None and lifecycle.allowed(evidence.state, lifecycle.Action.SUBMIT, role, lifecycle.ALL_STEPS)
