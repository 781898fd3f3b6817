from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portfolio.core"
    label = "core"

    def ready(self) -> None:
        # Bind shared tasks to the project's Celery app in every process that runs Django, so a service
        # that enqueues work uses the configured broker (or runs it in process when there is none).
        import workers  # noqa: F401
