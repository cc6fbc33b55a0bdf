"""The pre-reform quota of cán bộ and công chức per ward class, for the "before" side of the headcount report."""

from django.db import migrations

KEY = "pre_reform_quota"


def load(apps, schema_editor):
    Reform = apps.get_model("staffing", "Reform")
    Parameter = apps.get_model("staffing", "Parameter")
    for reform in Reform.objects.filter(code="ND32-2021"):
        Parameter.objects.update_or_create(
            reform=reform,
            key=KEY,
            defaults={
                "label": "Số lượng tối đa trước chuyển đổi theo loại phường: cán bộ, công chức, tổng",
                "value": {"I": [10, 13, 23], "II": [9, 12, 21], "III": [9, 10, 19]},
                "unit": "người",
                "citation": (
                    "Nghị định 34/2019/NĐ-CP (tối đa 23/21/19 cán bộ, công chức phường loại I/II/III); "
                    "phân bổ của UBND Thành phố Hà Nội: 10+13, 9+12, 9+10"
                ),
                "is_default": False,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("staffing", "Parameter").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0002_reform_nd32_2021")]
    operations = [migrations.RunPython(load, unload)]
