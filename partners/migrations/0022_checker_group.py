from django.contrib.auth.management import create_permissions
from django.db import migrations

# Checkers record mystery checks on their own pages (partners/staff/checks.py): they see
# no partner's admin page, no contact person, and decide nothing. Reviewers read the checks
# to decide on a suspension.
CHECKER_PERMISSIONS = ["add_check"]
REVIEWER_PERMISSIONS = ["view_check"]


def create_checker_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    partners_config = apps.get_app_config("partners")
    partners_config.models_module = True
    create_permissions(partners_config, apps=apps, verbosity=0)
    partners_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Checker")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="partners", codename__in=CHECKER_PERMISSIONS
        )
    )
    for reviewers in Group.objects.filter(name="Reviewer"):
        reviewers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="partners", codename__in=REVIEWER_PERMISSIONS
            )
        )


def delete_checker_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Checker").delete()
    # The permission itself goes with the Check model, and with it the reviewers' grant.


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0021_mystery_checks"),
    ]

    operations = [migrations.RunPython(create_checker_group, delete_checker_group)]
