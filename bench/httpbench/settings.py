"""Settings of the HTTP benchmark's server: the local settings with DEBUG
off and the benchmark's own URLconf, which adds the bare DRF floors beside
the project's routes. Never used outside ``bench/httpbench``."""

from liaison.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.httpbench.urls"
