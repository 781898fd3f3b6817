from __future__ import annotations

import pytest

from portfolio.coverage.models import CoverageDirty
from portfolio.people.models import Apprenticeship
from tests.factories import World, build_world


@pytest.fixture
def worlds() -> tuple[World, World]:
    return build_world()


def dirty_generation(apprenticeship: Apprenticeship) -> int:
    row = CoverageDirty.objects.filter(apprenticeship=apprenticeship).first()
    return row.generation if row else 0
