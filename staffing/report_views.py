"""The statutory reports page (/bao-cao/) and its downloads: for the Interior Office and administrators."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from staffing import reports
from wards import access

REPORTS = [
    ("bao_cao:roster", "Danh sách cán bộ, công chức các phường",
     "Trang tổng hợp theo phường và mỗi phường một trang, chức danh theo thứ tự cơ cấu."),
    ("bao_cao:findings", "Kết quả rà soát theo Nghị định 32/2021/NĐ-CP",
     "Tổng hợp số phát hiện theo phường và mức độ; chi tiết từng phát hiện theo phường, kèm căn cứ."),
    ("bao_cao:plan", "Danh sách dự kiến sắp xếp, bố trí cán bộ, công chức phường",
     "Phương án của từng cán bộ theo phường: chức danh hiện tại, phương án, nơi bố trí, ý kiến Chủ tịch phường."),
    ("bao_cao:headcount", "Số lượng cán bộ, công chức so với định mức trước và sau chuyển đổi",
     "Trước: cán bộ, công chức theo định mức loại phường; sau: công chức tính biên chế so với bình quân 15 người/phường."),
]  # fmt: skip


def _require(user):
    if not access.can(user, "view_district"):
        raise PermissionDenied("Báo cáo dành cho Phòng Nội vụ và Quản trị.")


def index(request):
    _require(request.user)
    return render(request, "staffing/reports.html", {"title": "Báo cáo", "reports": REPORTS})


def roster(request):
    _require(request.user)
    return reports.district_roster_response()


def findings(request):
    _require(request.user)
    return reports.findings_report_response()


def plan_report(request):
    _require(request.user)
    return reports.plan_report_response()


def headcount(request):
    _require(request.user)
    return reports.headcount_report_response()
