"""The embedded default (SQLite) answers the coverage API as PostgreSQL does: the explanation read in one query
(SQLite keeps public ids as 32 hex digits: the answer writes them as UUIDs), kept, and sent again as kept."""

from __future__ import annotations

from pathlib import Path

from tests.embedded import SETUP, run_embedded

SCRIPT = (
    SETUP
    + """
from django.test import Client

from portfolio.coverage.models import CoverageExplanation
from portfolio.coverage.services.compute import coverage_recompute
from tests.factories import EvidenceFactory, make_catalogue, make_world

catalogue = make_catalogue()
world = make_world(standard=catalogue.standard)
a = world.apprenticeship
a.option = catalogue.route_a
a.save()
survey = EvidenceFactory.create(apprenticeship=a, title="Site survey", tags=("K1", "K2"), state="accepted")
# A file still being checked: the item stays a draft (it cannot be submitted until the file is verified).
EvidenceFactory.create(apprenticeship=a, files=[{"state": "uploaded"}], tags=("S1",))
log = EvidenceFactory.create(apprenticeship=a, files=0, title="Wiring log", tags=("S1", "K3"), state="accepted",
                             state__declined=("K3",))
coverage_recompute(apprenticeship_ids=[a.pk])
client = Client(SERVER_NAME="localhost")  # an allowed host of the DEBUG settings
client.force_login(world.tutor)
url = f"/api/apprenticeships/{a.public_id}/coverage/"
made, kept = client.get(url), client.get(url)
assert made.status_code == 200, made.content
assert made.content == kept.content
assert CoverageExplanation.objects.get(apprenticeship=a).body == made.content.decode()
body = made.json()
assert body["outcomes"][0]["id"] == str(catalogue.outcomes["AO1"].public_id), body["outcomes"][0]["id"]
print(json.dumps({"body": body, "survey": str(survey.public_id), "log": str(log.public_id)}))
"""
)


def test_the_embedded_default_answers_coverage_with_the_same_explanation(tmp_path: Path) -> None:
    got = run_embedded(SCRIPT, tmp_path)
    outcomes = got["body"]["outcomes"]
    assert [(o["code"], o["core"], o["option"], o["covered"], o["mapped"]) for o in outcomes] == [
        ("AO1", True, None, 3, 3),
        ("AO2", True, None, 0, 2),
        ("AO3", False, "Route A", 0, 1),
    ]
    k1, k2, s1 = outcomes[0]["statements"]
    assert k1["evidence"] == k2["evidence"] == [{"id": got["survey"], "title": "Site survey"}]
    assert s1["evidence"] == [{"id": got["log"], "title": "Wiring log"}]  # the item with a file being checked: not
    assert (s1["counted"], s1["needed"], s1["kind"], s1["text"]) == (1, 1, "S", "Statement S1 text")
    assert [m["code"] for m in outcomes[1]["missing"]] == ["K3", "S2"]
    assert got["body"]["summary"]["stale"] is False
