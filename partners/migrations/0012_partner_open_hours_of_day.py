import django.contrib.postgres.indexes
import django.db.models.expressions
import django.db.models.lookups
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# The hours of existing partners, computed as the triggers below will keep them
# (partners/models.py, ``_OPEN_HOURS_SQL``), before the indexes are built.
FILL = """
UPDATE partners_partner p SET open_hours_of_day = hours.bits
FROM (
    SELECT oi.partner_id, bit_or(1 << h.h) FILTER (WHERE CASE
        WHEN oi.closes < oi.opens THEN extract(epoch FROM oi.opens) < (h.h + 1) * 3600
            OR extract(epoch FROM oi.closes) > h.h * 3600
        ELSE extract(epoch FROM oi.opens) < (h.h + 1) * 3600
            AND extract(epoch FROM oi.closes) > h.h * 3600 END) AS bits
    FROM partners_openinginterval oi CROSS JOIN generate_series(0, 23) AS h(h)
    GROUP BY oi.partner_id
) AS hours
WHERE p.id = hours.partner_id AND hours.bits IS NOT NULL"""


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0011_partner_territory_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="open_hours_of_day",
            field=models.IntegerField(
                db_default=0, editable=False, verbose_name="hours of the day when open"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(2097152)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_21h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(4194304)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_22h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(8388608)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_23h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(1)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_00h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(2)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_01h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(4)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_02h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(8)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_03h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(16)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_04h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(32)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_05h_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("location"),
                condition=models.Q(
                    ("status", "approved"),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.expressions.CombinedExpression(
                            models.F("open_hours_of_day"), "&", models.Value(64)
                        ),
                        0,
                    ),
                ),
                name="partner_open_at_06h_idx",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="openinginterval",
            trigger=pgtrigger.compiler.Trigger(
                name="open_hours_kept_on_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nUPDATE partners_partner p SET open_hours_of_day = hours.bits\nFROM (\n    SELECT c.partner_id, coalesce(bit_or(1 << h.h) FILTER (WHERE CASE\n        WHEN oi.closes < oi.opens THEN extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            OR extract(epoch FROM oi.closes) > h.h * 3600\n        ELSE extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            AND extract(epoch FROM oi.closes) > h.h * 3600 END), 0) AS bits\n    FROM (SELECT DISTINCT partner_id FROM (SELECT partner_id FROM new_rows) AS changed) AS c\n    LEFT JOIN partners_openinginterval oi ON oi.partner_id = c.partner_id\n    LEFT JOIN generate_series(0, 23) AS h(h) ON true\n    GROUP BY c.partner_id\n) AS hours\nWHERE p.id = hours.partner_id AND p.open_hours_of_day <> hours.bits;\nRETURN NULL;",
                    hash="84b9ed378973722bf37bec30db7569fb71651f0d",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_open_hours_kept_on_insert_90d1d",
                    referencing="REFERENCING NEW TABLE AS new_rows ",
                    table="partners_openinginterval",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="openinginterval",
            trigger=pgtrigger.compiler.Trigger(
                name="open_hours_kept_on_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nUPDATE partners_partner p SET open_hours_of_day = hours.bits\nFROM (\n    SELECT c.partner_id, coalesce(bit_or(1 << h.h) FILTER (WHERE CASE\n        WHEN oi.closes < oi.opens THEN extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            OR extract(epoch FROM oi.closes) > h.h * 3600\n        ELSE extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            AND extract(epoch FROM oi.closes) > h.h * 3600 END), 0) AS bits\n    FROM (SELECT DISTINCT partner_id FROM (SELECT partner_id FROM new_rows UNION SELECT partner_id FROM old_rows) AS changed) AS c\n    LEFT JOIN partners_openinginterval oi ON oi.partner_id = c.partner_id\n    LEFT JOIN generate_series(0, 23) AS h(h) ON true\n    GROUP BY c.partner_id\n) AS hours\nWHERE p.id = hours.partner_id AND p.open_hours_of_day <> hours.bits;\nRETURN NULL;",
                    hash="6be8670e2cf6db7cf7bcc8506cf78923d55f4873",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_open_hours_kept_on_update_7ce91",
                    referencing="REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ",
                    table="partners_openinginterval",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="openinginterval",
            trigger=pgtrigger.compiler.Trigger(
                name="open_hours_kept_on_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nUPDATE partners_partner p SET open_hours_of_day = hours.bits\nFROM (\n    SELECT c.partner_id, coalesce(bit_or(1 << h.h) FILTER (WHERE CASE\n        WHEN oi.closes < oi.opens THEN extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            OR extract(epoch FROM oi.closes) > h.h * 3600\n        ELSE extract(epoch FROM oi.opens) < (h.h + 1) * 3600\n            AND extract(epoch FROM oi.closes) > h.h * 3600 END), 0) AS bits\n    FROM (SELECT DISTINCT partner_id FROM (SELECT partner_id FROM old_rows) AS changed) AS c\n    LEFT JOIN partners_openinginterval oi ON oi.partner_id = c.partner_id\n    LEFT JOIN generate_series(0, 23) AS h(h) ON true\n    GROUP BY c.partner_id\n) AS hours\nWHERE p.id = hours.partner_id AND p.open_hours_of_day <> hours.bits;\nRETURN NULL;",
                    hash="a947ce80970e8b7c29f93032354add5302d60454",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_open_hours_kept_on_delete_4ec25",
                    referencing="REFERENCING OLD TABLE AS old_rows ",
                    table="partners_openinginterval",
                    when="AFTER",
                ),
            ),
        ),
    ]
