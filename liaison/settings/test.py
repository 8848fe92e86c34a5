"""Settings for the test suite: fast hashing, in-memory cache, eager Celery
unless a test starts a real worker."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", default="/tmp/liaison-test-media")  # noqa: S108
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"login": "1000/min", "public": "1000/min", "export": "1000/min"},
}
# Serve static files from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in process in tests, even when CI sets a broker; tests that need
# a real worker start one and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# issue 10 login: many tests travel in time (time-machine) with a client
# logged in or a token issued at another time; the timeouts and the token
# lifetime would end those sessions. The tests of the timeouts themselves
# set the production values (accounts/tests/test_sessions.py).
SESSION_IDLE_TIMEOUT_SECONDS = 10 * 365 * 24 * 3600
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 10 * 365 * 24 * 3600
API_TOKEN_TTL_SECONDS = 10 * 365 * 24 * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
# The platform pages require the operator's two-factor sign-in; the tests'
# operator ("root") is exempt, as the demo's is under `make run`
# (platformadmin/tests/test_platform_admin.py tests the requirement itself).
MFA_EXEMPT_USERNAMES = ["root"]
