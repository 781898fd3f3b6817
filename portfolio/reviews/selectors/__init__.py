"""Scoped reads for reviews. A record outside the user's scope raises Http404, like a missing one."""
