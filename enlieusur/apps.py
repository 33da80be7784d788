from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig
from django_tasks_db.apps import TasksAppConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin whose default site asks staff for a TOTP code with the password
    (partners/staff/site.py): only a user with a verified django-otp device reaches it
    (README, "Staff accounts")."""

    default_site = "partners.staff.site.StaffAdminSite"


# Third-party apps under names staff read in their language on the admin's home page (their
# own are English words, not translatable). Their labels, and so their tables, are unchanged.
class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = _("Two-factor sign-in: authenticator apps")


class BackupCodesConfig(StaticConfig):
    verbose_name = _("Two-factor sign-in: backup codes")


class TaskQueueConfig(TasksAppConfig):
    verbose_name = _("Task queue (emails)")
