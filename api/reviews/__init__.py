"""The review API: decisions on evidence, queues, behaviours and the provider review policy."""
