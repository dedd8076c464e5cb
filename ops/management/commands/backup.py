from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, backup_make


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp tải lên vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", default=".", help="Tệp .tar.gz hoặc thư mục để ghi (mặc định: thư mục này)"
        )

    def handle(self, *args, out: str, **options):
        try:
            made = backup_make(Path(out))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {made}."))
