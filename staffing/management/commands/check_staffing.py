"""Run the Decree 32 check and print the findings as a table or as JSON."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from staffing.services import NoReform, check
from wards.models import Ward


class Command(BaseCommand):
    help = (
        "Rà soát cán bộ, công chức phường theo Nghị định 32/2021 (mọi phường, hoặc một phường với --ward) "
        'và in các phát hiện. JSON: {"reform", "as_of", "findings": [{"code", "severity", "level", "ward", '
        '"official", "message", "basis"}]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--ward", metavar="SLUG", help="chỉ rà soát phường này (slug, ví dụ cat-linh)")
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="ngày tham chiếu (mặc định: ngày chuyển đổi)"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, ward=None, as_of=None, format="table", **options):
        wards = None
        if ward:
            found = list(Ward.objects.filter(slug=ward).values_list("pk", flat=True))
            if not found:
                raise CommandError(f"Không có phường có slug “{ward}”.")
            wards = found
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of “{as_of}” không phải ngày YYYY-MM-DD.") from exc
        try:
            result = check(wards=wards, as_of=day)
        except NoReform as exc:
            raise CommandError(str(exc)) from exc
        if format == "json":
            payload = {
                "reform": result.reform_code,
                "as_of": result.as_of.isoformat(),
                "findings": [f.as_dict() for f in result.findings],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for f in result.findings:
            where = f.ward_slug or "(quận)"
            who = f.official_code or "-"
            self.stdout.write(f"{where:<16} {who:<10} {f.severity:<8} {f.code:<32} {f.message}")
        counts = result.counts()
        summary = ", ".join(
            f"{sev} {counts['severity'].get(sev, 0)}" for sev in ("blocker", "warning", "info")
        )
        style = self.style.ERROR if counts["severity"].get("blocker") else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{result.reform_code} tính đến {result.as_of:%d/%m/%Y}: {counts['total']} phát hiện ({summary})."
            )
        )
