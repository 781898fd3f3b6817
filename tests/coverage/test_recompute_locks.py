"""A recompute and a service that holds the apprenticeship and then marks it dirty (behaviour_confirm does) must
not deadlock: the pass's rows are checked against the apprenticeship (deferred foreign keys, at COMMIT) after it
has deleted the marks the service is about to write. Two real connections to PostgreSQL, one per thread."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from portfolio.coverage.models import AOCoverage, CoverageDirty, CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.people.models import Apprenticeship
from tests.factories import EvidenceFactory, make_catalogue, make_world


@pytest.mark.django_db(transaction=True)
def test_a_service_holding_the_apprenticeship_and_a_recompute_finish_both() -> None:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    a = world.apprenticeship
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("K1",), state="accepted")
    coverage_recompute(apprenticeship_ids=[a.pk])
    # So that the pass inserts rows that refer to the apprenticeship (its AO rows), and has a mark to delete.
    AOCoverage.objects.filter(apprenticeship=a).delete()
    coverage_mark_dirty(apprenticeship_ids=[a.pk], reason="test")
    held, errors = threading.Event(), []

    def service() -> None:  # as behaviour_confirm: the apprenticeship FOR UPDATE, some work, then the mark
        try:
            with transaction.atomic():
                Apprenticeship.objects.select_for_update().get(pk=a.pk)
                held.set()
                time.sleep(0.5)  # the pass starts meanwhile; without its early lock it deletes the mark now
                coverage_mark_dirty(apprenticeship_ids=[a.pk], reason="behaviour confirmed")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def recompute() -> None:
        try:
            held.wait(timeout=10)
            coverage_recompute(apprenticeship_ids=[a.pk])
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=service), threading.Thread(target=recompute)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors  # a deadlock aborts one of the two: "deadlock detected"
    assert AOCoverage.objects.filter(apprenticeship=a).exists()
    # The pass waited for the service to commit before reading the marks, so it computed after the service's
    # change and took its mark with it: nothing is owed.
    assert not CoverageDirty.objects.filter(apprenticeship=a).exists()
    assert CoverageSummary.objects.get(apprenticeship=a).computed_at is not None
