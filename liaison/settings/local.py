"""Local development (`make run`): DEBUG on, a development-only secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")

# issue 10 login: the demo logins skip the demo tenant's two-factor
# requirement under `make run` (the login page says so).
MFA_EXEMPT_USERNAMES = env.list(
    "MFA_EXEMPT_USERNAMES",
    default=[
        "demo-admin",
        "demo-auditor",
        "demo-manager",
        "demo-reviewer",
        "demo-officer",
        "demo-city-officer",
        "demo-yq-admin",
        "demo-yq-reviewer",
        "demo-yq-manager",  # journeys: the Yangquan demo's county manager
        "demo-operator",  # the platform operator (issue 17)
    ],
)
