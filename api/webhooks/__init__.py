"""Webhook endpoints and their delivery log, for the admins of the provider that owns them."""
