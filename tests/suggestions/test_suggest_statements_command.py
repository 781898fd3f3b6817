"""manage.py suggest_statements: a route's statements ranked for a text, through the same code as evidence."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import LPM, StandardFactory, make_route_standard

TOURING = "I planned the touring logistics for the spring tour: trucks, the ferry, hotels and the carnet."


def _run(*args: str) -> str:
    out = StringIO()
    call_command("suggest_statements", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.txt"
    path.write_text(TOURING, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_it_ranks_the_route_of_the_option_and_only_the_core_without_one(text_file: Path) -> None:
    standard = make_route_standard()
    base = ["--standard", standard.reference.lower(), "--standard-version", "2.0", "--text-file", str(text_file)]

    with_option = json.loads(_run(*base, "--option", LPM, "--json"))
    core_only = json.loads(_run(*base, "--json"))

    assert with_option["option"] == LPM
    assert {s["statement"] for s in with_option["suggestions"]} == {"K1", "S1", "K27"}
    touring = next(s for s in with_option["suggestions"] if s["statement"] == "K27")
    assert (touring["outcome"], touring["option"]) == ("AO5", LPM)
    assert [s["rank"] for s in with_option["suggestions"]] == [1, 2, 3]
    assert core_only["option"] is None
    assert {s["statement"] for s in core_only["suggestions"]} == {"K1", "S1"}
    assert core_only["model"]["name"] == "all-MiniLM-L6-v2-onnx-int8"


@pytest.mark.django_db
def test_the_text_output_is_a_ranked_table(text_file: Path) -> None:
    standard = make_route_standard()

    lines = _run(
        "--standard", standard.reference, "--standard-version", "2.0", "--option", "liv", "--text-file", str(text_file)
    ).splitlines()

    assert lines[0] == f"{standard.reference} v2.0 Test standard: core AOs and option '{LPM}'"
    assert lines[1].startswith("model all-MiniLM-L6-v2-onnx-int8 ")
    rows = [line.split() for line in lines if line.strip()[:1].isdigit()]
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert {row[3] for row in rows} == {"K1", "S1", "K27"}
    assert "B1" not in "\n".join(lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--standard": "ST0000"}, "No standard ST0000 v2.0 is imported. Imported: ST"),
        ({"--standard-version": "9.9"}, "v9.9 is imported"),
        ({"--option": "Lighting"}, "has no option 'Lighting'. Its options: 'Live performance production manager'"),
        ({"--text-file": "/no/such/file.txt"}, "Cannot read the text file /no/such/file.txt: No such file"),
        ({"--text-file": "BINARY"}, "is not UTF-8 text"),
        ({"--text-file": "EMPTY"}, "has no text to rank statements against"),
        ({"--top": "-1"}, "--top must be 0 (all) or more"),
    ],
)
def test_bad_arguments_get_a_clear_error(tmp_path: Path, text_file: Path, change: dict[str, str], message: str) -> None:
    standard = make_route_standard()
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00 not text")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    files = {"BINARY": str(tmp_path / "binary.txt"), "EMPTY": str(tmp_path / "empty.txt")}
    options = {"--standard": standard.reference, "--standard-version": "2.0", "--text-file": str(text_file)}
    options.update({key: files.get(value, value) for key, value in change.items()})
    with pytest.raises(CommandError) as raised:
        _run(*[part for pair in options.items() for part in pair])
    assert message in str(raised.value)


@pytest.mark.django_db
def test_an_option_for_a_standard_without_options_is_refused(text_file: Path) -> None:
    standard = StandardFactory.create()
    options = ["--standard", standard.reference, "--standard-version", "2.0", "--text-file", str(text_file)]
    with pytest.raises(CommandError, match="has no options: leave out --option"):
        _run(*options, "--option", "Any")
