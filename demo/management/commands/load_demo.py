from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo import data as demo
from demo import live, reorganisation


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
        parser.add_argument(
            "--sap-xep-2025",
            action="store_true",
            dest="reorganise",
            help="Áp dụng việc sắp xếp đơn vị hành chính từ 01/7/2025 (Nghị quyết số "
            "202/2025/QH15, 1664/NQ-UBTVQH15): 13 xã, thị trấn của Tuy Phước thành 4 xã.",
        )

    def handle(self, *args, force: bool = False, reorganise: bool = False, **options):
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
        if reorganise:
            reviewer = get_user_model().objects.get(username="bantuyengiao")
            acts = reorganisation.apply_2025(reviewer)
            self.stdout.write(f"Đã áp dụng {len(acts)} lần sắp xếp đơn vị từ 01/07/2025.")
        self.stdout.write(f"Tài khoản demo (mật khẩu: {demo.PASSWORD}):")
        for username, full_name, _, _ in [*demo.ACCOUNTS, *live.ACCOUNTS]:
            self.stdout.write(f"  {username:<14} {full_name}")
