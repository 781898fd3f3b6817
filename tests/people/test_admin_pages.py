"""The provider admin's pages, through Django's test client: what the services refuse is shown next to the
field it concerns, nothing is written on a refusal, and the pages keep to the admin's own provider."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portfolio.people.models import Apprenticeship, Invitation, Membership
from portfolio.people.services.invitations import invitation_create
from tests.factories import StandardFactory, build_world, make_world

# Invitation mail goes through the outbox; its send task runs in process, into mail.outbox.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_in_process")]

CREATE = "/apprenticeships/new/"


def _create_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "apprentice_email": "new.apprentice@example.org",
        "apprentice_first_name": "Ada",
        "apprentice_last_name": "Byrne",
        "provider": str(world.provider.public_id),
        "employer": str(world.employer.public_id),
        "standard": str(world.standard.public_id),
        "option": str(world.standard.options.first().public_id),
        "start_date": "2025-09-01",
        "planned_end_date": "2027-06-30",
        "tutor": "",
        "assessor": str(world.assessor.public_id),
        "line_manager": "",
        "mentor": "",
    }
    data.update(overrides)
    return data


def _field_error(page: str, field: str) -> str:
    """The text of the error shown next to a field (registration/_field.html), or '' when there is none."""
    marker = f'<p class="error" id="id_{field}_error">'
    if marker not in page:
        return ""
    shown = page.split(marker, 1)[1].split("</p>", 1)[0]
    return html.unescape(re.sub(r"<[^>]*>", "", shown)).removeprefix("Error:").strip()


def test_the_admin_creates_an_apprenticeship_and_the_apprentice_is_emailed(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    world = make_world()
    client.force_login(world.admin)
    assert client.get(CREATE).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, _create_data(world))

    apprenticeship = Apprenticeship.objects.get(apprentice__email="new.apprentice@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("apprenticeship-detail-page", args=[apprenticeship.public_id])
    assert apprenticeship.assessor == world.assessor
    assert apprenticeship.apprentice.get_full_name() == "Ada Byrne"
    assert [m.to for m in mail.outbox] == [["new.apprentice@example.org"]]
    detail = client.get(response["Location"]).content.decode()
    assert "We emailed new.apprentice@example.org an invitation." in detail
    assert "Invite a line manager at" in detail  # the next step is on the page


def test_an_option_of_another_standard_is_refused_next_to_the_option(client: Client) -> None:
    world = make_world()
    elsewhere = StandardFactory.create(options=("Elsewhere",))
    client.force_login(world.admin)

    response = client.post(CREATE, _create_data(world, option=str(elsewhere.options.get().public_id)))

    assert response.status_code == 200
    assert "is an option of another standard" in _field_error(response.content.decode(), "option")
    assert not Apprenticeship.objects.filter(apprentice__email="new.apprentice@example.org").exists()


def test_a_standard_with_options_needs_one(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)

    response = client.post(CREATE, _create_data(world, option=""))

    assert "has options; choose one: Route A, Route B" in _field_error(response.content.decode(), "option")
    assert not Apprenticeship.objects.filter(apprentice__email="new.apprentice@example.org").exists()


def test_the_option_list_offers_only_the_chosen_standards_options(client: Client) -> None:
    world = make_world()
    StandardFactory.create(options=("Elsewhere",))
    client.force_login(world.admin)

    page = client.get(CREATE, {"standard": str(world.standard.public_id)}).content.decode()

    assert "Route A" in page
    assert "Elsewhere" not in page


def test_dates_in_the_wrong_order_are_refused_next_to_the_end_date(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)

    response = client.post(CREATE, _create_data(world, start_date="2027-06-30", planned_end_date="2025-09-01"))

    assert "must be after the start date" in _field_error(response.content.decode(), "planned_end_date")
    assert not Apprenticeship.objects.filter(apprentice__email="new.apprentice@example.org").exists()


def test_a_person_from_another_provider_cannot_be_assigned(client: Client) -> None:
    own, other = build_world()
    client.force_login(own.admin)

    response = client.post(CREATE, _create_data(own, tutor=str(other.tutor.public_id)))

    page = response.content.decode()
    assert "Choose a tutor from the list" in _field_error(page, "tutor")
    assert other.tutor.email not in page  # not offered either
    assert not Apprenticeship.objects.filter(apprentice__email="new.apprentice@example.org").exists()


def test_another_providers_employer_cannot_be_chosen(client: Client) -> None:
    own, other = build_world()
    client.force_login(own.admin)

    response = client.post(CREATE, _create_data(own, employer=str(other.employer.public_id)))

    assert "Choose one of your provider's employers." in _field_error(response.content.decode(), "employer")


def _edit_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "option": str(world.standard.options.last().public_id),
        "start_date": "2025-09-01",
        "planned_end_date": "2027-08-31",
        "status": "in_learning",
        "tutor": str(world.tutor.public_id),
        "assessor": str(world.assessor.public_id),
        "line_manager": str(world.line_manager.public_id),
        "mentor": "",
    }
    data.update(overrides)
    return data


def test_the_admin_edits_an_apprenticeship(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    url = reverse("apprenticeship-edit-page", args=[world.apprenticeship.public_id])
    assert 'value="2025-09-01"' in client.get(url).content.decode()

    response = client.post(url, _edit_data(world))

    assert response.status_code == 302
    world.apprenticeship.refresh_from_db()
    assert world.apprenticeship.option == world.standard.options.last()
    assert (world.apprenticeship.tutor, world.apprenticeship.line_manager) == (world.tutor, world.line_manager)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"option": "other-standard"}, "option", "is an option of another standard"),
        ({"option": ""}, "option", "has options; choose one"),
        ({"start_date": "2028-01-01"}, "planned_end_date", "must be after the start date"),
        ({"assessor": "other-world"}, "assessor", "Choose an assessor from the list"),
        ({"line_manager": "assessor"}, "line_manager", "Choose a line manager from the list"),
    ],
)
def test_edit_refusals_are_shown_next_to_the_field_and_nothing_changes(
    client: Client, overrides: dict[str, str], field: str, message: str
) -> None:
    own, other = build_world()
    values = {
        "other-standard": lambda: str(StandardFactory.create(options=("Elsewhere",)).options.get().public_id),
        "other-world": lambda: str(other.assessor.public_id),
        "assessor": lambda: str(own.assessor.public_id),  # a person of the wrong role
    }
    resolved = {key: values[value]() if value in values else value for key, value in overrides.items()}
    client.force_login(own.admin)
    before = Apprenticeship.objects.values().get(pk=own.apprenticeship.pk)

    response = client.post(
        reverse("apprenticeship-edit-page", args=[own.apprenticeship.public_id]), _edit_data(own, **resolved)
    )

    assert response.status_code == 200
    assert message in _field_error(response.content.decode(), field)
    assert Apprenticeship.objects.values().get(pk=own.apprenticeship.pk) == before


def test_the_admin_invites_an_employer_contact(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    world = make_world()
    client.force_login(world.admin)
    url = reverse("invitation-create-page")
    prefilled = client.get(url, {"organisation": str(world.employer.public_id), "role": "line_manager"})
    assert f'<option value="{world.employer.public_id}" selected>' in prefilled.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Line.Manager@Example.org",
                "role": "line_manager",
                "organisation": str(world.employer.public_id),
            },
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="line.manager@example.org")
    assert (invitation.role, invitation.organisation) == ("line_manager", world.employer)
    assert [m.to for m in mail.outbox] == [["line.manager@example.org"]]
    listed = client.get(reverse("invitation-list-page")).content.decode()
    assert "line.manager@example.org" in listed


def test_a_role_that_does_not_belong_to_the_organisation_is_refused_next_to_the_role(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)

    response = client.post(
        reverse("invitation-create-page"),
        {"email": "x@example.org", "role": "tutor", "organisation": str(world.employer.public_id)},
    )

    assert "is not a role at an employer" in _field_error(response.content.decode(), "role")
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_the_apprentices_invitation_is_resent_from_the_apprenticeship(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    world = make_world()
    world.apprentice.set_unusable_password()
    world.apprentice.save()
    client.force_login(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-create-page"),
            {"role": "apprentice", "apprenticeship": str(world.apprenticeship.public_id)},
        )

    assert response["Location"] == reverse("apprenticeship-detail-page", args=[world.apprenticeship.public_id])
    assert [m.to for m in mail.outbox] == [[world.apprentice.email]]


def test_revoking_asks_first_then_the_link_stops_working(client: Client) -> None:
    world = make_world()
    issued = invitation_create(actor=world.admin, email="t@example.org", role="tutor", organisation=world.provider)
    client.force_login(world.admin)
    url = reverse("invitation-revoke-page", args=[issued.invitation.public_id])

    asked = client.get(url).content.decode()
    assert "Revoke the invitation to t@example.org?" in asked
    assert Invitation.objects.get(pk=issued.invitation.pk).revoked_at is None

    done = client.post(url, follow=True).content.decode()

    assert Invitation.objects.get(pk=issued.invitation.pk).revoked_at is not None
    assert "Invitation to t@example.org revoked" in done
    assert client.get(reverse("invitation-accept", kwargs={"token": issued.token})).status_code == 400


def test_deactivating_asks_first_then_the_membership_is_inactive(client: Client) -> None:
    world = make_world()
    membership = Membership.objects.get(user=world.mentor)
    client.force_login(world.admin)
    url = reverse("membership-deactivate-page", args=[membership.public_id])
    listed = client.get(reverse("membership-list-page")).content.decode()
    assert url in listed
    assert world.employer.name in listed

    assert "Yes, deactivate" in client.get(url).content.decode()
    membership.refresh_from_db()
    assert membership.is_active

    done = client.post(url, follow=True).content.decode()

    membership.refresh_from_db()
    assert not membership.is_active
    assert "is no longer workplace mentor" in done


def test_an_admin_cannot_deactivate_their_own_admin_role(client: Client) -> None:
    world = make_world()
    membership = Membership.objects.get(user=world.admin)
    client.force_login(world.admin)

    done = client.post(reverse("membership-deactivate-page", args=[membership.public_id]), follow=True)

    membership.refresh_from_db()
    assert membership.is_active
    assert "You cannot remove your own admin role" in done.content.decode()


def _object_pages(world: Any) -> list[str]:
    issued = invitation_create(actor=world.admin, email="p@example.org", role="tutor", organisation=world.provider)
    return [
        reverse("apprenticeship-edit-page", args=[world.apprenticeship.public_id]),
        reverse("invitation-revoke-page", args=[issued.invitation.public_id]),
        reverse("membership-deactivate-page", args=[Membership.objects.get(user=world.mentor).public_id]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_providers_admin_gets_404_on_every_object_page(client: Client, method: str) -> None:
    own, other = build_world()
    pages = _object_pages(own)
    client.force_login(other.admin)

    statuses = {url: getattr(client, method)(url).status_code for url in pages}

    assert statuses == dict.fromkeys(pages, 404)
    assert Membership.objects.get(user=own.mentor).is_active
    assert not Invitation.objects.filter(email="p@example.org", revoked_at__isnull=False).exists()


@pytest.mark.parametrize("who", ["apprentice", "tutor", "assessor", "line_manager", "mentor"])
def test_people_who_are_not_admins_get_403_on_every_admin_page(client: Client, who: str) -> None:
    world = make_world()
    pages = [
        CREATE,
        reverse("invitation-list-page"),
        reverse("invitation-create-page"),
        reverse("membership-list-page"),
        *_object_pages(world),
    ]
    client.force_login(getattr(world, who))

    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 403)
    writable = [url for url in pages if url not in {reverse("invitation-list-page"), reverse("membership-list-page")}]
    assert {url: client.post(url).status_code for url in writable} == dict.fromkeys(writable, 403)


def test_the_admin_start_page_counts_what_needs_doing(client: Client) -> None:
    own, other = build_world()  # the other provider's apprenticeship and invitation must not count
    for world in (own, other):
        invitation_create(actor=world.admin, email="w@example.org", role="tutor", organisation=world.provider)
    own.apprenticeship.assessor = own.assessor
    own.apprenticeship.save()
    client.force_login(own.admin)

    page = client.get("/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert "Pending invitations 1 waiting" in text
    assert "Apprenticeships without an assessor None" in text
    assert "Apprenticeships without a line manager 1 to assign" in text
    assert "/apprenticeships/?missing=line_manager" in page
    missing = client.get("/apprenticeships/?missing=line_manager").content.decode()
    assert reverse("apprenticeship-detail-page", args=[own.apprenticeship.public_id]) in missing
    assert reverse("apprenticeship-detail-page", args=[other.apprenticeship.public_id]) not in missing
    no_assessor = client.get("/apprenticeships/?missing=assessor").content.decode()
    assert "Every running apprenticeship has one." in no_assessor
