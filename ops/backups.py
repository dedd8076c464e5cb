"""Backups: the database and the uploaded files in one .tar.gz, and their restore.

The database goes in as pg_dump's custom format (PostgreSQL) or through SQLite's online
backup (a consistent copy while the app runs); files stored locally (MEDIA_ROOT) go in
beside it. Files kept on S3 are left to the bucket's own versioning and say so in the
manifest. A restore replaces the database's contents and puts the files back.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


def _media_root() -> Path | None:
    """Where uploaded files live, if on this machine's disk (not on S3)."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _pg_args(program: str) -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = [program, "--no-owner", "--no-privileges"]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})
    return args, env


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = _("%(program)s thất bại: %(error)s")
        raise BackupError(message % {"program": args[0], "error": done.stderr.strip()[-500:]})


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_args("pg_dump")
        _run([*args, "--format=custom", f"--file={target}", connection.settings_dict["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        message = _("Chưa sao lưu được cơ sở dữ liệu %(vendor)s.")
        raise BackupError(message % {"vendor": connection.vendor})


def _load_database(source: Path) -> None:
    connections.close_all()
    if connection.vendor == "postgresql":
        args, env = _pg_args("pg_restore")
        name = connection.settings_dict["NAME"]
        restore = ["--clean", "--if-exists", "--single-transaction", f"--dbname={name}"]
        _run([*args, *restore, str(source)], env)
    else:
        connection.ensure_connection()
        with sqlite3.connect(source) as saved:
            saved.backup(connection.connection)
        saved.close()


def backup_make(target: Path) -> Path:
    """Write a backup to `target` (a .tar.gz file, or a folder to put one in)."""
    target = Path(target)
    if target.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = target / f"dondoc-{stamp}.tar.gz"
    media = _media_root()
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "media": "included" if media else "elsewhere (S3): back up the bucket itself",
    }
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS.get(connection.vendor, "database")
        _dump_database(dump)
        with tarfile.open(target, "w:gz") as archive:
            manifest_file = Path(work) / MANIFEST
            manifest_file.write_text(json.dumps(manifest, indent=2))
            archive.add(manifest_file, MANIFEST)
            archive.add(dump, dump.name)
            if media and media.exists():
                archive.add(media, "media")
    return target


def backup_restore(source: Path) -> dict:
    """Replace the database's contents and the uploaded files with the backup's."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        archive.extractall(work, filter="data")  # no path outside `work`, no links out
        folder = Path(work)
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise BackupError(_("Không phải tệp sao lưu của Đôn đốc.")) from error
        if manifest.get("format") != FORMAT or manifest.get("database") != connection.vendor:
            raise BackupError(
                _("Tệp sao lưu của cơ sở dữ liệu %(theirs)s; máy này dùng %(ours)s.")
                % {"theirs": manifest.get("database"), "ours": connection.vendor}
            )
        _load_database(folder / DUMPS[connection.vendor])
        media, saved = _media_root(), folder / "media"
        if media and saved.exists():
            shutil.copytree(saved, media, dirs_exist_ok=True)
    return manifest
