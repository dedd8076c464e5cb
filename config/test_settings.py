"""Settings for the test suite: the same stack, with fast hashing and mail kept in memory.

DATABASE_URL and REDIS_URL still apply, so CI runs the suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in process; the Celery worker test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite runs over plain http, whatever DEBUG is; tests/test_deploy.py checks the
# production values.
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Test clients log in with force_login() or client.login(), which passes no request and
# so cannot go through django-axes; tests/test_security.py turns it on for its own test.
AXES_ENABLED = False
# Two-factor sign-in is tested where it is the subject (tests/accounts/); elsewhere the
# personas sign in with force_login and no factor.
TWO_FACTOR_ROLES = []

# Under pytest-xdist every worker has a test database of its own (pytest-django), and a
# Redis database of its own, so one worker's Celery test never takes another's tasks.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _WORKER.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit

    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + int(_WORKER[2:])}").geturl()  # noqa: F405
    CELERY_BROKER_URL = CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
