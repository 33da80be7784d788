from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin whose default site asks staff for a TOTP code after the password:
    only a user with a verified django-otp device reaches it (README, "Staff accounts")."""

    default_site = "django_otp.admin.OTPAdminSite"
