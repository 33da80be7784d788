"""Computing the coverage (``partners.domain.coverage``): every commune's distance to the nearest
approved partner, by day and at night, kept as a run (``CoverageRun``) with a row a commune.

PostgreSQL does the work: one statement a batch of communes, where each commune's nearest
partner at each moment is a KNN query (`<->` on the spatial index, ``LIMIT 1``) in a LATERAL
join. At night the query walks the partial index of the partners open at some minute of that
hour (``open_in_hour``, ``NIGHT_HOURS``), and ``OPEN_AT_SQL`` decides for the day and the
partner's zone, dated closures included. Batches only give the progress bar its steps; the
whole computation is one transaction, so a page never sees half of it.

Nightly from cron (``manage.py compute_coverage``); ``compute`` is what the command and
``make bench`` time.
"""

import datetime
import itertools

from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from enlieusur import progress
from gazetteer.models import Commune, load_communes
from partners.domain.coverage import MOMENTS
from partners.models import (
    OPEN_AT_SQL,
    CommuneCoverage,
    CoverageRun,
    Partner,
    Status,
)
from partners.public.search import MAX_KM

REACH = MAX_KM * 1000
BATCH = 2_000

# The nearest approved partner of the commune's territory within reach, at one moment. The
# box (``&&``) bounds the index's walk when nothing is within reach (an overseas territory
# without partners), as in the nearest search (partners/public/search.py). `<->` ranks on
# the sphere: the partner kept may be up to 0.6 % farther than one a little nearer on the
# spheroid, whose distance (``ST_Distance``) is the one stored.
_NEAREST_SQL = """LEFT JOIN LATERAL (
    SELECT ST_Distance(p.location, c.location) AS metres FROM partners_partner p
    WHERE p.status = {approved} AND {at_night} p.territory_code = c.territory_code
        AND p.location && _ST_Expand(c.location, {reach}) {open_at}
    ORDER BY p.location <-> c.location
    LIMIT 1
) AS {alias} ON true"""

_MEASURE_SQL = """INSERT INTO partners_communecoverage
    (run_id, insee, department, population, {fields})
SELECT {run}, c.insee, c.department, c.population, {distances}
FROM gazetteer_commune c
{nearest}
WHERE c.insee = ANY({communes})"""


def measure_sql(run: int, today: datetime.date) -> sql.Composed:
    """The statement measuring the communes whose codes ``%(communes)s`` lists for ``run``,
    its nights the next ones from ``today``."""
    nearest, distances = [], []
    for moment in MOMENTS:
        alias = sql.Identifier(moment.key)
        at_night, open_at = sql.SQL(""), sql.SQL("")
        if moment.hour is not None:
            # Written as the partial index's condition (``open_in_hour``; the hour is one of
            # the ``NIGHT_HOURS``, tests/services/test_coverage.py), so that PostgreSQL sees
            # the index applies.
            at_night = sql.SQL("(p.open_hours_of_day & {}) > 0 AND").format(
                sql.Literal(1 << moment.hour)
            )
            when = sql.SQL("timezone(c.time_zone, {}::timestamp)").format(
                sql.Literal(moment.instant(today).isoformat())
            )
            open_at = sql.SQL("AND ") + sql.SQL(OPEN_AT_SQL).format(
                partner=sql.SQL("p.id"), zone=sql.SQL("p.time_zone"), when=when
            )
        nearest.append(
            sql.SQL(_NEAREST_SQL).format(
                approved=sql.Literal(Status.APPROVED.value),
                at_night=at_night,
                reach=sql.Literal(REACH),
                open_at=open_at,
                alias=alias,
            )
        )
        distances.append(
            sql.SQL("CASE WHEN {alias}.metres <= {reach} THEN {alias}.metres END").format(
                alias=alias, reach=sql.Literal(REACH)
            )
        )
    return sql.SQL(_MEASURE_SQL).format(
        fields=sql.SQL(", ").join(sql.Identifier(m.field) for m in MOMENTS),
        run=sql.Literal(run),
        distances=sql.SQL(", ").join(distances),
        nearest=sql.SQL("\n").join(nearest),
        communes=sql.Placeholder("communes"),
    )


@transaction.atomic
def compute(*, today: datetime.date | None = None) -> dict[str, int]:
    """Measures every commune for ``today`` (the site's date by default), replacing that
    day's run and the month's earlier one. Returns the counts: communes measured, approved
    partners, and the gazetteer table's changes (``load_communes``)."""
    today = today or timezone.localdate()
    loaded = load_communes()
    # Each past month keeps its last run, this month only the latest: this one.
    CoverageRun.objects.filter(
        computed_on__year=today.year, computed_on__month=today.month
    ).delete()
    nights = {m.evening: m.night_of(today) for m in MOMENTS if m.evening is not None}
    run = CoverageRun.objects.create(
        computed_on=today,
        weekday_night=nights[3],
        saturday_night=nights[6],
        partners=Partner.objects.public().count(),
    )
    codes = list(Commune.objects.order_by("insee").values_list("insee", flat=True))
    statement = measure_sql(run.pk, today).as_string(connection.connection)
    with (
        connection.cursor() as cursor,
        progress.bar(len(codes), "Measuring communes", unit="communes") as bar,
    ):
        for batch in itertools.batched(codes, BATCH):
            cursor.execute(statement, {"communes": list(batch)})
            bar.update(len(batch))
    return {
        "communes": CommuneCoverage.objects.filter(run=run).count(),
        "partners": run.partners,
        **{f"communes_{change}": n for change, n in loaded.items()},
    }
