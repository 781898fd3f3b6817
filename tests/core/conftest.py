from tests.storage_backends import backend  # noqa: F401 - a fixture, shared with tests/evidence
