import os

from celery import Celery
from celery.signals import task_prerun

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
