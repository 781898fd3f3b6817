"""The embedded default (SQLite, `make run`) serves every role's most used pages: nothing on them relies on
PostgreSQL alone (the start pages' heads and counts, the compiled scoped reads)."""

from __future__ import annotations

from pathlib import Path

from tests.embedded import SETUP, run_embedded

SCRIPT = (
    SETUP
    + """
from django.test import Client

from portfolio.coverage.services.compute import coverage_recompute
from tests.factories import EvidenceFactory, make_catalogue, make_world

catalogue = make_catalogue()
world = make_world(standard=catalogue.standard)
a = world.apprenticeship
a.option = catalogue.route_a
a.save()
EvidenceFactory.create(apprenticeship=a, title="Site survey", tags=("K1", "K2"), state="accepted")
EvidenceFactory.create(apprenticeship=a, title="Wiring log", tags=("S1",), state="submitted")
EvidenceFactory.create(apprenticeship=a, title="Team talk", tags=("K3",), state="confirmed")
coverage_recompute(apprenticeship_ids=[a.pk])
pages = {
    "apprentice": ["/", f"/progress/{a.public_id}/", f"/apprenticeships/{a.public_id}/evidence/", "/evidence/",
                   f"/api/apprenticeships/{a.public_id}/coverage/"],
    "tutor": ["/", "/cohort/", "/cohort/?format=csv", "/cohort/heatmap/", "/reviews/acceptance/", "/api/cohort/",
              f"/progress/{a.public_id}/", f"/api/apprenticeships/{a.public_id}/coverage/"],
    "line_manager": ["/", "/reviews/confirmation/", "/cohort/"],
    "admin": ["/"],
}
found = {}
for role, urls in pages.items():
    client = Client(SERVER_NAME="localhost")  # an allowed host of the DEBUG settings
    client.force_login(getattr(world, role))
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found[f"{role} {url}"] = [response.status_code, body.decode()]
print(json.dumps({"found": found, "apprentice": world.apprentice.display_name}))
"""
)


def test_the_embedded_default_serves_each_roles_pages(tmp_path: Path) -> None:
    got = run_embedded(SCRIPT, tmp_path)
    for page, (status, _) in got["found"].items():
        assert status == 200, page
    name = got["apprentice"]
    # The lists and heads the start pages read are there: the item waiting for each reviewer, the apprentice.
    assert "Wiring log" in got["found"]["line_manager /"][1]
    assert "Team talk" in got["found"]["tutor /"][1]
    assert name in got["found"]["tutor /cohort/heatmap/"][1]
    assert "Site survey" in got["found"]["apprentice /"][1] or "Wiring log" in got["found"]["apprentice /"][1]
