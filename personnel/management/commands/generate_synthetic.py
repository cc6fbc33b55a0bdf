import time

from django.core.management.base import BaseCommand, CommandError

from personnel import synthetic


class Command(BaseCommand):
    help = (
        "Write a synthetic country (provinces, districts, wards with classes, officials with pre-reform "
        "posts) for load tests, with bulk inserts and no history rows. Codes are prefixed (SYN…, syn-…) "
        "so the Đống Đa demo is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wards", type=int, default=1000, help="Number of wards (default 1000).")
        parser.add_argument(
            "--officials-per-ward", type=int, default=25, help="Officials in each ward (default 25)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed: the same seed gives the same rows.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the synthetic data already present first."
        )

    def handle(self, *args, wards, officials_per_ward, seed, reset, **options):
        if wards < 1 or officials_per_ward < 1:
            raise CommandError("--wards và --officials-per-ward phải lớn hơn 0.")
        if synthetic.synthetic_exists():
            if not reset:
                raise CommandError("Dữ liệu tổng hợp đã có; thêm --reset để xóa và tạo lại.")
            removed = synthetic.reset_synthetic()
            self.stdout.write(
                f"Removed {removed['officials']} synthetic officials in {removed['wards']} wards."
            )
        started = time.perf_counter()
        counts = synthetic.generate_synthetic(wards=wards, officials_per_ward=officials_per_ward, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {counts.provinces} provinces, {counts.districts} districts, {counts.wards} wards, "
                f"{counts.officials} officials, {counts.holdings} post holdings, {counts.relations} family "
                f"relations in {elapsed:.1f} s (seed {seed}; no history rows)."
            )
        )
