"""Coverage, readiness and the cohort: read-only views over the coverage selectors."""
