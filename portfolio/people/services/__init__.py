"""People services: every write about people, organisations and apprenticeships, each one audited."""
