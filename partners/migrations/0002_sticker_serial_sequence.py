from django.db import migrations

# Sticker serials come from one PostgreSQL sequence: nextval() is atomic across
# concurrent transactions and never hands out a value twice, even after a rollback,
# so a number is never reused. The unique constraint on sticker_number backs it up.


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE partners_sticker_serial START 1",
            "DROP SEQUENCE partners_sticker_serial",
        ),
    ]
