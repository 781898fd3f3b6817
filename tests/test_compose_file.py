"""docker-compose.yml is for users (no Docker engine here): check its shape so it cannot rot."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def test_compose_file_declares_the_whole_stack() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "minio", "createbucket", "web", "worker", "beat"}
    images = {name: service.get("build") for name, service in services.items() if "build" in service}
    assert set(images) == {"web", "worker", "beat"}, "web, worker and beat come from the repo's one Dockerfile"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
        assert environment["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert "SECRET_KEY" in environment
        assert "${SECRET_KEY:?" in str(environment["SECRET_KEY"]), "no default secret in compose either"
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
