"""`localized_date` (portfolio/core/html.py) writes each date as Django's `date_format` writes it, in the site's
language and in one whose format differs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

from portfolio.core.html import localized_date

DATES = [datetime.date(2025, month, day) for month in range(1, 13) for day in (1, 9, 28)] + [
    datetime.date(999, 3, 4),
    datetime.date(2024, 2, 29),
]


@pytest.mark.parametrize("language", ["en-gb", "en", "de"])
def test_each_date_is_written_as_date_format_writes_it(language: str) -> None:
    with translation.override(language):
        write = localized_date()
        assert [write(day) for day in DATES] == [date_format(day) for day in DATES]
