"""Signed webhooks: a provider's endpoints, and each delivery of an event to one of them (retried on its own)."""
