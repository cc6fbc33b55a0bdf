from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from staffing import plan
from wards import access


class Command(BaseCommand):
    help = (
        "Run the reform's cutover in one transaction: end the affected post holdings on the day before, open "
        "the planned ones on the cutover date. --dry-run only prints what it would do and why it would refuse; "
        "--rollback undoes the last cutover."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show the preview; write nothing.")
        parser.add_argument("--rollback", action="store_true", help="Undo the last cutover.")
        parser.add_argument(
            "--user", default="admin", help="Administrator recorded as the actor (default: admin)."
        )

    def handle(self, *args, dry_run=False, rollback=False, user="admin", **options):
        if dry_run and rollback:
            raise CommandError("Chọn --dry-run hoặc --rollback, không dùng cả hai.")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Không có người dùng {user}.")
        if not access.can(actor, "run_cutover"):
            raise CommandError(
                f"Người dùng {user} không có quyền thực hiện chuyển đổi (cần vai trò Quản trị)."
            )
        reform = plan.current_reform()
        if rollback:
            try:
                run = plan.cutover_rollback(actor=actor, reform=reform)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(self.style.SUCCESS(
                f"Rolled back: {len(run.created_holdings)} holdings removed, {len(run.ended_holdings)} restored."
            ))  # fmt: skip
            return
        preview = plan.cutover_preview(reform=reform)
        if preview.executed:
            self.stdout.write(
                f"{reform.code} was already executed at {reform.executed_at:%Y-%m-%d %H:%M}; nothing to do."
            )
            return
        self.stdout.write(
            f"{reform.code}: end {len(preview.ends)} holdings on {preview.eve:%d/%m/%Y}, "
            f"open {len(preview.starts)} on {reform.cutover_date:%d/%m/%Y}, {len(preview.ward_moves)} ward changes."
        )
        if dry_run:
            for end in preview.ends:
                h = end.holding
                self.stdout.write(
                    f"  - end  {h.official.code} {h.position.code} ({h.ward.slug}): {end.reason}"
                )
            for start in preview.starts:
                self.stdout.write(
                    f"  + open {start.official.code} {start.position.code} ({start.ward.slug}) "
                    f"{start.decision_number or '-'}"
                )
        if preview.reasons:
            for reason in preview.reasons:
                self.stderr.write(f"  ! {reason}")
            raise CommandError(f"Refused: {len(preview.reasons)} reasons (listed above).")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: ready; nothing written."))
            return
        try:
            run, changed = plan.cutover_execute(actor=actor, reform=reform)
        except plan.CutoverRefused as refused:
            for reason in refused.reasons:
                self.stderr.write(f"  ! {reason}")
            raise CommandError(f"Refused: {len(refused.reasons)} reasons (listed above).") from refused
        if changed:
            self.stdout.write(self.style.SUCCESS(
                f"Cutover done: {run.summary['ended']} holdings ended, {run.summary['opened']} opened."
            ))  # fmt: skip
        else:
            self.stdout.write("Already executed; nothing changed.")
