"""Evidence comes before reviews: portfolio/evidence imports nothing of portfolio/reviews, and announces its
changes through portfolio/evidence/signals.py, which the reviews connect to."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portfolio.evidence.models import Evidence
from portfolio.evidence.signals import evidence_change_announce, evidence_changed
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import EvidenceFactory, World, build_world

EVIDENCE = Path(__file__).resolve().parents[2] / "portfolio" / "evidence"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module the file imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_no_module_of_evidence_imports_reviews() -> None:
    files = sorted(EVIDENCE.rglob("*.py"))
    assert len(files) > 30  # the walk found the package
    wrong = [
        f"{path.relative_to(EVIDENCE.parents[1])}:{line} imports {module}"
        for path in files
        for line, module in _imports(path)
        if module == "portfolio.reviews" or module.startswith("portfolio.reviews.")
    ]
    assert wrong == []


def test_the_import_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from portfolio.reviews.models import X\n    import portfolio.reviews\n")
    assert _imports(sample) == [(2, "portfolio.reviews.models"), (3, "portfolio.reviews")]


@pytest.mark.django_db
def test_a_change_after_submission_reaches_the_reviews_and_fails_loudly_without_them() -> None:
    own: World = build_world()[0]
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    evidence.refresh_from_db()
    assert evidence_changed.has_listeners(Evidence)

    evidence_change_announce(evidence=evidence, actor=own.apprentice, change="title")
    assert ReviewDecision.objects.get(evidence=evidence).invalidation_reason == "changed"

    receivers = evidence_changed.receivers
    evidence_changed.receivers = []
    evidence_changed.sender_receivers_cache.clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="Nothing receives evidence_changed"):
            evidence_change_announce(evidence=evidence, actor=own.apprentice, change="title")
        # A draft has no decisions to end: nothing is announced, so nothing is needed.
        draft = EvidenceFactory.create(apprenticeship=own.apprenticeship)
        evidence_change_announce(evidence=draft, actor=own.apprentice, change="title")
    finally:
        evidence_changed.receivers = receivers
        evidence_changed.sender_receivers_cache.clear()
    assert evidence_changed.has_listeners(Evidence)
