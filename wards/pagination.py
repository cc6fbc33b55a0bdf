"""A paginator that counts exactly while counting is cheap and estimates a large list's size.

An exact ``COUNT(*)`` reads every matching row: ~40 ms at 250,000 officials, more than the rest of a list
page. Above ``ESTIMATE_ABOVE`` rows PostgreSQL's planner estimate (``EXPLAIN``, from the table's statistics)
is shown instead, rounded ("khoảng 250.000"), as mature products do. Both happen in ONE query: the SQL
function ``portal_count`` (personnel migration 0002) plans the count's query and runs the exact count only
when the estimate is small, so the number of queries is the same whatever the size. Other databases
(SQLite, tests) and plain lists count exactly.

An estimate can be wrong; pages stay right: a page is fetched with one row more than it shows, so "next"
exists exactly when there is a next row; a short page gives the exact count (rows before it + its rows);
a page past the real end of an over-estimated list computes the exact count and shows the real last page.
"""

import math

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Lists up to this many rows (as the planner estimates them) are counted exactly.
ESTIMATE_ABOVE = 10_000


def round_estimate(n: float) -> int:
    """Two significant digits: 249,873 → 250,000; 25,013 → 25,000; 13,456 → 13,000."""
    n = int(n)
    if n < 100:
        return n
    step = 10 ** (int(math.log10(n)) - 1)
    return round(n / step) * step


def count_or_estimate(queryset: QuerySet, estimate_above: int = ESTIMATE_ABOVE) -> tuple[int, bool]:
    """(rows, is_estimate): the planner's estimate, rounded, when above ``estimate_above``, else the exact
    count. One query on PostgreSQL; elsewhere ``queryset.count()`` (exact)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), False
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter that can match nothing
        return 0, False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rows, estimated FROM portal_count(%s, %s)",
            [connection.ops.compose_sql(sql, params), estimate_above],
        )
        rows, estimated = cursor.fetchone()
    return (round_estimate(rows), True) if estimated else (rows, False)


class EstimatedPage(Page):
    """A page of a list whose size is an estimate: it knows whether a next row exists."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more if self.paginator.count_is_estimate else super().has_next()


class CountEstimatingPaginator(Paginator):
    """Django's Paginator with ``count`` from :func:`count_or_estimate` and ``count_is_estimate``.

    ``page(n)`` may return another page than n: the real last page when n lies past the end of a list
    whose size was over-estimated (that page's ``moved_from`` is n; None on every other page)."""

    count_is_estimate = False

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        count, self.count_is_estimate = count_or_estimate(self.object_list)
        return count

    def _set_exact(self, count: int) -> None:
        self.count_is_estimate = False
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)

    def page(self, number):
        number = self.validate_number(number)
        if not self.count_is_estimate:
            page = super().page(number)
            page.moved_from = None
            return page
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])  # one more: is there a next page?
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            # Past the end of an over-estimated list: count exactly and show the real last page.
            self._set_exact(self.object_list.count())
            page = super().page(self.num_pages)
            page.moved_from = number
            return page
        if not more:
            self._set_exact(bottom + len(rows))  # a short page ends the list: the exact count is known
        elif number >= self.num_pages:
            self.__dict__["count"] = bottom + len(rows) + 1  # under-estimated: at least one page more
            self.__dict__.pop("num_pages", None)
        page = EstimatedPage(rows, number, self, more=more)
        page.moved_from = None
        return page

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the estimated last page: an estimate may fall short of the real last page, try it.
            if self.count_is_estimate and int(number) > 0:
                return int(number)
            raise
