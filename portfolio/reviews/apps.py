from typing import Any

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "portfolio.reviews"
    label = "reviews"

    def ready(self) -> None:
        # Evidence announces its changes without importing reviews (portfolio/evidence/signals.py); the rule
        # that a change ends the sign-offs it touched is connected here, once.
        from portfolio.evidence.models import Evidence
        from portfolio.evidence.signals import evidence_changed

        evidence_changed.connect(_reopen_after_change, sender=Evidence, dispatch_uid="reviews.reopen_after_change")


def _reopen_after_change(sender: Any, *, evidence: Any, actor: Any, change: str, **kwargs: Any) -> None:
    from portfolio.reviews.services.reopen import evidence_reopen_after_change

    evidence_reopen_after_change(evidence=evidence, actor=actor, change=change)
