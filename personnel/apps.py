from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "Cán bộ, công chức"
