"""A production stack of its own for the fault runs (bench/faults.py): PostgreSQL in a
temporary folder, Redis, and the Procfile's gunicorn, Celery worker and beat, each on a
spare loopback port. Only these processes are ever stopped or killed: the machine's own
PostgreSQL and Redis are not touched.
"""

import contextlib
import glob
import os
import pwd
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def spare_port() -> int:
    """A free port below the kernel's ephemeral range, so no outgoing connection takes it
    between now and the service's start, nor while the service is stopped in a fault."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(range(20000, min(low, 32000)), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no spare port")


def _pg_bin(name: str) -> str:
    """PostgreSQL's server programs: on PATH, or in Debian's versioned folder."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise SystemExit(f"{name} not found: PostgreSQL's server package is needed")
    return found


def _wait_for(process: "Process", ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.popen.poll() is not None or time.monotonic() > deadline:
            tail = process.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{process.name} did not start:\n{tail}")
        time.sleep(0.2)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Postgres:
    """A throwaway cluster. initdb refuses to run as root, so as root the cluster belongs
    to the `postgres` system user."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = spare_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        self._run(
            _pg_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip

    def _run(self, *command) -> None:
        subprocess.run(
            [str(part) for part in command], check=True, user=self.user,
            stdout=subprocess.DEVNULL, cwd=self.folder,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/dondoc_faults"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            _pg_bin("pg_ctl"), "-D", self.data, "-o", options, "-l", self.folder / "log",
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back, connections cut."""
        self._run(_pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        self._run(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
            "dondoc_faults",
        )  # fmt: skip


class Process:
    """A long-running program in its own process group, so that stopping it stops its
    children too (gunicorn's and the prefork pool's)."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def signal(self, number: int) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, number)

    def stop(self, timeout: float = 20) -> None:
        if not self.popen or self.popen.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait()

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown code runs anywhere in it."""
        self.signal(signal.SIGKILL)
        if self.popen:
            self.popen.wait()


def procfile(env: dict) -> dict[str, list[str]]:
    """The Procfile's commands with its ${NAME:-default} references filled in, so the
    fault runs start exactly what `make serve` starts."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, command = line.split(":", 1)
        command = re.sub(
            r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1)) or m.group(2), command
        )
        words = shlex.split(command)
        words[0] = str(Path(sys.executable).parent / words[0])  # the venv's programs
        commands[name.strip()] = words
    return commands


class Stack:
    """PostgreSQL, Redis, web, worker and beat, all its own."""

    def __init__(self, folder: Path, **settings: str):
        self.folder = folder
        folder.chmod(0o711)  # PostgreSQL's own user must reach its folder inside
        self.pg = Postgres(folder / "pg")
        self.redis_port = spare_port()
        self.web_port = spare_port()
        self.mail = folder / "mail"
        self.mail.mkdir()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.pg.url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": "faults-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "MEDIA_ROOT": str(folder / "media"),
            "HOST": "127.0.0.1",
            "PORT": str(self.web_port),
            "BEAT_SCHEDULE": str(folder / "celerybeat-schedule"),
            "LOG_LEVEL": "WARNING",
            # The clients sign in with a password: the load is filing and reviewing, and
            # the second factor has its own tests (tests/accounts/).
            "TWO_FACTOR_ROLES": "",
            **settings,
        }
        commands = procfile(self.env)
        self.redis = Process(
            "redis",
            [
                "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(folder),
            ],
            self.env,
            folder / "redis.log",
        )  # fmt: skip
        self.web, self.worker, self.beat = (
            Process(name, commands[name], self.env, folder / f"{name}.log")
            for name in ("web", "worker", "beat")
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_services(self) -> None:
        self.pg.start()
        self.pg.create_database()
        self.start_redis()

    def start_redis(self) -> None:
        self.redis.start()
        _wait_for(self.redis, lambda: _port_open(self.redis_port))

    def start_web(self) -> None:
        self.web.start()
        _wait_for(self.web, self._web_answers)

    def _web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/dang-nhap/", timeout=2) as page:
                return page.status == 200
        except OSError:
            return False

    def start_worker(self) -> None:
        self.worker.start()

    def start_app(self) -> None:
        self.start_web()
        self.worker.start()
        self.beat.start()

    def stop(self) -> None:
        for process in (self.beat, self.worker, self.web, self.redis):
            process.stop()
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            self.pg.stop()
