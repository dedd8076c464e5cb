from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục từ tệp sao lưu: THAY TOÀN BỘ dữ liệu hiện có bằng dữ liệu trong tệp, "
        "và chép lại các tệp tải lên."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .tar.gz do lệnh backup tạo")
        parser.add_argument(
            "--yes", action="store_true", help="Xác nhận thay toàn bộ dữ liệu hiện có"
        )

    def handle(self, *args, file: str, yes: bool = False, **options):
        if not Path(file).is_file():
            raise CommandError(f"Không có tệp {file}.")
        if not yes:
            raise CommandError("Khôi phục sẽ thay toàn bộ dữ liệu hiện có: thêm --yes để xác nhận.")
        try:
            manifest = backup_restore(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Đã khôi phục bản sao lưu lúc {manifest['made_at']}.")
        )
