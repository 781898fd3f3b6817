import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

app = Celery("portfolio")
# Every CELERY_* setting in portfolio/settings.py configures the app; without a broker the settings
# make tasks run eagerly, in process (the embedded default).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workers.tasks"], related_name=None)
