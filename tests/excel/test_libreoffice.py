"""Every kind of exported file opens in LibreOffice headless (no repair, no failure): converted to CSV, it
shows the header block, the column headers and the rows as written. Skipped only where LibreOffice is not
installed and CI is unset; in CI (CI=true) it always runs."""

import csv
import os
import shutil
import subprocess

import pytest

from staffing import plan
from staffing.models import Outcome
from tests.helpers import PASSWORD, make_official

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        SOFFICE is None and not os.environ.get("CI"),
        reason="LibreOffice (soffice) is not installed; CI installs it (.ci/run)",
    ),
]

EXPORTS = {
    "phuong": "/phuong/?export=xlsx",
    "can-bo": "/can-bo/?export=xlsx",
    "mau": "/can-bo/nhap-excel/mau/",
    "phat-hien": "/phat-hien/?export=xlsx",
    "de-xuat": "/ke-hoach/de-xuat/?export=xlsx",
    "bc-danh-sach": "/bao-cao/danh-sach-can-bo.xlsx",
    "bc-ra-soat": "/bao-cao/ket-qua-ra-soat.xlsx",
    "bc-sap-xep": "/bao-cao/du-kien-sap-xep.xlsx",
    "bc-bien-che": "/bao-cao/bien-che.xlsx",
}


def test_every_exported_file_opens_in_libreoffice(client, users, roster, wards, portal_day, tmp_path):
    assert SOFFICE, "CI=true but LibreOffice is not installed: .ci/run installs libreoffice-calc-nogui"
    make_official(wards[0], "VH_XH", code="INJ1", full_name="Lý Văn Hiểm", notes="=1+1")
    plan.proposal_create(actor=users["noivu"], official=roster["chair1"], outcome=Outcome.KEEP)
    client.login(username="admin", password=PASSWORD)
    files = []
    for name, url in EXPORTS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(b"".join(response.streaming_content))
        files.append(path)
    out = tmp_path / "csv"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tables = {}
    for path in files:
        converted = out / f"{path.stem}.csv"
        assert converted.exists(), f"{path.name} was not converted: {result.stdout} {result.stderr}"
        with converted.open(encoding="utf-8") as handle:
            tables[path.stem] = list(csv.reader(handle))
    for name, rows in tables.items():
        assert rows[0][0] == "UBND QUẬN THỬ", name
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0], name
        assert rows[7][0] == "STT", name
    officials = tables["can-bo"]
    assert officials[7][1:4] == ["Mã cán bộ", "Họ và tên", "Giới tính"]
    injected = next(r for r in officials if len(r) > 1 and r[1] == "INJ1")
    assert injected[-1] == "=1+1"  # stored as text: LibreOffice shows it, does not compute 2
    chair = next(r for r in officials if len(r) > 1 and r[1] == "W1CT")
    assert chair[4] == "15/03/1970"
