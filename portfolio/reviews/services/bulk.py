from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portfolio.core.errors import Conflict
from portfolio.reviews.selectors.evidence import review_evidence_get_for_user
from portfolio.reviews.services.confirm import evidence_confirm


@dataclass
class BulkResult:
    evidence: uuid.UUID
    outcome: str  # "done", "conflict", "wrong_state", "not_found", "forbidden"
    message: str = ""
    state: str | None = None
    version: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def evidence_confirm_many(*, actor: Any, items: Iterable[tuple[uuid.UUID, int]], comment: str = "") -> list[BulkResult]:
    """Confirm several items, each in its own transaction (evidence_confirm is atomic).

    Deliberately not all-or-nothing: one item someone else changed meanwhile must not stop the others, so
    the caller gets one result per item and decides again only on the conflicts.
    """
    results = []
    for public_id, expected_version in items:
        try:
            evidence = review_evidence_get_for_user(user=actor, public_id=public_id)
            # The item as the confirmation left it (the row it locked and moved on): its new state and version.
            evidence = evidence_confirm(
                actor=actor, evidence=evidence, expected_version=expected_version, comment=comment
            ).evidence
        except Http404:
            results.append(BulkResult(public_id, "not_found", "Not found."))
        except PermissionDenied as exc:
            results.append(BulkResult(public_id, "forbidden", str(exc)))
        except Conflict as exc:
            state, version = exc.details.get("current_state"), exc.details.get("current_version")
            results.append(BulkResult(public_id, exc.code, exc.message, state, version, exc.details))
        except ValidationError as exc:
            results.append(BulkResult(public_id, "invalid", " ".join(exc.messages)))
        else:
            results.append(BulkResult(public_id, "done", "Confirmed.", evidence.state, evidence.version))
    return results
