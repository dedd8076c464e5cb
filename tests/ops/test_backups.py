"""A backup and its restore give back the same data and files (SQLite here, PostgreSQL
in CI: the same test, through pg_dump and pg_restore)."""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from ops.backups import BackupError, backup_make, backup_restore
from reports.filing.models import ProgressReport
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        }
    }
    storages._storages.pop("default", None)  # built again from the new settings
    yield storages["default"]
    storages._storages.pop("default", None)


def test_a_restore_gives_back_the_data_and_the_files(submitted_a, media, tmp_path):
    media.save("evidence/bien-ban.pdf", ContentFile(b"%PDF-1.7 minutes"))
    made = backup_make(tmp_path)
    reports = list(ProgressReport.objects.values())
    ProgressReport.objects.all().delete()
    Unit.objects.filter(name="Đảng bộ xã A").update(name="Đổi tên sau sao lưu")
    media.delete("evidence/bien-ban.pdf")

    manifest = backup_restore(made)

    assert manifest["media"] == "included"
    assert list(ProgressReport.objects.values()) == reports
    assert Unit.objects.filter(name="Đảng bộ xã A").exists()
    assert media.open("evidence/bien-ban.pdf").read() == b"%PDF-1.7 minutes"


def test_the_commands_round_trip_and_restore_asks_for_confirmation(submitted_a, tmp_path):
    out = tmp_path / "sao-luu.tar.gz"
    call_command("backup", f"--out={out}")
    ProgressReport.objects.all().delete()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(out))
    assert not ProgressReport.objects.exists()
    call_command("restore", str(out), "--yes")

    assert ProgressReport.objects.filter(pk=submitted_a.pk).exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "khac.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        data = json.dumps({"format": 1, "database": "oracle"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    with pytest.raises(BackupError, match="oracle"):
        backup_restore(bogus)
