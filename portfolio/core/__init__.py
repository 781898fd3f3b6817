"""Cross-cutting pieces: health checks and the home page."""
