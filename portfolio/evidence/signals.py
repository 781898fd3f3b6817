"""How evidence tells the review rules that an item it already submitted has changed, in the same transaction.

Evidence is captured before anyone reviews it, so portfolio/evidence imports nothing of portfolio/reviews.
Yet a change to a counted part (fields, files, tags) of an item that has been decided on must end those
decisions in the change's own transaction (PRODUCT.md: no evidence changes after sign-off without a fresh
one). So the change is announced here, synchronously, and portfolio/reviews connects the rule that acts on
it (ReviewsConfig.ready -> evidence_reopen_after_change). The receiver's exceptions propagate and roll the
change back. Without a receiver a sign-off would outlive the evidence it covered, so announcing a change
with none connected fails loudly instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence

# Sent with sender=Evidence and the keyword arguments evidence, actor and change (what changed, in words).
evidence_changed = Signal()


def evidence_change_announce(*, evidence: Evidence, actor: Any, change: str) -> None:
    """Call in the transaction of every change to an item's fields, files or tags, after the change."""
    if not lifecycle.decided(evidence.state):
        return  # a draft has no decisions to end
    if not evidence_changed.has_listeners(Evidence):
        raise ImproperlyConfigured("Nothing receives evidence_changed: is portfolio.reviews in INSTALLED_APPS?")
    evidence_changed.send(sender=Evidence, evidence=evidence, actor=actor, change=change)
