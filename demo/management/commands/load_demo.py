from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import data as demo
from demo import live


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Công văn 136-CV/HU (2021) và Công văn 4085/UBND-ĐT đang thực hiện, "
        "các đơn vị, báo cáo mẫu và tài khoản demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Nạp cả khi DEBUG tắt (tạo tài khoản demo với mật khẩu công khai).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG đang tắt: không tạo tài khoản demo có mật khẩu công khai. "
                "Dùng --force nếu đây là máy thử nghiệm."
            )
        summary = demo.load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {demo.NUMBER}: {summary.units} đơn vị, {summary.assignments} phân công, "
                f"{summary.periods} kỳ báo cáo, {summary.reports} báo cáo mẫu mới."
            )
        )
        self.stdout.write(f"Tài khoản demo (mật khẩu: {demo.PASSWORD}):")
        for username, full_name, _, _ in [*demo.ACCOUNTS, *live.ACCOUNTS]:
            self.stdout.write(f"  {username:<14} {full_name}")
