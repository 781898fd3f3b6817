"""Minimum OTJ hours per standard version: set on the page, or imported from a CSV, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio.audit.models import AuditEntry
from portfolio.otj.models import OtjMinimum
from portfolio.otj.selectors import otj_figures_for, otj_minimum_rows_for_provider
from portfolio.otj.services.minimums import MinimumImportRefused, otj_minimums_import, otj_minimums_save
from tests.factories import StandardFactory, World, build_world
from tests.otj.helpers import dirty_generation

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[World, World]:
    own, other = build_world()
    own.standard.reference, own.standard.version = "ST1483", "2.0"
    own.standard.save()
    return own, other


def test_the_admin_sets_changes_and_clears_a_minimum(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    before = dirty_generation(own.apprenticeship)
    assert otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 278}) == 1
    assert otj_figures_for(apprenticeship=own.apprenticeship).required_minutes == 278 * 60
    assert dirty_generation(own.apprenticeship) == before + 1
    assert otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 278}) == 0  # unchanged
    assert dirty_generation(own.apprenticeship) == before + 1
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 300})
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: None})
    assert not OtjMinimum.objects.exists()
    changes = [e.changes for e in AuditEntry.objects.filter(action="otj_minimum.updated").order_by("pk")]
    assert changes == [{"ST1483 v2.0": [None, 278]}, {"ST1483 v2.0": [278, 300]}, {"ST1483 v2.0": [300, None]}]


def test_minimums_are_per_provider(worlds: tuple[World, World]) -> None:
    own, other = worlds
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 278})
    assert otj_figures_for(apprenticeship=other.apprenticeship).minimum_hours is None
    rows = otj_minimum_rows_for_provider(provider=own.provider)
    assert [(r.standard, r.minimum_hours, r.apprenticeships) for r in rows] == [(own.standard, 278, 1)]


def test_only_that_providers_admin_sets_them_with_whole_hours(worlds: tuple[World, World]) -> None:
    own, other = worlds
    for outsider in (own.tutor, other.admin):
        with pytest.raises(PermissionDenied):
            otj_minimums_save(actor=outsider, provider=own.provider, minimums={own.standard: 278})
    with pytest.raises(ValidationError) as caught:
        otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 0})
    assert caught.value.message_dict == {"ST1483 v2.0": ["Give the minimum as a whole number of hours from 1 to 9999."]}
    with pytest.raises(ValidationError):
        otj_minimums_save(actor=own.admin, provider=own.employer, minimums={own.standard: 278})


def test_a_csv_import_sets_every_line(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    second = StandardFactory.create(reference="ST0792", version="1.1")
    content = "reference,version,minimum_hours\r\nST1483, 2.0, 278\r\n\r\nst0792,1.1,372\r\n".encode("utf-8-sig")
    result = otj_minimums_import(actor=own.admin, provider=own.provider, content=content)
    assert (result.rows, result.changed) == (2, 2)
    assert dict(OtjMinimum.objects.values_list("standard_version", "minimum_hours")) == {
        own.standard.pk: 278, second.pk: 372,
    }  # fmt: skip


def test_a_csv_with_bad_lines_imports_nothing_and_names_each_line(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 100})
    content = "\n".join(
        [
            "reference,version,minimum_hours",
            "ST1483,2.0,278",  # fine, but must not be saved while other lines are wrong
            "ST9999,1.0,300",
            "ST1483,2.0,abc",
            "ST1483,2.0",
            "ST1483,2.0,0",
            "ST1483,2.0,279",
        ]
    )
    with pytest.raises(MinimumImportRefused) as caught:
        otj_minimums_import(actor=own.admin, provider=own.provider, content=content)
    assert caught.value.row_errors == [
        "Line 3: ST9999 v1.0 is not in the standards catalogue: check the reference and version, or import that "
        "standard's assessment plan first.",
        "Line 4: minimum_hours 'abc' is not a whole number of hours.",
        "Line 5: expected 3 values (reference, version, minimum_hours), found 2.",
        "Line 6: Give the minimum as a whole number of hours from 1 to 9999.",
        "Line 7: ST1483 v2.0 is given twice (also on line 2).",
    ]
    assert OtjMinimum.objects.get().minimum_hours == 100  # nothing half-imported


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no rows."),
        (b"reference,version,minimum_hours\n", "The file has no rows."),
        ("ST1483,2.0,278".encode("utf-16"), "The file is not UTF-8 text"),
        (b"ST1483,2.0,2\x0078", "The file has NUL bytes"),
    ],
)
def test_an_unreadable_file_says_why(worlds: tuple[World, World], content: bytes, message: str) -> None:
    own, _ = worlds
    with pytest.raises(MinimumImportRefused) as caught:
        otj_minimums_import(actor=own.admin, provider=own.provider, content=content)
    assert caught.value.row_errors[0].startswith(message)
    assert not OtjMinimum.objects.exists()
