from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """The task layer as a Django app: Django loads it from INSTALLED_APPS, so the domain never imports it."""

    name = "workers"
    label = "workers"

    def ready(self) -> None:
        # Configure the project's Celery app and register every task by name in every process that runs
        # Django, so `portfolio.core.dispatch` can send (or, without a broker, run) a task by its name.
        import workers.tasks  # noqa: F401
