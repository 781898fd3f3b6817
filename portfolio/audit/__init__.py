"""The append-only audit log: every state change, who made it, from where, and a digest of what changed."""
