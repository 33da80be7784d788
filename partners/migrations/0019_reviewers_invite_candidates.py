from django.contrib.auth.management import create_permissions
from django.db import migrations

# Reviewers see and invite the candidates of their départements, and read their history.
PERMISSIONS = ["view_candidate", "change_candidate", "view_candidateevent"]


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    partners_config = apps.get_app_config("partners")
    partners_config.models_module = True
    create_permissions(partners_config, apps=apps, verbosity=0)
    partners_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Reviewer")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="partners", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Reviewer"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="partners", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0018_candidates_and_invitations")]

    operations = [migrations.RunPython(grant, revoke)]
