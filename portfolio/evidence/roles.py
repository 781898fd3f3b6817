"""Who may do what with evidence, given that they may see it (the selectors decide that).

- Apprentices create evidence in their own apprenticeships, of any kind (a scanned, signed witness
  statement is evidence too).
- Employer contacts (of the apprenticeship's employer) and provider staff (of its provider) may add
  witness testimony and observation records: the item is theirs (author, author_role), not the apprentice's.
- The author changes an item's fields and files. Tags may be set by the author or by the apprentice whose
  portfolio it is: mapping evidence to statements is the apprentice's claim, and does not change a
  witness's words.
- Withdrawn items change no more.
"""

from __future__ import annotations

from typing import Any

from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Membership

OTHERS_MAY_AUTHOR = frozenset({Evidence.Kind.WITNESS_TESTIMONY, Evidence.Kind.OBSERVATION_RECORD})


def author_role_for(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    """The role in which `user` writes evidence for this apprenticeship, or None if they may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if apprenticeship.apprentice_id == user.pk:
        return Evidence.AuthorRole.APPRENTICE
    roles = set(
        Membership.objects.filter(
            user=user,
            is_active=True,
            organisation_id__in=[apprenticeship.employer_id, apprenticeship.provider_id],
        ).values_list("role", flat=True)
    )
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
    return evidence.author_id == user.pk and evidence.state != Evidence.State.WITHDRAWN


def may_tag(*, user: Any, evidence: Evidence) -> bool:
    if evidence.state == Evidence.State.WITHDRAWN:
        return False
    return user.pk in (evidence.author_id, evidence.apprenticeship.apprentice_id)
