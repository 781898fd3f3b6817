"""The project's settings with the floor endpoint's URLs (bench/load_floor.py), for `bench/load.py`'s gunicorn."""

from portfolio.settings import *  # noqa: F403

ROOT_URLCONF = "load_floor"
