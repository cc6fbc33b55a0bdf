from django.conf import settings
from django.core.management.base import BaseCommand

from personnel import demo


class Command(BaseCommand):
    help = "Load the Đống Đa demo district (21 wards, synthetic roster, demo users). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="Demo users' password (default: DEMO_PASSWORD).")

    def handle(self, *args, password=None, **options):
        password = password or settings.DEMO_PASSWORD
        if demo.is_loaded():
            users = demo.ensure_demo_users(password=password)
            self.stdout.write(f"Demo data already loaded; {users} demo users checked.")
            return
        counts = demo.load_demo(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded {wards} wards, {officials} officials, {holdings} post holdings, "
                "{relations} family relations, {users} demo users.".format(**counts)
            )
        )
