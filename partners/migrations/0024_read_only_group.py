from django.contrib.auth.management import create_permissions
from django.db import migrations

# Institutions (police and gendarmerie liaison officers, funding cities and régions) read
# partners, their hours and the welcomes' figures: nothing else, and no change. Who is in
# this group is also hidden the contact person and refused every export and action
# (partners/staff/institutions.py).
READ_ONLY_PERMISSIONS = [
    "view_partner",
    "view_openinginterval",
    "view_closure",
    "view_charter",
    "view_welcome",
]


def create_read_only_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    partners_config = apps.get_app_config("partners")
    partners_config.models_module = True
    create_permissions(partners_config, apps=apps, verbosity=0)
    partners_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Read-only")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="partners", codename__in=READ_ONLY_PERMISSIONS
        )
    )
    # Reviewers see the welcomes' figures of their départements too.
    reviewer = Group.objects.filter(name="Reviewer").first()
    if reviewer is not None:
        reviewer.permissions.add(
            Permission.objects.get(content_type__app_label="partners", codename="view_welcome")
        )


def delete_read_only_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Read-only").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0023_welcomes_and_read_only_access"),
    ]

    operations = [migrations.RunPython(create_read_only_group, delete_read_only_group)]
