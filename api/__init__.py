"""The REST API: thin DRF views over portfolio services and selectors."""
