"""Progress reviews: an apprenticeship's schedule (and scheduling one), a review (read, reschedule, hold, change
its record, cancel, sign, its PDF), the lists, the provider's interval and an apprenticeship's agreed interval.

Thin: each view finds its object through a scoped selector (a record you may not see is a 404), validates, and
calls one service; the services refuse what the lifecycle refuses (portfolio/progress/lifecycle.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.permissions import IsProviderStaff
from api.progress.serializers import (
    CancelIn,
    HoldIn,
    IntervalIn,
    IntervalOut,
    PdfLinkOut,
    PolicyIn,
    PolicyOut,
    ProgressReviewOut,
    RecordIn,
    RescheduleIn,
    ReviewListOut,
    ReviewSignatureOut,
    ReviewSignIn,
    ScheduleIn,
    ScheduleOut,
    ScheduleRowOut,
)
from portfolio.people.models import Apprenticeship, User
from portfolio.people.selectors import apprenticeship_get_for_user, organisation_get_for_user, user_is_admin_of
from portfolio.progress.filters import ReviewFilter, ReviewScheduleFilter
from portfolio.progress.models import AgreedReviewInterval, ProgressReview
from portfolio.progress.pages import review_view
from portfolio.progress.schedule import Due
from portfolio.progress.selectors import (
    ScheduleRow,
    due_for,
    policy_for,
    review_get_for_user,
    review_list_for_user,
    schedule_rows,
    staff_apprenticeships,
)
from portfolio.progress.services.intervals import agreed_interval_clear, agreed_interval_set, progress_policy_update
from portfolio.progress.services.pdf import progress_review_pdf_link
from portfolio.progress.services.recording import progress_review_hold, progress_review_update
from portfolio.progress.services.scheduling import (
    progress_review_cancel,
    progress_review_reschedule,
    progress_review_schedule,
)
from portfolio.progress.services.signatures import progress_review_sign

TAGS = ["progress reviews"]


def due_data(due: Due, today: datetime.date) -> dict[str, Any]:
    return {
        "next_due_on": due.due_on,
        "overdue": due.overdue(today),
        "paused": due.paused,
        "none_due": due.none_due,
        "interval_months": due.interval_months,
        "since": due.anchor,
        "explanation": due.explain(today),
    }


def review_data(*, review: ProgressReview, user: Any) -> dict[str, Any]:
    view = review_view(review=review, user=user)
    return {
        "id": review.public_id,
        "apprenticeship": review.apprenticeship.public_id,
        "state": review.state,
        "state_label": review.get_state_display(),
        "scheduled_for": review.scheduled_for,
        "location": review.location,
        "reviewer": review.reviewer,
        "employer_contact": review.employer_contact,
        "held_on": review.held_on,
        "due_on": review.due_on,
        "on_time": review.on_time,
        "version": review.version,
        "fingerprint": review.fingerprint,
        "record": view.record,
        "record_frozen": not view.live_record,
        "contributions": {
            w.party.value: {"progress": w.progress, "wellbeing": w.wellbeing, "next_steps": w.next_steps}
            for w in view.words
        },
        "actions": view.actions,
        "previous_actions": view.previous_actions,
        "signatures": list(view.signatures.values()),
        "ended_signatures": view.ended_signatures,
        "missing_signatures": [p.value for p in view.missing],
        "completed_at": review.completed_at,
        "cancelled_at": review.cancelled_at,
        "cancel_reason": review.cancel_reason,
        "pdf_available": review.pdf_current,
        "can": [a.value for a in view.can],
        "can_sign": [p.value for p in view.can_sign_now],
    }


def _answer(review: ProgressReview, user: Any, code: int = status.HTTP_200_OK) -> Response:
    fresh = review_get_for_user(user=user, public_id=review.public_id)
    return Response(ProgressReviewOut(review_data(review=fresh, user=user)).data, status=code)


def _person(value: uuid.UUID | None, field: str) -> User | None:
    """A person named by public id; the service checks they may take the part (an unknown id fails the same way)."""
    if value is None:
        return None
    found = User.objects.filter(public_id=value, is_active=True).first()
    if found is None:
        raise ValidationError(
            {field: "No one you can name has this id: choose from the provider's or employer's people."}
        )
    return found


class ApprenticeshipReviewsView(GenericAPIView[ProgressReview]):
    serializer_class = ScheduleIn

    @extend_schema(operation_id="progress_reviews_schedule", responses=ScheduleOut, tags=TAGS,
                   description="When the next review is due (or why none is), the intervals, and every review of the "
                   "apprenticeship, newest first.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        today = timezone.localdate()
        agreed = AgreedReviewInterval.objects.filter(apprenticeship=apprenticeship).first()
        data = {
            "apprenticeship": apprenticeship.public_id,
            "due": due_data(due_for(apprenticeship=apprenticeship, today=today), today),
            "agreed_interval": {"interval_months": agreed.interval_months, "reason": agreed.reason} if agreed else None,
            "provider_interval_months": policy_for(provider=apprenticeship.provider).interval_months,
            "reviews": list(ProgressReview.objects.filter(apprenticeship=apprenticeship).order_by("-scheduled_for")),
        }
        return Response(ScheduleOut(data).data)

    @idempotent
    @extend_schema(operation_id="progress_reviews_create", request=ScheduleIn, responses={201: ProgressReviewOut},
                   tags=TAGS, description="Schedule the next review (the provider's assessors, tutors and admins). "
                   "409 `already_scheduled` while one is scheduled.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = ScheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = progress_review_schedule(
            actor=request.user, apprenticeship=apprenticeship, scheduled_for=values["scheduled_for"],
            location=values["location"], reviewer=_person(values.get("reviewer"), "reviewer"),
            employer_contact=_person(values.get("employer_contact"), "employer_contact"),
        )  # fmt: skip
        return _answer(review, request.user, status.HTTP_201_CREATED)


class ReviewDetailView(GenericAPIView[ProgressReview]):
    serializer_class = RescheduleIn

    @extend_schema(operation_id="progress_review_retrieve", responses=ProgressReviewOut, tags=TAGS)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return _answer(review_get_for_user(user=request.user, public_id=public_id), request.user)

    @extend_schema(operation_id="progress_review_reschedule", request=RescheduleIn, responses=ProgressReviewOut,
                   tags=TAGS, description="Change a scheduled review's time, place or attendees (provider staff); "
                   "the attendees are told. A held or cancelled review answers 409 `wrong_state`.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        data = RescheduleIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        changes: dict[str, Any] = {k: values[k] for k in ("scheduled_for", "location") if k in values}
        if "reviewer" in values:
            changes["reviewer"] = _person(values["reviewer"], "reviewer")
        if "employer_contact" in values:
            changes["employer_contact"] = _person(values["employer_contact"], "employer_contact")
        progress_review_reschedule(actor=request.user, review=review, **changes)
        return _answer(review, request.user)


class ReviewHoldView(GenericAPIView[ProgressReview]):
    serializer_class = HoldIn

    @extend_schema(operation_id="progress_review_hold", request=HoldIn, responses=ProgressReviewOut, tags=TAGS,
                   description="Record a scheduled review as held (an assessor or tutor of the provider, who becomes "
                   "its reviewer): the record is frozen as it stands now, with every party's words as said there, "
                   "the actions agreed and the outcomes of the previous review's actions. The three parties are asked "
                   "to sign.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        data = HoldIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        progress_review_hold(
            actor=request.user, review=review, held_on=values["held_on"], contributions=values.get("contributions"),
            actions=values.get("actions", []), outcomes=values.get("outcomes", []),
        )  # fmt: skip
        return _answer(review, request.user)


class ReviewRecordView(GenericAPIView[ProgressReview]):
    serializer_class = RecordIn

    @extend_schema(operation_id="progress_review_record_update", request=RecordIn, responses=ProgressReviewOut,
                   tags=TAGS, description="Change a held review's record: each party their own words, the reviewer "
                   "also the actions (the list is replaced) and outcomes. A change ends every live signature: all "
                   "three sign again. 409 `conflict` when `expected_version` is not the current one.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        data = RecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        progress_review_update(
            actor=request.user, review=review, expected_version=values.get("expected_version"),
            contributions=values.get("contributions"), actions=values.get("actions"), outcomes=values.get("outcomes"),
        )  # fmt: skip
        return _answer(review, request.user)


class ReviewCancelView(GenericAPIView[ProgressReview]):
    serializer_class = CancelIn

    @extend_schema(operation_id="progress_review_cancel", request=CancelIn, responses=ProgressReviewOut, tags=TAGS,
                   description="Cancel a scheduled review (provider staff); the attendees are told.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        data = CancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        progress_review_cancel(actor=request.user, review=review, reason=data.validated_data["reason"])
        return _answer(review, request.user)


class ReviewSignView(GenericAPIView[ProgressReview]):
    serializer_class = ReviewSignIn

    @extend_schema(operation_id="progress_review_sign", request=ReviewSignIn,
                   responses={201: ReviewSignatureOut}, tags=TAGS,
                   description="Sign a held review: the apprentice, a line manager or mentor of the employer, or the "
                   "reviewer. 409 `already_signed` for a party that has signed, `conflict` when `expected_version` is "
                   "not the current one; 403 for a party that is not yours.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        data = ReviewSignIn(data=request.data)
        data.is_valid(raise_exception=True)
        signature = progress_review_sign(
            actor=request.user, review=review, party=data.validated_data.get("party"),
            expected_version=data.validated_data.get("expected_version"),
        )  # fmt: skip
        return Response(ReviewSignatureOut(signature).data, status=status.HTTP_201_CREATED)


class ReviewPdfView(GenericAPIView[ProgressReview]):
    serializer_class = PdfLinkOut

    @extend_schema(operation_id="progress_review_pdf", request=None, responses=PdfLinkOut, tags=TAGS,
                   description="A short-lived link to the signed PDF; 404 while the record has none.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        review = review_get_for_user(user=request.user, public_id=public_id)
        if not review.pdf_current:
            raise Http404("No PDF yet.")
        url = progress_review_pdf_link(review=review)
        return Response(PdfLinkOut({"url": url, "expires_in": settings.EVIDENCE_DOWNLOAD_EXPIRY_SECONDS}).data)


class ReviewListView(GenericAPIView[ProgressReview]):
    """Every review the caller may see (`state=awaiting_signatures`: the ones missing signatures)."""

    serializer_class = ReviewListOut
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[ProgressReview]:
        if getattr(self, "swagger_fake_view", False):
            return ProgressReview.objects.none()
        return review_list_for_user(user=self.request.user).order_by("-scheduled_for", "-pk")

    @extend_schema(operation_id="progress_reviews_list", responses=ReviewListOut(many=True), tags=TAGS)
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ReviewListOut(page, many=True).data)


class ReviewDueListView(GenericAPIView[Apprenticeship]):
    """Provider staff: their apprentices' next reviews, soonest due first (the overdue first of all)."""

    serializer_class = ScheduleRowOut
    permission_classes = [IsAuthenticated, IsProviderStaff]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReviewScheduleFilter

    def get_queryset(self) -> QuerySet[Apprenticeship]:
        if getattr(self, "swagger_fake_view", False):
            return Apprenticeship.objects.none()
        return staff_apprenticeships(user=self.request.user)

    @extend_schema(operation_id="progress_reviews_due", responses=ScheduleRowOut(many=True), tags=TAGS)
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        rows = schedule_rows(apprenticeships=self.filter_queryset(self.get_queryset()), today=today)
        page = cast(list[ScheduleRow], self.paginate_queryset(rows) or [])  # type: ignore[arg-type]
        data = [
            {
                "apprenticeship": row.apprenticeship.public_id,
                "apprentice": row.apprenticeship.apprentice,
                "employer": row.apprenticeship.employer,
                "tutor": row.apprenticeship.tutor,
                "due": due_data(row.due, today),
                "scheduled": row.scheduled,
                "awaiting_signatures": [
                    {
                        "review": str(r.public_id),
                        "held_on": r.held_on.isoformat() if r.held_on else None,
                        "missing": [p.value for p in missing],
                    }
                    for r, missing in row.awaiting
                ],
            }
            for row in page
        ]
        return self.get_paginated_response(ScheduleRowOut(data, many=True).data)


class PolicyView(GenericAPIView[Any]):
    serializer_class = PolicyIn

    def _provider(self, request: Request, public_id: uuid.UUID) -> Any:
        provider = organisation_get_for_user(user=request.user, public_id=public_id)
        if not provider.is_provider:
            raise Http404("Not found.")
        if not user_is_admin_of(user=request.user, provider=provider):
            raise PermissionDenied("The review interval is set by the provider's admins.")
        return provider

    @extend_schema(operation_id="progress_review_policy_retrieve", responses=PolicyOut, tags=TAGS)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = self._provider(request, public_id)
        return Response(PolicyOut({"interval_months": policy_for(provider=provider).interval_months}).data)

    @extend_schema(operation_id="progress_review_policy_update", request=PolicyIn, responses=PolicyOut, tags=TAGS,
                   description="Review each apprentice at least every 1 to 3 months (3: the rules).")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = self._provider(request, public_id)
        data = PolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        policy = progress_policy_update(actor=request.user, provider=provider, **data.validated_data)
        return Response(PolicyOut({"interval_months": policy.interval_months}).data)


class IntervalView(GenericAPIView[AgreedReviewInterval]):
    serializer_class = IntervalIn

    @extend_schema(operation_id="progress_review_interval_retrieve", responses=IntervalOut, tags=TAGS,
                   description="The apprenticeship's agreed longer interval; 404 when it has none.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        agreed = (
            AgreedReviewInterval.objects.filter(apprenticeship=apprenticeship).select_related("recorded_by").first()
        )
        if agreed is None:
            raise Http404("No agreed interval.")
        return Response(IntervalOut(agreed).data)

    @extend_schema(operation_id="progress_review_interval_set", request=IntervalIn, responses=IntervalOut, tags=TAGS,
                   description="Record a longer interval (4 to 12 months) agreed with the employer, with the evidenced "
                   "reason (the provider's assessors, tutors and admins).")  # fmt: skip
    def put(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = IntervalIn(data=request.data)
        data.is_valid(raise_exception=True)
        agreed = agreed_interval_set(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(IntervalOut(agreed).data)

    @extend_schema(operation_id="progress_review_interval_clear", responses={204: None}, tags=TAGS,
                   description="Remove the agreed interval: the provider's applies again.")  # fmt: skip
    def delete(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        agreed_interval_clear(actor=request.user, apprenticeship=apprenticeship)
        return Response(status=status.HTTP_204_NO_CONTENT)
