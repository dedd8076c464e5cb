from django.core.management.base import BaseCommand

from reports.figures.kept import figures_check


class Command(BaseCommand):
    help = (
        "Đếm lại số liệu giữ sẵn của mọi văn bản từ các báo cáo, sửa chỗ lệch và cho biết "
        "mỗi văn bản lệch bao nhiêu dòng (đơn vị × kỳ). --dry-run: chỉ cho biết, không sửa."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ cho biết, không sửa")

    def handle(self, *args, dry_run: bool, **options):
        found = figures_check(repair=not dry_run)
        for directive, drifted in found:
            if drifted:
                self.stdout.write(f"{directive.number}: {drifted} dòng lệch")
        total = sum(drifted for _directive, drifted in found)
        done = "chưa sửa" if dry_run else "đã sửa"
        self.stdout.write(f"{total} dòng lệch trong {len(found)} văn bản ({done}).")
