"""The portal's "today". Set PORTAL_TODAY=YYYY-MM-DD to work as of a fixed day (the demo runs as of
20/05/2021, six weeks before the cutover); unset, it is the real date in Asia/Ho_Chi_Minh."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    fixed = getattr(settings, "PORTAL_TODAY", None)
    return fixed or timezone.localdate()
