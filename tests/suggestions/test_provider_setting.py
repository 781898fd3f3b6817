"""Suggestions are on by default and off when the provider's admin turns them off: then nothing is made,
stored, shown or answered, and what was stored is deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from portfolio.audit.models import AuditEntry
from portfolio.suggestions.models import Suggestion, SuggestionRun
from portfolio.suggestions.selectors import suggestions_enabled
from portfolio.suggestions.services.settings import suggestion_setting_update
from portfolio.suggestions.services.suggestions import evidence_suggestions_current, evidence_suggestions_refresh
from tests.factories import EvidenceFactory, make_route_world, make_world

RIGGING = "I rigged the truss and the chain hoists."


@pytest.mark.django_db
def test_turned_off_nothing_is_made_shown_or_answered(client: Client) -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Rigging the truss", reflection=RIGGING, tags=(), files=0
    )
    assert evidence_suggestions_current(evidence=evidence).suggestions  # on by default: made and stored
    assert Suggestion.objects.filter(evidence=evidence).exists()

    suggestion_setting_update(actor=world.admin, provider=world.provider, enabled=False)

    assert not Suggestion.objects.filter(evidence=evidence).exists()
    assert not SuggestionRun.objects.filter(evidence=evidence).exists()
    assert evidence_suggestions_refresh(evidence_id=evidence.pk) is None
    assert not Suggestion.objects.filter(evidence=evidence).exists()
    client.force_login(world.apprentice)
    body = client.get(f"/api/evidence/{evidence.public_id}/suggestions/").json()
    assert body == {"enabled": False, "model": None, "computed_at": None, "suggestions": []}
    page = client.get(f"/evidence/{evidence.public_id}/tags/").content.decode()
    assert "Suggested for this evidence" not in page
    assert 'value="K2"' in page  # the picker itself works as before
    assert AuditEntry.objects.filter(action="suggestions.disabled").count() == 1

    suggestion_setting_update(actor=world.admin, provider=world.provider, enabled=True)
    assert client.get(f"/api/evidence/{evidence.public_id}/suggestions/").json()["suggestions"][0]["statement"] == "K2"


@pytest.mark.django_db
def test_the_admin_turns_them_off_on_the_settings_page_linked_from_the_start_page(client: Client) -> None:
    world = make_route_world()
    client.force_login(world.admin)
    assert 'href="/settings/suggestions/"' in client.get("/").content.decode()
    assert "On (the default)" in client.get("/settings/suggestions/").content.decode()

    answer = client.post("/settings/suggestions/", {"provider": str(world.provider.public_id), "enabled": "off"})

    assert answer.status_code == 302
    assert suggestions_enabled(provider_id=world.provider.pk) is False
    missing = client.post("/settings/suggestions/", {"provider": str(world.provider.public_id)})
    assert missing.status_code == 400
    assert "on or off" in missing.content.decode()
    assert suggestions_enabled(provider_id=world.provider.pk) is False


@pytest.mark.django_db
def test_another_providers_admin_cannot_change_it(client: Client) -> None:
    world = make_route_world()
    other = make_world()
    client.force_login(other.admin)

    answer = client.post("/settings/suggestions/", {"provider": str(world.provider.public_id), "enabled": "off"})

    assert answer.status_code == 400
    assert suggestions_enabled(provider_id=world.provider.pk) is True
    with pytest.raises(PermissionDenied):
        suggestion_setting_update(actor=other.admin, provider=world.provider, enabled=False)
    with pytest.raises(PermissionDenied):
        suggestion_setting_update(actor=world.tutor, provider=world.provider, enabled=False)
    assert suggestions_enabled(provider_id=world.provider.pk) is True
