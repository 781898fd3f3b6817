"""What every list filter shares: the spellings a yes/no parameter accepts, ordering by a named choice, and
the messages a page shows for a value it cannot use.

Each list's FilterSet (django-filter) lives next to the selector it narrows (`portfolio/coverage/filters.py`,
`portfolio/evidence/filters.py`, `portfolio/people/filters.py`) and is read by the API view (through
`DjangoFilterBackend`, which answers a bad value with a 400 in the API's error shape) and by the page (through
`filter_for_page`, which gives the page the same messages to show). One parameter has one meaning everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

# The spellings of yes and no: what the API's boolean parameters and the pages' links have both accepted.
# `true`/`false` is the one the API documents and the pages' forms write.
TRUE_WORDS = frozenset({"true", "yes", "on", "1", "t", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", "f", "n"})
# "Either": no filter. The API's clients have sent `null` for that.
ANY_WORDS = frozenset({"", "null"})


class YesNoField(forms.Field):
    """True, False, or None for "either"; anything else is refused (Django's NullBooleanField reads an unknown
    word as "either", which would ignore a typo silently)."""

    default_error_messages = {
        "invalid": "“%(value)s” is neither yes nor no: use true or false (yes or no also work), or leave it out.",
    }

    def to_python(self, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ANY_WORDS:
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


def _choice_error(choices: Any) -> dict[str, str]:
    values = ", ".join(str(value) for value, _ in choices)
    return {"invalid_choice": f"“%(value)s” is not one of the choices: use one of {values}."}


class OneOfFilter(django_filters.ChoiceFilter):
    """django-filter's ChoiceFilter whose refusal names the values it takes."""

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", _choice_error(choices))
        super().__init__(*args, choices=choices, **kwargs)


class SortFilter(OneOfFilter):
    """Orders the rows by one of `orderings` (value: (label, fields)), `default` when the parameter is absent.
    Ties are broken by id, so the pages of a list neither repeat nor skip a row."""

    def __init__(self, *, orderings: Mapping[str, tuple[str, tuple[str, ...]]], default: str, **kwargs: Any) -> None:
        self.orderings = dict(orderings)
        self.default = default
        super().__init__(choices=[(value, label) for value, (label, _) in self.orderings.items()], **kwargs)

    def filter(self, qs: QuerySet[Any], value: str | None) -> QuerySet[Any]:
        _, fields = self.orderings[value or self.default]
        return qs.order_by(*fields, "id")


def filter_for_page(
    filterset_class: type[django_filters.FilterSet], *, data: Any, queryset: QuerySet[Any], filtered: bool = True
) -> tuple[django_filters.FilterSet, QuerySet[Any] | None, dict[str, str]]:
    """The filterset, the filtered rows (None when a value is refused) and, per parameter, a message a person
    can act on ("Ready: “maybe” is neither yes nor no: …"). A page shows the messages instead of the rows:
    rows filtered by only some of what was asked for would look like an answer to the whole question.
    `filtered=False`: only the values are checked, for a caller that reads the rows another way; the rows
    returned are `queryset` as given."""
    filterset = filterset_class(data=data, queryset=queryset)
    if filterset.is_valid():
        return filterset, filterset.qs if filtered else queryset, {}
    errors = {
        name: f"{filterset.form.fields[name].label or name.capitalize()}: {' '.join(messages)}"
        for name, messages in filterset.errors.items()
    }
    return filterset, None, errors
