from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin whose default site asks staff for a TOTP code with the password
    (partners/staff/site.py): only a user with a verified django-otp device reaches it
    (README, "Staff accounts")."""

    default_site = "partners.staff.site.StaffAdminSite"
