"""The review trail on the evidence page: `{% review_trail evidence as trail %}`.

The evidence page belongs to portfolio/evidence, which imports nothing of portfolio/reviews (evidence comes
first; reviews decide on it). So the page's template asks for the decisions here, at the page layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.selectors.evidence import decision_list_for_evidence

register = template.Library()


@dataclass(frozen=True)
class ReviewTrail:
    decisions: list[ReviewDecision]  # every decision, oldest first, invalidated ones included
    last_return: ReviewDecision | None  # while the item is returned: the return that sent it back


@register.simple_tag
def review_trail(evidence: Evidence) -> ReviewTrail:
    decisions = list(decision_list_for_evidence(evidence=evidence))
    last_return = None
    if evidence.state == Evidence.State.RETURNED:
        last_return = next((d for d in reversed(decisions) if d.action == ReviewDecision.Action.RETURN), None)
    return ReviewTrail(decisions=decisions, last_return=last_return)
