from django.contrib.auth.management import create_permissions
from django.db import migrations

# Reviewers vet and edit partners and resolve reports. They delete nothing and manage
# no users; administrators are superusers.
REVIEWER_PERMISSIONS = [
    "view_partner",
    "change_partner",
    "view_partnerevent",
    "add_openinginterval",
    "change_openinginterval",
    "delete_openinginterval",
    "view_openinginterval",
    "view_charter",
    "view_report",
    "change_report",
]


def create_reviewer_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    partners_config = apps.get_app_config("partners")
    partners_config.models_module = True
    create_permissions(partners_config, apps=apps, verbosity=0)
    partners_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Reviewer")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="partners", codename__in=REVIEWER_PERMISSIONS
        )
    )


def delete_reviewer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reviewer").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0006_reports_and_reviewer_scopes"),
    ]

    operations = [migrations.RunPython(create_reviewer_group, delete_reviewer_group)]
