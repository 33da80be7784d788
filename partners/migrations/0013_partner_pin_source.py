"""Who placed each partner's pin (``Partner.pin_source``). Partners recorded before are
left blank ("not recorded"), except those whose pin is exactly their town's centre: the
default without a geocoder, marked unconfirmed so staff place them before approving."""

from django.db import migrations, models


def mark_town_centres(apps, schema_editor):
    from gazetteer import communes as gazetteer

    Partner = apps.get_model("partners", "Partner")
    marked = []
    for partner in Partner.objects.filter(location__isnull=False).only(
        "pk", "postcode", "insee_code", "location"
    ):
        communes = gazetteer.by_postcode(partner.postcode)
        commune = next((c for c in communes if c.insee == partner.insee_code), None)
        if commune is None:
            continue
        point = partner.location
        if (round(point.x, 6), round(point.y, 6)) == (round(commune.lon, 6), round(commune.lat, 6)):
            partner.pin_source = "town"
            marked.append(partner)
    Partner.objects.bulk_update(marked, ["pin_source"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0012_partner_open_hours_of_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="pin_source",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("venue", "placed by the venue"),
                    ("geocoder", "placed from the address by the geocoder"),
                    ("town", "town centre only (unconfirmed)"),
                    ("staff", "placed or confirmed by staff"),
                ],
                max_length=10,
                verbose_name="pin placed by",
            ),
        ),
        migrations.RunPython(mark_town_centres, migrations.RunPython.noop, elidable=True),
    ]
