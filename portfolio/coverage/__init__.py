"""Coverage per Assessment Outcome and readiness for assessment, kept fresh by Celery."""
