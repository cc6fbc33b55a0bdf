"""Import a roster spreadsheet from the command line: the same checks and the same all-or-nothing write
as the upload page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from personnel import roster_io


class Command(BaseCommand):
    help = (
        "Nhập danh sách cán bộ từ tệp .xlsx (các cột của tệp mẫu). In các dòng lỗi và thoát với mã 1 "
        "(không ghi gì) nếu có dòng sai."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in thay đổi, không ghi")
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử thay đổi (mặc định: hệ thống)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['user']}.")
        if path.stat().st_size > roster_io.MAX_BYTES:
            raise CommandError(f"Tệp vượt giới hạn {roster_io.MAX_BYTES // 1024 // 1024} MB.")
        try:
            preview, result = roster_io.import_roster(
                path.read_bytes(), actor=actor, dry_run=options["dry_run"]
            )
        except roster_io.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for error in preview.errors:
            self.stderr.write(str(error))
        summary = (
            f"{preview.total} dòng: {len(preview.creates)} thêm mới, {len(preview.updates)} cập nhật, "
            f"{preview.unchanged} không đổi, {len(preview.errors)} lỗi."
        )
        if preview.errors:
            raise CommandError(f"{summary} Không ghi dữ liệu nào.")
        for change in preview.updates:
            diffs = "; ".join(f"{column}: {old} → {new}" for column, old, new in change.diffs)
            self.stdout.write(f"Dòng {change.row} {change.code}: {diffs}")
        if result is None:
            self.stdout.write(self.style.WARNING(f"{summary} Chạy thử (--dry-run): không ghi dữ liệu nào."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{summary} Đã ghi."))
