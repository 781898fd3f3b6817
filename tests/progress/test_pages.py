"""The pages: scheduling and recording a review through its forms, the cohort's next review and overdue flag
(page, CSV and API, one filter), and the start pages' reviews to sign."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ProgressReview, ReviewAction
from tests.factories import ApprenticeshipFactory, World
from tests.progress.helpers import hold, review_world, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return review_world()


def test_the_tutor_schedules_then_records_a_review_through_the_forms(world: World, client: Client) -> None:
    client.force_login(world.tutor)
    schedule_url = f"/progress-reviews/apprenticeships/{world.apprenticeship.public_id}/"
    refused = client.post(schedule_url, {"action": "schedule", "time": "10:00"})
    assert refused.status_code == 400
    assert "Give the date of the review." in refused.content.decode()
    day = timezone.localdate() + datetime.timedelta(days=1)
    chosen = {"reviewer": world.tutor.pk, "employer_contact": world.line_manager.pk}
    done = client.post(schedule_url, {"action": "schedule", "date": day.isoformat(), "time": "10:00", **chosen})
    review = ProgressReview.objects.get()
    assert done["Location"] == f"/progress-reviews/{review.public_id}/"
    assert timezone.localtime(review.scheduled_for).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 10:00"

    form = client.get(f"/progress-reviews/{review.public_id}/record/").content.decode()
    assert "Coverage by assessment outcome" in form  # the pre-filled record
    held = client.post(f"/progress-reviews/{review.public_id}/record/", {
        "held_on": timezone.localdate().isoformat(),
        "apprentice_progress": "Ran the get-in.", "provider_next_steps": "Unit 4.",
        "actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Book the lighting course", "actions-0-owner": "apprentice",
        "actions-0-due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "outcomes-TOTAL_FORMS": "0", "outcomes-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert held.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.reviewer) == ("awaiting_signatures", world.tutor)
    assert ReviewAction.objects.get(review=review).description == "Book the lighting course"
    assert review.record is not None


def _api(client: Client, params: dict[str, str]) -> set[str]:
    return {row["id"] for row in client.get("/api/cohort/", params).json()["results"]}


def _page(client: Client, params: dict[str, str]) -> set[str]:
    html = client.get("/cohort/", params).content.decode()
    return {str(a.public_id) for a in Apprenticeship.objects.all() if f'data-apprenticeship="{a.public_id}"' in html}


def _csv(client: Client, params: dict[str, str]) -> dict[str, dict[str, str]]:
    response = client.get("/cohort/", {**params, "format": "csv"})
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return {row["email"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_cohort_shows_and_filters_the_next_review_and_the_overdue(world: World, client: Client) -> None:
    hold(world)  # reviewed today: the next one is due in three months
    late = ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=world.standard)
    Apprenticeship.objects.filter(pk=late.pk).update(start_date=timezone.localdate() - datetime.timedelta(days=200))
    client.force_login(world.tutor)

    rows = {row["id"]: row for row in client.get("/api/cohort/").json()["results"]}
    assert rows[str(late.public_id)]["review_overdue"] is True
    assert rows[str(world.apprenticeship.public_id)]["review_overdue"] is False
    assert rows[str(world.apprenticeship.public_id)]["next_review_due"] > timezone.localdate().isoformat()

    overdue, on_time = {str(late.public_id)}, {str(world.apprenticeship.public_id)}
    for value, expected in (("true", overdue), ("false", on_time), ("", overdue | on_time)):
        params = {"review_overdue": value}
        assert _api(client, params) == expected, value
        assert _page(client, params) == expected, value
        assert {r["email"] for r in _csv(client, params).values()} == {
            a.apprentice.email for a in Apprenticeship.objects.filter(public_id__in=expected)
        }, value
    by_email = _csv(client, {})
    assert by_email[late.apprentice.email]["progress review overdue"] == "yes"
    assert by_email[world.apprentice.email]["progress review overdue"] == "no"
    refused = client.get("/api/cohort/", {"review_overdue": "maybe"})
    assert (refused.status_code, list(refused.json()["details"])) == (400, ["review_overdue"])


def test_the_apprentices_start_page_shows_the_next_review_scheduled(world: World, client: Client) -> None:
    client.force_login(world.apprentice)
    assert "Next on" not in client.get("/").content.decode()
    review = schedule(world, days_ahead=9)
    page = client.get("/").content.decode()
    assert f"Next on {timezone.localtime(review.scheduled_for):%-d %b %Y, %H:%M}." in page


def test_the_start_pages_show_the_reviews_to_sign(world: World, client: Client) -> None:
    review = hold(world)
    sign = f"/progress-reviews/{review.public_id}/sign/"
    for person, words in ((world.apprentice, "Sign your progress review"),
                          (world.line_manager, "Sign the progress review of Alex Morgan")):  # fmt: skip
        client.force_login(person)
        page = client.get("/").content.decode()
        assert words in page
        assert sign in page
    client.force_login(world.tutor)  # the reviewer signs too, and sees the list's counts
    page = client.get("/").content.decode()
    assert sign in page
    assert "0 overdue, 1 awaiting signatures" in page
