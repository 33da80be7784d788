"""The gazetteer's communes as a table, for what PostgreSQL must do with every commune at once:
the coverage's nearest-partner queries (``partners/services/coverage.py``).

``communes.csv`` stays the source; the table follows it. ``load_communes`` brings the table up
to date (added, changed, removed rows) and is cheap enough to run before each use (about
0.3 s for the 34,963 communes), so a rebuilt CSV needs no data migration. The rest of the
gazetteer (``communes.py``, ``build.py``) has no Django and reads the CSV itself.
"""

from django.contrib.gis.db import models
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from gazetteer import communes
from partners.domain import territories


class Commune(models.Model):
    insee = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    department = models.CharField(_("département"), max_length=3)
    population = models.PositiveIntegerField(_("population"))
    # Geography, like a partner's location: distances in metres on the spheroid, and the
    # same `<->` ordering.
    location = models.PointField(_("location"), geography=True, srid=4326)
    # Its territory and that territory's time zone, a partner's ``territory_code`` and
    # ``time_zone`` for the same département.
    territory_code = models.CharField(_("territory"), max_length=9)
    time_zone = models.CharField(_("time zone"), max_length=40)

    class Meta:
        ordering = ["insee"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.department})"


_COLUMNS = ("insee", "name", "department", "population", "location", "territory_code", "time_zone")


def _copy_line(commune: communes.Commune) -> str:
    territory = territories.territory_of(commune.department)
    cells = (
        commune.insee,
        commune.name,
        commune.department,
        str(commune.population),
        f"SRID=4326;POINT({commune.lon!r} {commune.lat!r})",
        territory.code,
        territory.timezone,
    )
    # The gazetteer's names hold no tab, newline or backslash (COPY's text format).
    return "\t".join(cells) + "\n"


_UPSERT_SQL = """WITH written AS (
    INSERT INTO gazetteer_commune AS g ({columns}) SELECT {columns} FROM commune_csv
    ON CONFLICT (insee) DO UPDATE SET {updates}
    WHERE ({old}) IS DISTINCT FROM ({new})
    RETURNING xmax = 0 AS added
) SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM written"""


def _compared(row: str) -> sql.Composed:
    # A point compared as its bytes: geography's `=` compares bounding boxes, in float4.
    return sql.SQL(", ").join(
        sql.SQL("{}.{}{}").format(
            sql.Identifier(row), sql.Identifier(c), sql.SQL("::bytea" if c == "location" else "")
        )
        for c in _COLUMNS[1:]
    )


@transaction.atomic
def load_communes() -> dict[str, int]:
    """The table as ``communes.csv`` has it; how many rows were added, changed, removed."""
    columns = sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
    upsert = sql.SQL(_UPSERT_SQL).format(
        columns=columns,
        updates=sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in _COLUMNS[1:]
        ),
        old=_compared("g"),
        new=_compared("excluded"),
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE commune_csv (LIKE gazetteer_commune) ON COMMIT DROP")
        copy_sql = sql.SQL("COPY commune_csv ({}) FROM STDIN").format(columns)
        with cursor.cursor.copy(copy_sql) as copy:
            copy.write("".join(_copy_line(c) for c in communes.all_communes()))
        cursor.execute(upsert)
        added, changed = cursor.fetchone()
        # Both tables' statistics as they now are: a temporary table has none until
        # analysed, and the gazetteer's may say "empty" (a table emptied, then loaded
        # here). PostgreSQL would then compare every commune with every other in the DELETE
        # below (minutes, seen in the test suite) instead of hashing them.
        cursor.execute("ANALYZE commune_csv")
        cursor.execute("ANALYZE gazetteer_commune")
        cursor.execute(
            "DELETE FROM gazetteer_commune g "
            "WHERE NOT EXISTS (SELECT 1 FROM commune_csv c WHERE c.insee = g.insee)"
        )
        removed = cursor.rowcount
        # Not left to the commit: a caller's transaction may load twice (tests do).
        cursor.execute("DROP TABLE commune_csv")
    return {"added": added, "changed": changed, "removed": removed}
