from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0024_read_only_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reviewerscope",
            options={
                "permissions": [
                    ("add_staff_in_scope", "Can add reviewers and checkers in their départements")
                ],
                "verbose_name": "reviewer's départements",
                "verbose_name_plural": "reviewers' départements",
            },
        ),
        migrations.CreateModel(
            name="CoverageTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "region",
                    models.CharField(
                        choices=[
                            ("Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"),
                            ("Bourgogne-Franche-Comté", "Bourgogne-Franche-Comté"),
                            ("Bretagne", "Bretagne"),
                            ("Centre-Val de Loire", "Centre-Val de Loire"),
                            ("Corse", "Corse"),
                            ("Grand Est", "Grand Est"),
                            ("Guadeloupe", "Guadeloupe"),
                            ("Guyane", "Guyane"),
                            ("Hauts-de-France", "Hauts-de-France"),
                            ("La Réunion", "La Réunion"),
                            ("Martinique", "Martinique"),
                            ("Mayotte", "Mayotte"),
                            ("Normandie", "Normandie"),
                            ("Nouvelle-Aquitaine", "Nouvelle-Aquitaine"),
                            ("Nouvelle-Calédonie", "Nouvelle-Calédonie"),
                            ("Occitanie", "Occitanie"),
                            ("Pays de la Loire", "Pays de la Loire"),
                            ("Polynésie française", "Polynésie française"),
                            ("Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"),
                            ("Saint-Barthélemy", "Saint-Barthélemy"),
                            ("Saint-Martin", "Saint-Martin"),
                            ("Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon"),
                            ("Wallis-et-Futuna", "Wallis-et-Futuna"),
                            ("Île-de-France", "Île-de-France"),
                        ],
                        max_length=40,
                        verbose_name="région",
                    ),
                ),
                (
                    "moment",
                    models.CharField(
                        choices=[
                            ("day", "Day (any approved partner)"),
                            ("weekday_22h", "Weekday night, 22:00 (Wednesday)"),
                            ("weekday_03h", "Weekday night, 03:00 (Thursday morning)"),
                            ("saturday_22h", "Saturday night, 22:00"),
                            ("saturday_03h", "Saturday night, 03:00 (Sunday morning)"),
                        ],
                        default="day",
                        max_length=20,
                        verbose_name="moment",
                    ),
                ),
                (
                    "share",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(
                                Decimal("0.1"),
                                "Give a share of at least 0.1 and at most 100 (percent).",
                            ),
                            django.core.validators.MaxValueValidator(
                                100, "Give a share of at least 0.1 and at most 100 (percent)."
                            ),
                        ],
                        verbose_name="share of the population within 5 km (%)",
                    ),
                ),
                ("by", models.DateField(verbose_name="to reach by")),
                ("set_at", models.DateTimeField(auto_now=True, verbose_name="set at")),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="set by",
                    ),
                ),
            ],
            options={
                "verbose_name": "coverage target",
                "verbose_name_plural": "coverage targets",
                "ordering": ["region", "moment", "by"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region", "moment", "by"), name="coverage_target_once_a_date"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("share__gt", 0), ("share__lte", 100)),
                        name="coverage_target_share_percent",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "region__in",
                                [
                                    "Auvergne-Rhône-Alpes",
                                    "Bourgogne-Franche-Comté",
                                    "Bretagne",
                                    "Centre-Val de Loire",
                                    "Corse",
                                    "Grand Est",
                                    "Guadeloupe",
                                    "Guyane",
                                    "Hauts-de-France",
                                    "La Réunion",
                                    "Martinique",
                                    "Mayotte",
                                    "Normandie",
                                    "Nouvelle-Aquitaine",
                                    "Nouvelle-Calédonie",
                                    "Occitanie",
                                    "Pays de la Loire",
                                    "Polynésie française",
                                    "Provence-Alpes-Côte d'Azur",
                                    "Saint-Barthélemy",
                                    "Saint-Martin",
                                    "Saint-Pierre-et-Miquelon",
                                    "Wallis-et-Futuna",
                                    "Île-de-France",
                                ],
                            )
                        ),
                        name="coverage_target_region_valid",
                    ),
                ],
            },
        ),
    ]
