"""Writes to evidence: items (evidence.py), files (files.py, verification.py, sweep.py) and tags (tags.py)."""
