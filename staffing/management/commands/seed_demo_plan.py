from django.core.management.base import BaseCommand, CommandError

from personnel import demo
from staffing.demo_plan import seed_demo_plan


class Command(BaseCommand):
    help = "Add a few draft proposals to the demo plan (after seed_demo). Safe to run again."

    def handle(self, *args, **options):
        if not demo.is_loaded():
            raise CommandError("Chưa nạp dữ liệu mẫu: chạy manage.py seed_demo trước.")
        created = seed_demo_plan()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} draft proposals in the demo plan."))
        else:
            self.stdout.write("The plan already has proposals; nothing added.")
