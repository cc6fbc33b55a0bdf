"""Two administrators running the cutover at the same moment: the Reform row lock lets one run it; the other
then finds it executed and changes nothing. Row locks exist on PostgreSQL only (a no-op on SQLite)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from staffing import plan
from staffing.models import CutoverRun, Outcome
from tests.helpers import make_official, make_user, make_wards


@pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_cutover_runs_execute_it_once():
    wards = make_wards()
    admin, noivu = make_user("admin", "quan_tri"), make_user("noivu", "noi_vu")
    for i, ward in enumerate(wards):
        make_official(ward, "CHU_TICH", code=f"CT{i}", political_theory=2, birth=dt.date(1975, 1, 1))
        make_official(ward, "PHO_CHU_TICH", code=f"PCT{i}", political_theory=2, birth=dt.date(1978, 1, 1))
    leaving = make_official(wards[0], "PHO_CHU_TICH_HDND", code="HD0", birth=dt.date(1970, 1, 1))
    p = plan.proposal_create(actor=noivu, official=leaving, outcome=Outcome.LEAVE, policy_basis="NĐ 26/2015")
    plan.proposal_approve(actor=noivu, proposal=p)
    assert plan.cutover_preview().can_run

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(plan.cutover_execute(actor=admin)[1])
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, True]
    assert CutoverRun.objects.count() == 1
