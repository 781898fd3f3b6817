"""The settings module: embedded defaults, and no production default for secrets."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.{})"


def _settings_value(expression: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "S3_", "SECRET_"))}
    clean.pop("DEBUG", None)
    clean.update({"DJANGO_SETTINGS_MODULE": "portfolio.settings", "VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(expression)],
        cwd=REPO_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_missing_secret_key_fails_at_start_when_debug_is_off(tmp_path: Path) -> None:
    result = _settings_value("SECRET_KEY", tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_embedded_default_needs_no_service(tmp_path: Path) -> None:
    result = _settings_value(
        "DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.S3_BUCKET or 'local'",
        tmp_path,
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 True local"
    assert (tmp_path / "dev-secret-key").exists()


def test_service_urls_come_from_the_environment(tmp_path: Path) -> None:
    result = _settings_value(
        "DATABASES['default']['NAME'], settings.CELERY_TASK_ALWAYS_EAGER, settings.S3_BUCKET",
        tmp_path,
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app@db.example:5432/portfolio",
        CELERY_BROKER_URL="redis://cache.example:6379/0",
        S3_BUCKET="evidence",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portfolio False evidence"


def test_a_malformed_boolean_is_refused_with_its_name(tmp_path: Path) -> None:
    result = _settings_value("DEBUG", tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_postgresql_prepares_repeated_queries_unless_turned_off(tmp_path: Path) -> None:
    url = "postgres://postgres@127.0.0.1:5432/unused"
    on = _settings_value("DATABASES['default']['OPTIONS']", tmp_path, DEBUG="1", DATABASE_URL=url)
    assert on.returncode == 0, on.stderr
    assert "'server_side_binding': True" in on.stdout
    assert "'prepare_threshold': 2" in on.stdout
    off = _settings_value(
        "DATABASES['default']['OPTIONS']", tmp_path, DEBUG="1", DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0"
    )
    assert off.returncode == 0, off.stderr
    assert "server_side_binding" not in off.stdout
    assert "prepare_threshold" not in off.stdout
