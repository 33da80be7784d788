"""Staff accounts: a new reviewer, checker, région's coordinator or read-only account, with
their départements and their two-factor device."""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import ReviewerScope

# Created by migrations with their permissions (partners/migrations/0007_reviewer_group.py,
# 0022_checker_group.py, 0026_coordinator_group.py for a région's coordinators, and
# 0024_read_only_group.py for institutions' accounts: partners/staff/institutions.py).
REVIEWER_GROUP = "Reviewer"
CHECKER_GROUP = "Checker"
COORDINATOR_GROUP = "Coordinator"
READ_ONLY_GROUP = "Read-only"


@transaction.atomic
def create_staff_member(
    *,
    group: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    departments: list[str] | None,
    totp_key: str,
    totp_last_t: int,
    device_name: str,
    by,
):
    """A staff user in ``group``, signing in with ``email`` as user name and a
    confirmed TOTP device (``totp_key``, hex, whose code at time step ``totp_last_t`` was
    just checked, so that code cannot sign in again); limited to ``departments`` unless
    None."""
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))
    if departments is not None:
        ReviewerScope.objects.create(user=user, departments=departments)
    TOTPDevice.objects.create(
        user=user, name=device_name, key=totp_key, confirmed=True, last_t=totp_last_t
    )
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=ADDITION,
        change_message=[{"added": {}}],
        single_object=True,
    )
    return user
