"""The production run (issue 8): `manage.py check --deploy` is clean with DEBUG off, and
the Procfile and deploy/ start the three processes."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOT_DEPLOYMENT: set[str] = set()  # every warning counts


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production host: DEBUG off, a real secret, one host name, and
    none of the knobs that relax security inherited from whoever runs the tests."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "AXES_", "DJANGO_"))
        and key not in {"DEBUG", "HTTPS", "BEHIND_PROXY", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )
    env.update(overrides)
    return env


def production_settings(*names: str, **env: str) -> dict:
    """Settings as a production process reads them (a fresh interpreter: settings are
    computed from the environment once, at import)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_prints_no_warning_with_debug_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    issues = set(re.findall(r"\(([a-z_.]+\.[WE]\d+)\)", output)) - NOT_DEPLOYMENT
    assert issues == set(), output


def test_check_deploy_sees_an_unsafe_production():
    """The same check does catch plain http in production, so the clean run means something."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(HTTPS="0"),
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


def test_behind_a_tls_proxy_https_is_read_from_x_forwarded_proto():
    assert production_settings("SECURE_PROXY_SSL_HEADER", BEHIND_PROXY="1") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }
    # Without the proxy the header is not trusted: anyone could send it.
    assert production_settings("SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}


def test_development_keeps_plain_http():
    values = production_settings(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS", DEBUG="1"
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_procfile_runs_web_worker_and_beat():
    processes = _procfile()
    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"].split()[:2] == ["gunicorn", "config.wsgi"]
    assert "celery -A config worker" in processes["worker"]
    assert "celery -A config beat" in processes["beat"]


def test_deploy_has_a_systemd_unit_per_process_and_an_nginx_example():
    deploy = ROOT / "deploy"
    for unit, command in [
        ("dondoc-web.service", "gunicorn config.wsgi"),
        ("dondoc-worker.service", "celery -A config worker"),
        ("dondoc-beat.service", "celery -A config beat"),
    ]:
        text = (deploy / unit).read_text(encoding="utf-8")
        assert command in text
        assert "EnvironmentFile=" in text
    nginx = (deploy / "nginx.conf").read_text(encoding="utf-8")
    assert "client_max_body_size 25m;" in nginx
    assert "proxy_set_header X-Forwarded-Proto" in nginx
    assert "proxy_set_header X-Real-IP" in nginx


def _gunicorn(monkeypatch, **env) -> dict:
    import runpy

    for name in ("WEB_CONCURRENCY", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))


def test_gunicorn_fits_the_machine_unless_told(monkeypatch):
    import multiprocessing

    chosen = _gunicorn(monkeypatch)
    assert chosen["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert (chosen["threads"], chosen["worker_class"]) == (1, "sync")
    told = _gunicorn(monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="4")
    assert (told["workers"], told["threads"], told["worker_class"]) == (3, 4, "gthread")
    for command in (_procfile()["web"], (ROOT / "deploy" / "dondoc-web.service").read_text()):
        assert "--config config/gunicorn.conf.py" in command
