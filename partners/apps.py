from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Safe places")

    def ready(self):
        from partners.staff import admin  # noqa: F401 (registers the staff's admin pages)
