from importlib import import_module

from django.contrib.auth.management import create_permissions
from django.db import migrations


def _reviewers(migration: str, name: str) -> list[str]:
    return getattr(import_module(f"partners.migrations.{migration}"), name)


# A région's coordinators (partners/staff/reviewers.py COORDINATOR), limited to its
# départements: everything a reviewer may do there (vetting, stickers, reports, candidates
# and invitations, checks and welcomes read), the région's coverage targets, and adding
# reviewers and checkers within the région. They change no user, delete no partner and
# import nothing (``import_candidates`` is the technical team's).
COORDINATOR_PERMISSIONS = [
    *_reviewers("0007_reviewer_group", "REVIEWER_PERMISSIONS"),
    *_reviewers("0019_reviewers_invite_candidates", "PERMISSIONS"),
    *_reviewers("0022_checker_group", "REVIEWER_PERMISSIONS"),
    "view_welcome",  # given to reviewers by 0024
    "view_coveragetarget",
    "add_coveragetarget",
    "change_coveragetarget",
    "delete_coveragetarget",
    "add_staff_in_scope",
]


def create_coordinator_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    partners_config = apps.get_app_config("partners")
    partners_config.models_module = True
    create_permissions(partners_config, apps=apps, verbosity=0)
    partners_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinator")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="partners", codename__in=COORDINATOR_PERMISSIONS
        )
    )


def delete_coordinator_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Coordinator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0025_coverage_targets"),
    ]

    operations = [migrations.RunPython(create_coordinator_group, delete_coordinator_group)]
