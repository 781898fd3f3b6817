import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

app = Celery("portfolio")
# Every CELERY_* setting in portfolio/settings.py configures the app; without a broker the settings
# make tasks run eagerly, in process (the embedded default).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workers.tasks"], related_name=None)


@task_prerun.connect
def _forget_cached_content_types(**_: object) -> None:
    # Django caches ContentType ids for the life of the process, and a worker lives longer than those rows
    # may: the test suite flushes and re-creates them between tests, and a deploy can add some. A stale id
    # would make the audit entry a task writes fail its foreign key, so each task starts from the database.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task: object = None, **_: object) -> None:
    # The database connections are kept between tasks (CELERY_DB_REUSE_MAX in portfolio/settings.py), and closed
    # as Django closes them around a request: when older than CONN_MAX_AGE, or left unusable by an error. Not for
    # a task run in process (eager): it runs inside its caller's transaction, on the caller's connection.
    if getattr(getattr(task, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
