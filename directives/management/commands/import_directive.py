import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directives.letter_reader import LetterError, read_text
from directives.letter_reader.files import upload_text
from directives.letter_to_directive import proposal_import


class Command(BaseCommand):
    help = (
        "Đọc một văn bản chỉ đạo (.docx, .md, .txt, .pdf, ảnh .jpg/.png) và lưu thành văn bản "
        "đang soạn, "
        "hoặc với --json chỉ in kết quả đọc (không lưu gì)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp văn bản: .docx, .md, .txt, .pdf, .jpg hoặc .png")
        parser.add_argument("--json", action="store_true", help="In kết quả đọc, không lưu")

    def handle(self, *args, file: str, json: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        data = path.read_bytes()
        try:
            letter = upload_text(path.name, data)  # a scan is read by OCR once
        except LetterError as error:
            raise CommandError(str(error)) from error
        proposal = read_text(letter)
        reading = proposal.as_json()
        if json:
            self.stdout.write(_json(reading))
            return
        if not reading.get("number") or not reading.get("date") or not reading.get("issuer"):
            raise CommandError(
                "Không đọc được số, ngày hoặc cơ quan ban hành của văn bản: hãy nhập qua "
                "trang “Nhập văn bản” để sửa trước khi lưu."
            )
        try:
            directive = proposal_import(proposal, letter=letter)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã lưu {directive} (đang soạn): {directive.sections.count()} mục. "
                "Kiểm tra rồi ban hành trên trang văn bản."
            )
        )


def _json(reading: dict) -> str:
    return json.dumps(reading, ensure_ascii=False, indent=2)
