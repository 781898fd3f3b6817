"""The import service and its commands: all or nothing, idempotent, versioned, refusals with reasons."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from portfolio.standards.models import AssessmentOutcome, Option, OutcomeStatement, Standard, Statement
from portfolio.standards.services import standard_import
from tests.conftest import subprocess_env
from tests.standards.conftest import DATA, PLAN_FILES, api_document, plan_text

REPO_ROOT = Path(__file__).resolve().parents[2]
API_JSON = {ref: DATA / "api" / f"{ref}.json" for ref in PLAN_FILES}


def catalogue_snapshot() -> list[tuple[object, ...]]:
    """Every catalogue row with its primary key, to prove that nothing changed."""
    return [
        *Standard.objects.values_list("pk", "reference", "version", "source_digest", "updated_at"),
        *Option.objects.values_list("pk", "title", "code", "position"),
        *AssessmentOutcome.objects.values_list("pk", "code", "option_id", "title", "position"),
        *Statement.objects.values_list("pk", "code", "text", "mandatory", "functional_skills"),
        *OutcomeStatement.objects.values_list("pk", "outcome_id", "statement_id", "position"),
    ]


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process, to check exit status and output."""
    return subprocess.run(
        [sys.executable, "manage.py", "import_standard", *args],
        cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.mark.django_db
def test_import_standards_loads_the_three_bundled_plans() -> None:
    call_command("import_standards")
    loaded = {(s.reference, s.version): s for s in Standard.objects.all()}
    assert set(loaded) == {("ST1483", "2.0"), ("ST0792", "2.0"), ("ST1297", "2.0")}
    st1483 = loaded[("ST1483", "2.0")]
    assert st1483.title == "Production manager"
    assert st1483.level == 6
    assert st1483.options.count() == 3
    assert st1483.outcomes.count() == 12
    assert st1483.statements.filter(kind="K").count() == 33
    assert st1483.statements.filter(kind="S").count() == 31
    assert st1483.statements.filter(kind="B").count() == len(api_document("ST1483")["behaviours"])
    ao1 = st1483.outcomes.get(code="AO1", option=None)
    assert [m.statement.code for m in ao1.mappings.order_by("position")] == [
        "K1", "K7", "K8", "K10", "S1", "S2", "S8", "S10",
    ]  # fmt: skip
    assert st1483.assessment_methods.filter(required=True).count() >= 1
    assert st1483.performance_descriptors.count() == 6


@pytest.mark.django_db
def test_reimporting_the_same_document_changes_nothing() -> None:
    first = standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297"))
    assert first.status == "created"
    before = catalogue_snapshot()

    again = standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297"))

    assert again.status == "unchanged"
    assert catalogue_snapshot() == before


@pytest.mark.django_db
def test_a_different_document_for_a_loaded_version_is_refused_without_replace() -> None:
    standard_import(plan=plan_text("ST1483"), api_document=api_document("ST1483"))
    before = catalogue_snapshot()
    # The corrected plan moves K8 out of AO1 into AO2.
    corrected = (
        plan_text("ST1483").replace("K1, K7, K8, K10S1", "K1, K7, K10S1").replace("K5, K6, K9S3", "K5, K6, K8, K9S3")
    )

    refused = standard_import(plan=corrected, api_document=api_document("ST1483"))

    assert refused.status == "refused"
    assert "different document" in refused.message
    assert catalogue_snapshot() == before


@pytest.mark.django_db
def test_replace_updates_in_place_and_keeps_the_ids_of_what_stays() -> None:
    standard_import(plan=plan_text("ST1483"), api_document=api_document("ST1483"))
    standard = Standard.objects.get(reference="ST1483")
    ids_before = {
        "standard": standard.pk,
        "K8": standard.statements.get(code="K8").pk,
        "AO1": standard.outcomes.get(code="AO1").pk,
        "options": list(standard.options.values_list("pk", flat=True)),
    }
    corrected = (
        plan_text("ST1483").replace("K1, K7, K8, K10S1", "K1, K7, K10S1").replace("K5, K6, K9S3", "K5, K6, K8, K9S3")
    )

    replaced = standard_import(plan=corrected, api_document=api_document("ST1483"), replace=True)

    assert replaced.status == "replaced", replaced.message
    standard.refresh_from_db()
    assert standard.pk == ids_before["standard"]
    assert standard.statements.get(code="K8").pk == ids_before["K8"]
    ao1 = standard.outcomes.get(code="AO1")
    assert ao1.pk == ids_before["AO1"]
    assert [m.statement.code for m in ao1.mappings.order_by("position")] == [
        "K1",
        "K7",
        "K10",
        "S1",
        "S2",
        "S8",
        "S10",
    ]
    ao2 = standard.outcomes.get(code="AO2")
    assert [m.statement.code for m in ao2.mappings.order_by("position")][:4] == ["K5", "K6", "K8", "K9"]
    assert list(standard.options.values_list("pk", flat=True)) == ids_before["options"]


@pytest.mark.django_db
def test_a_plan_with_errors_writes_nothing() -> None:
    broken = plan_text("ST1483").replace("K1, K7, K8, K10S1", "K1, K7, K8, K1O S1")
    result = standard_import(plan=broken, api_document=api_document("ST1483"))
    assert result.status == "invalid"
    assert any("K1O" in issue.excerpt or "K1O" in issue.message for issue in result.report.errors)
    assert Standard.objects.count() == 0
    assert Statement.objects.count() == 0


@pytest.mark.django_db
def test_foundation_plan_without_options_or_reference_takes_them_from_the_caller() -> None:
    plan = "\n".join(
        [
            "Assessment Outcomes",
            "Core Assessment Outcome\tMapping",
            "<p>AO1: Working safely</p> <p>Works safely.</p>\t<p>K1, K2, S1</p>",
            "<p>AO2: Communicating</p> <p>Communicates clearly.</p>\t<p>K3, S2</p>",
            "Assessment requirements",
        ]
    )
    result = standard_import(plan=plan, reference="FA0001", version="1.0")
    assert result.status == "created", [e.message for e in result.report.errors]
    standard = Standard.objects.get(reference="FA0001", version="1.0")
    assert standard.options.count() == 0
    assert list(standard.outcomes.values_list("code", flat=True)) == ["AO1", "AO2"]
    assert not standard.outcomes.exclude(option=None).exists()


# --- the command, as a user runs it ---------------------------------------------------------------------


def test_dry_run_json_prints_the_preview_and_writes_nothing(transactional_db: None) -> None:
    result = run_command(str(PLAN_FILES["ST1297"]), "--api-json", str(API_JSON["ST1297"]), "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    preview = json.loads(result.stdout)
    assert set(preview) == {
        "reference",
        "version",
        "title",
        "level",
        "options",
        "aos",
        "statements",
        "errors",
        "warnings",
    }
    assert (preview["reference"], preview["version"], preview["level"]) == ("ST1297", "2.0", 3)
    assert {(o["title"].split(" (")[0].lower(), o["code"]) for o in preview["options"]} == {
        ("live event technician", "LET"),
        ("creative venue technician", "CVT"),
        ("screen lighting technician", "SLT"),
    }
    assert all(set(o) == {"title", "code"} for o in preview["options"])
    assert all(set(a) == {"code", "title", "option", "statements"} for a in preview["aos"])
    assert all(set(s) == {"code", "kind", "mandatory", "functional_skills", "text"} for s in preview["statements"])
    ao5 = next(a for a in preview["aos"] if a["code"] == "AO5")
    assert ao5["option"].lower().startswith("creative venue technician")
    assert preview["errors"] == []
    assert Standard.objects.count() == 0


BAD_PLANS: dict[str, tuple[bytes | str, str]] = {
    "empty": ("", "empty"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, "text"),
    "no AO table": (
        "Draft plan\n\nIntroduction\n\nThis plan has no outcomes at all.\n",
        "assessment outcome",
    ),
    "AO with no codes": ("__AO2_EMPTY__", "AO2"),
    "garbled code": ("__K1O__", "K1O"),
    "duplicate AO codes": ("__DUP_AO__", "AO2"),
    "code beyond the API document": ("__K99__", "K99"),
}


def _bad_plan(kind: str) -> bytes | str:
    content = BAD_PLANS[kind][0]
    text = plan_text("ST1483")
    substitutions = {
        "__AO2_EMPTY__": ("<p>K5, K6, K9S3, S6, S9</p>", "<p></p>"),
        "__K1O__": ("K1, K7, K8, K10S1", "K1O, K7, K8, K10S1"),
        "__DUP_AO__": ("<p>AO3: Team Leadership", "<p>AO2: Team Leadership"),
        "__K99__": ("K1, K7, K8, K10S1", "K1, K7, K8, K99, K10S1"),
    }
    if content in substitutions:
        old, new = substitutions[str(content)]
        assert old in text, f"the fixture no longer matches the plan: {old!r}"
        return text.replace(old, new)
    return content


@pytest.mark.parametrize("kind", list(BAD_PLANS))
def test_bad_plans_are_refused_with_a_clear_error_and_nothing_written(
    kind: str, write_plan, transactional_db: None
) -> None:
    path = write_plan(_bad_plan(kind))
    result = run_command(str(path), "--api-json", str(API_JSON["ST1483"]), "--reference", "ST1483", "--version", "2.0")
    assert result.returncode == 1
    assert "error" in result.stdout
    assert BAD_PLANS[kind][1].lower() in result.stdout.lower(), result.stdout
    assert "nothing was imported" in result.stderr
    assert Standard.objects.count() == 0


def test_unreadable_api_document_is_a_clear_error(write_plan, transactional_db: None) -> None:
    bad_json = write_plan("{not json", name="api.json")
    result = run_command(str(PLAN_FILES["ST1483"]), "--api-json", str(bad_json))
    assert result.returncode == 1
    assert "is not valid JSON" in result.stderr
    assert Standard.objects.count() == 0


def test_command_imports_then_reports_unchanged_then_refuses_then_replaces(write_plan, transactional_db: None) -> None:
    args = [str(PLAN_FILES["ST0792"]), "--api-json", str(API_JSON["ST0792"])]
    first = run_command(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "imported" in first.stdout
    second = run_command(*args)
    assert second.returncode == 0
    assert "unchanged" in second.stdout

    edited = write_plan(plan_text("ST0792").replace("AO1", "AO1", 1) + "\n")
    assert edited.read_text() != plan_text("ST0792")
    # A trailing newline changes nothing that is imported: still unchanged.
    assert run_command(str(edited), "--api-json", str(API_JSON["ST0792"])).returncode == 0
