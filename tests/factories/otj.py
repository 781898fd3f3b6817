"""Off-the-job activities: logged by otj_activity_create, then approved or declined by the decision services."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from portfolio.otj.models import OtjActivity
from portfolio.otj.services.activities import otj_activity_create
from portfolio.otj.services.decisions import otj_activity_approve, otj_activity_decline
from tests.factories.people import ApprenticeshipFactory
from tests.factories.reviews import provider_reviewer

DECLINE_COMMENT = "This was not off-the-job training."


def _next_day(apprenticeship: Any) -> datetime.date:
    # A day after the apprenticeship's entries so far, so entries made without a date never overlap in time.
    return apprenticeship.start_date + datetime.timedelta(days=apprenticeship.otj_activities.count())


class OtjActivityFactory(DjangoModelFactory[OtjActivity]):
    """An OTJ entry logged by the apprentice (pending); `state="approved"` or `"declined"` has a tutor or assessor
    of the provider decide it (`decided_by` to choose who). The checks of the service hold: not before the start,
    not in the future, no overlap, at most 24 hours a day."""

    class Meta:
        model = OtjActivity
        skip_postgeneration_save = True

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    logged_by = factory.LazyAttribute(lambda o: o.apprenticeship.apprentice)
    date = factory.LazyAttribute(lambda o: _next_day(o.apprenticeship))
    start_time = datetime.time(9, 0)
    minutes = 60
    activity_type = OtjActivity.ActivityType.TAUGHT_SESSION
    description = "Budgeting workshop"

    @classmethod
    def _create(cls, model_class: type[OtjActivity], *args: Any, **kwargs: Any) -> OtjActivity:
        return otj_activity_create(actor=kwargs.pop("logged_by"), **kwargs)

    @factory.post_generation
    def state(obj: OtjActivity, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if not create or extracted in (None, OtjActivity.State.PENDING):
            return
        actor = kwargs.get("by") or provider_reviewer(obj.apprenticeship)
        if extracted == OtjActivity.State.APPROVED:
            otj_activity_approve(actor=actor, activity=obj)
        elif extracted == OtjActivity.State.DECLINED:
            otj_activity_decline(actor=actor, activity=obj, comment=kwargs.get("comment", DECLINE_COMMENT))
        else:
            raise ValueError(f"an OTJ entry is pending, approved or declined, not {extracted}")
        obj.refresh_from_db()
