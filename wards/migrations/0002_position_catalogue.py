"""The catalogue of ward posts of domain.md §2, before and after the Decree 32 reform, with stable codes."""

from django.db import migrations

# code, title, short title, kind, leadership, in the UBND phường after 01/7/2021, display order
POSITIONS = [
    ("BI_THU_DANG_UY", "Bí thư Đảng ủy phường", "Bí thư ĐU", "can_bo", True, False, 10),
    ("PHO_BI_THU_DANG_UY", "Phó Bí thư Đảng ủy phường", "Phó Bí thư ĐU", "can_bo", True, False, 20),
    ("CHU_TICH_HDND", "Chủ tịch HĐND phường", "CT HĐND", "can_bo", True, False, 30),
    ("PHO_CHU_TICH_HDND", "Phó Chủ tịch HĐND phường", "PCT HĐND", "can_bo", True, False, 40),
    ("CHU_TICH", "Chủ tịch UBND phường", "Chủ tịch UBND", "can_bo", True, True, 50),
    ("PHO_CHU_TICH", "Phó Chủ tịch UBND phường", "PCT UBND", "can_bo", True, True, 60),
    ("CHU_TICH_MTTQ", "Chủ tịch Ủy ban MTTQ Việt Nam phường", "CT MTTQ", "can_bo", True, False, 70),
    ("BI_THU_DOAN", "Bí thư Đoàn TNCS Hồ Chí Minh phường", "Bí thư Đoàn", "can_bo", True, False, 80),
    ("CHU_TICH_HOI_PHU_NU", "Chủ tịch Hội Liên hiệp Phụ nữ phường", "CT Hội LHPN", "can_bo", True, False, 90),
    ("CHU_TICH_HOI_CCB", "Chủ tịch Hội Cựu chiến binh phường", "CT Hội CCB", "can_bo", True, False, 100),
    ("TRUONG_CONG_AN", "Trưởng Công an phường", "Trưởng CA", "cong_an", True, True, 110),
    ("CHT_QUAN_SU", "Chỉ huy trưởng Ban Chỉ huy quân sự phường", "CHT Quân sự", "cong_chuc", False, True, 120),
    ("VP_TK", "Văn phòng – Thống kê", "VP–TK", "cong_chuc", False, True, 130),
    ("DC_XD_DT_MT", "Địa chính – Xây dựng – Đô thị và Môi trường", "ĐC–XD–ĐT–MT", "cong_chuc", False, True, 140),
    ("TC_KT", "Tài chính – Kế toán", "TC–KT", "cong_chuc", False, True, 150),
    ("TP_HT", "Tư pháp – Hộ tịch", "TP–HT", "cong_chuc", False, True, 160),
    ("VH_XH", "Văn hóa – Xã hội", "VH–XH", "cong_chuc", False, True, 170),
]


def load(apps, schema_editor):
    Position = apps.get_model("wards", "Position")
    for code, title, short, kind, leadership, in_ubnd, order in POSITIONS:
        Position.objects.update_or_create(
            code=code,
            defaults={"title": title, "short_title": short, "kind": kind, "is_leadership": leadership,
                      "in_ubnd": in_ubnd, "display_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("wards", "Position").objects.filter(code__in=[p[0] for p in POSITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("wards", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
