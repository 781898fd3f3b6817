"""The OTJ pages through Django's test client: the same services behind them, refusals shown next to the field
with nothing saved, links from where each role stands, and another organisation's records answering 404."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.otj.services.decisions import otj_activity_approve
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Apprenticeship, BreakInLearning
from tests.factories import World, build_world
from tests.otj.helpers import D, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[World, World]:
    own, other = build_world()
    own.apprentice.first_name, own.apprentice.last_name = "Alex", "Morgan"
    own.apprentice.save()
    return own, other


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.content.decode())))


def _entry_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "activity_type": "mentoring", "hours": "1", "minutes": "30", "date": "2025-10-06", "start_time": "09:00",
        "description": "Mentoring on planning a shoot.",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_apprentice_reaches_the_log_from_the_start_page_and_logs(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.apprentice)
    start = client.get("/").content.decode()
    assert reverse("otj-mine-page") in start
    assert "Log off-the-job hours" in start
    response = client.get(reverse("otj-mine-page"))
    log_url = reverse("otj-log-page", args=[own.apprenticeship.public_id])
    assert response["Location"] == log_url
    page = client.get(log_url)
    assert (
        'value="taught_session" class="choice-chips" id="id_activity_type_0" required checked' in page.content.decode()
    )
    created = client.post(log_url, _entry_data())
    assert created.status_code == 302
    entry = OtjActivity.objects.get()
    assert (entry.minutes, entry.activity_type, entry.logged_by) == (90, "mentoring", own.apprentice)
    # The last kind logged is the next default.
    assert (
        'value="mentoring" class="choice-chips" id="id_activity_type_3" required checked'
        in client.get(log_url).content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "", "minutes": ""}, "Give the time it took: hours, minutes or both."),
        ({"hours": "25"}, "Ensure this value is less than or equal to 24."),
        ({"hours": "24", "minutes": "30"}, "One entry can be at most 24 hours; you gave 24 h 30 min."),
        ({"date": "2025-08-01"}, "1 Aug 2025 is before the apprenticeship started (1 Sep 2025)"),
        ({"date": "2099-01-01"}, "1 Jan 2099 at 09:00 is in the future"),
        ({"start_time": "09:30"}, "This overlaps the taught session logged for 6 Oct 2025 from 09:00 to 10:00"),
    ],
)
def test_a_refused_entry_is_explained_at_the_top_and_nothing_is_saved(
    client: Client, worlds: Any, overrides: dict[str, str], message: str
) -> None:
    own, _ = worlds
    log(own, at="09:00", minutes=60)
    client.force_login(own.apprentice)
    response = client.post(reverse("otj-log-page", args=[own.apprenticeship.public_id]), _entry_data(**overrides))
    assert response.status_code == 400
    assert "There is a problem" in _text(response)
    assert message in _text(response)
    assert OtjActivity.objects.count() == 1


def test_staff_log_on_behalf_and_employer_contacts_only_read(client: Client, worlds: Any) -> None:
    own, _ = worlds
    url = reverse("otj-log-page", args=[own.apprenticeship.public_id])
    client.force_login(own.tutor)
    assert "Log an activity for Alex Morgan" in _text(client.get(url))
    assert client.post(url, _entry_data()).status_code == 302
    assert OtjActivity.objects.get().logged_by == own.tutor
    client.force_login(own.line_manager)
    page = client.get(url)
    assert page.status_code == 200
    assert "Log an activity" not in _text(page)
    assert client.post(url, _entry_data(date="2025-10-07")).status_code == 403


def test_staff_reach_the_queue_from_the_start_page_with_a_count_and_approve_all(client: Client, worlds: Any) -> None:
    own, other = worlds
    entries = [log(own, on=D(2025, 10, day)) for day in (6, 7, 8)]
    log(other)
    client.force_login(own.assessor)
    start = _text(client.get("/"))
    assert "OTJ entries to approve 3 waiting" in start
    queue = client.get(reverse("otj-queue-page"))
    assert _text(queue).count("Alex Morgan: taught session, 1 h") == 3
    boxes = [f"{e.public_id}:{e.version}" for e in entries]
    done = client.post(reverse("otj-queue-page"), {"item": boxes}, follow=True)
    assert "Approved 3 of 3." in _text(done)
    assert set(OtjActivity.objects.filter(apprenticeship=own.apprenticeship).values_list("state", flat=True)) == {
        "approved"
    }
    assert "OTJ entries to approve 0" not in _text(client.get("/"))  # "None waiting"


def test_the_queue_filters_by_tutor_and_apprentice(client: Client, worlds: Any) -> None:
    own, _ = worlds
    log(own)
    Apprenticeship.objects.filter(pk=own.apprenticeship.pk).update(tutor=own.tutor)
    client.force_login(own.assessor)
    url = reverse("otj-queue-page")
    assert "Alex Morgan" in _text(client.get(url, {"tutor": own.tutor.public_id}))
    assert "Nothing is waiting for approval with these filters" in _text(
        client.get(url, {"tutor": own.assessor.public_id})
    )
    chosen = client.get(url, {"apprenticeship": own.apprenticeship.public_id})
    assert "Alex Morgan: taught" in _text(chosen)
    assert f'<option value="{own.apprenticeship.public_id}" selected>' in chosen.content.decode()


def test_the_queue_s_apprentice_filter_offers_only_your_own_and_ignores_others(client: Client, worlds: Any) -> None:
    own, other = worlds
    log(own)
    client.force_login(own.assessor)
    url = reverse("otj-queue-page")
    for value in (other.apprenticeship.public_id, "not-an-id", ""):
        page = client.get(url, {"apprenticeship": value}).content.decode()
        assert "Alex Morgan: taught" in page  # the filter ignored: every entry shown
        assert " selected>" not in page.split('id="filter-apprenticeship"', 1)[1].split("</select>", 1)[0]
        assert str(other.apprenticeship.public_id) not in page.replace(f"apprenticeship={value}", "")


def test_declining_on_the_entry_page_needs_a_comment(client: Client, worlds: Any) -> None:
    own, _ = worlds
    entry = log(own)
    url = reverse("otj-entry-page", args=[entry.public_id])
    client.force_login(own.tutor)
    refused = client.post(url, {"action": "decline", "comment": "", "expected_version": entry.version})
    assert refused.status_code == 400
    assert "Write a comment saying why it is declined" in _text(refused)
    assert OtjActivity.objects.get().state == "pending"
    client.post(url, {"action": "decline", "comment": "Normal work.", "expected_version": entry.version})
    assert OtjActivity.objects.get().state == "declined"
    page = _text(client.get(url))
    assert "Reverse: approve it" in page
    client.post(url, {"action": "reverse", "comment": "It was training.", "expected_version": entry.version + 1})
    assert OtjActivity.objects.get().state == "approved"
    # The apprentice reads the decision, and cannot decide.
    client.force_login(own.apprentice)
    assert "It was training." in _text(client.get(url))
    assert client.post(url, {"action": "approve"}).status_code == 403


def test_the_logger_changes_and_deletes_a_pending_entry_only(client: Client, worlds: Any) -> None:
    own, _ = worlds
    entry = log(own)
    client.force_login(own.apprentice)
    edit = reverse("otj-entry-edit-page", args=[entry.public_id])
    assert 'name="hours" value="1"' in client.get(edit).content.decode()
    assert client.post(edit, _entry_data(hours="2", minutes="0")).status_code == 302
    assert OtjActivity.objects.get().minutes == 120
    otj_activity_approve(actor=own.assessor, activity=entry)
    assert client.get(edit).status_code == 302  # approved: back to the entry, with a message
    assert OtjActivity.objects.get().minutes == 120
    second = log(own, on=D(2025, 10, 7))
    delete = reverse("otj-entry-delete-page", args=[second.public_id])
    assert "Delete the taught session of 7 October 2025?" in _text(client.get(delete))
    assert client.post(delete).status_code == 302
    assert OtjActivity.objects.count() == 1


def test_the_progress_and_apprenticeship_pages_show_the_summary(client: Client, worlds: Any) -> None:
    own, _ = worlds
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 278})
    otj_activity_approve(actor=own.tutor, activity=log(own, at="09:00", minutes=12 * 60))
    client.force_login(own.line_manager)
    for url in (
        reverse("progress-page", args=[own.apprenticeship.public_id]),
        reverse("apprenticeship-detail-page", args=[own.apprenticeship.public_id]),
    ):
        page = _text(client.get(url))
        assert "OTJ 12 of 278 h: 266 h to go" in page
        assert reverse("otj-log-page", args=[own.apprenticeship.public_id]) in client.get(url).content.decode()


def test_the_admin_sets_minimums_on_the_page_and_imports_a_csv(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.admin)
    assert reverse("otj-minimums-page") in client.get("/").content.decode()
    page = client.get(reverse("otj-minimums-page"))
    field = f"standard_{own.standard.public_id}"
    assert f'name="{field}"' in page.content.decode()
    assert client.post(reverse("otj-minimums-page"), {field: "278"}).status_code == 302
    assert OtjMinimum.objects.get().minimum_hours == 278
    bad = SimpleUploadedFile("m.csv", f"{own.standard.reference},2.0,300\nST0000,1.0,10\n".encode(), "text/csv")
    refused = client.post(reverse("otj-minimums-import-page"), {"file": bad})
    assert refused.status_code == 400
    assert "Line 2: ST0000 v1.0 is not in the standards catalogue" in _text(refused)
    assert OtjMinimum.objects.get().minimum_hours == 278
    good = SimpleUploadedFile("m.csv", f"{own.standard.reference},2.0,300\n".encode(), "text/csv")
    assert client.post(reverse("otj-minimums-import-page"), {"file": good}).status_code == 302
    assert OtjMinimum.objects.get().minimum_hours == 300


def test_the_admin_edits_the_plan_and_records_a_break(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.admin)
    edit = reverse("apprenticeship-edit-page", args=[own.apprenticeship.public_id])
    data = {
        "option": str(own.apprenticeship.option.public_id), "start_date": "2025-09-01",
        "planned_end_date": "2027-08-31", "status": "in_learning", "tutor": "", "assessor": "", "line_manager": "",
        "mentor": "", "otj_planned_hours": "400", "rpl_hours": "20", "rpl_reason": "", "date_of_birth": "2008-02-29",
        "english_maths": "pending", "english_maths_reason": "",
    }  # fmt: skip
    refused = client.post(edit, data)
    assert "Say what prior learning was recognised" in _text(refused)
    data["rpl_reason"] = "Level 3 certificate."
    assert client.post(edit, data).status_code == 302
    own.apprenticeship.refresh_from_db()
    assert (own.apprenticeship.otj_planned_hours, own.apprenticeship.rpl_hours) == (400, 20)
    assert own.apprenticeship.date_of_birth == D(2008, 2, 29)
    breaks = reverse("apprenticeship-breaks-page", args=[own.apprenticeship.public_id])
    assert (
        breaks
        in client.get(reverse("apprenticeship-detail-page", args=[own.apprenticeship.public_id])).content.decode()
    )
    refused = client.post(breaks, {"start-started_on": "2025-08-01"})
    assert "A break cannot start before the apprenticeship did (1 Sep 2025)." in _text(refused)
    assert client.post(breaks, {"start-started_on": "2026-01-05", "start-reason": "Illness"}).status_code == 302
    assert Apprenticeship.objects.get(pk=own.apprenticeship.pk).status == "break_in_learning"
    assert "End the break that started on 5 January 2026" in _text(client.get(breaks))
    assert client.post(breaks, {"end-ended_on": "2026-02-01"}).status_code == 302
    assert BreakInLearning.objects.get().ended_on == D(2026, 2, 1)
    assert Apprenticeship.objects.get(pk=own.apprenticeship.pk).status == "in_learning"


def test_another_organisations_people_get_404_on_every_otj_object_page(client: Client, worlds: Any) -> None:
    own, other = worlds
    entry = log(own)
    pages = [
        reverse("otj-log-page", args=[own.apprenticeship.public_id]),
        reverse("otj-entry-page", args=[entry.public_id]),
        reverse("otj-entry-edit-page", args=[entry.public_id]),
        reverse("otj-entry-delete-page", args=[entry.public_id]),
    ]
    breaks = reverse("apprenticeship-breaks-page", args=[own.apprenticeship.public_id])
    for user in (other.apprentice, other.line_manager, other.tutor, other.admin):
        client.force_login(user)
        # The breaks page is an admin page: anyone who administers no provider is refused before any lookup.
        admin_pages = [*pages, breaks] if user == other.admin else pages
        for method in ("get", "post"):
            statuses = {url: getattr(client, method)(url).status_code for url in admin_pages}
            assert statuses == dict.fromkeys(admin_pages, 404)
    client.force_login(other.assessor)
    assert "Alex Morgan" not in _text(client.get(reverse("otj-queue-page")))
