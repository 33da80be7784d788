"""The printout and BENCHMARKS.md."""

import itertools

from bench import growth
from bench.measures import Figure, Results

RERUN = """```sh
make bench                        # prints the figures and rewrites BENCHMARKS.md
make bench BENCH_ARGS=--strict    # exits non-zero when a target is missed or not measured
make bench COUNTS=10000,100000,1000000  # and how each cost grows (one database per size)
.venv/bin/python -m bench --help  # the other options (partner count, load duration...)
```

With `DATABASE_URL` unset the bench starts the project-local cluster and uses a database
`enlieusur_bench_<count>` in it; with `DATABASE_URL` set it uses the same server with the
database's name suffixed `_bench_<count>`. A database seeded before with the same count,
seed and demo code is kept for the next run (its comment says so), any other is dropped and
seeded again. `make bench COUNTS=10000,100000,1000000` adds the growth table below."""


def _by_section(figures: list[Figure]):
    return itertools.groupby(figures, key=lambda f: f.section)


def print_results(results: Results) -> None:
    for section, figures in _by_section(results.figures):
        print(f"\n{section}")
        for f in figures:
            verdict = f.status or ""
            target = f"target {f.target}" if f.target else ""
            note = f"  ({f.note})" if f.note else ""
            print(f"  {f.name:<38} {f.value:<28} {target:<22} {verdict:<4}{note}")
        if section.startswith("1.") and results.details.get("api_plan"):
            print("  API query plan, key lines:")
            for line in results.details["api_plan"]:
                print(f"    {line}")
        if section.startswith("1.") and results.details.get("raw_plan"):
            print("  raw SQL plan, key lines:")
            for line in results.details["raw_plan"]:
                print(f"    {line}")
    counts = {s: sum(f.status == s for f in results.figures) for s in ("PASS", "MISS", "N/A")}
    print(f"\n{counts['PASS']} PASS, {counts['MISS']} MISS, {counts['N/A']} not available")


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    digits = 0 if value >= 100 or unit in {"req/s", "KB"} else 1
    return f"{value:,.{digits}f} {unit}"


def growth_rows(growths: list[growth.Growth]) -> list[list[str]]:
    """The growth table: a figure a row, a size a column, then the slopes between sizes and
    the verdict of the target at 1,000,000 partners."""
    verdicts = growth.verdicts(growths)
    rows = []
    for key, label, unit in growth.FIGURES:
        cells = [_number(g.values.get(key), unit) for g in growths]
        slopes = [growth.slope(a, b, key) for a, b in itertools.pairwise(growths)]
        target, ok = verdicts.get(key, ("", None))
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        notes = "; ".join(f"{g.count:,}: {g.notes[key]}" for g in growths if key in g.notes)
        rows.append([label, *cells, " → ".join(s for s in slopes if s), target, verdict, notes])
    return rows


def print_growth(growths: list[growth.Growth]) -> None:
    if not growths:
        return
    print("\nGrowth: " + ", ".join(f"{g.count:,}" for g in growths) + " partners")
    for label, *cells in growth_rows(growths):
        print(f"  {label:<46} " + " | ".join(cells[: len(growths) + 3]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(results: Results, when: str, machine: dict, setup: dict, growths=()) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {when}, with {setup['partners']:,} approved demo "
        f"partners (`seed_demo --seed {setup['seed']}`), the app served by {setup['server']} "
        f"(DEBUG=0; the production settings with `bench/urls.py`, the app's URLconf and one "
        f"address for the floor) on loopback. Code: commit {setup['code']}.",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPUs (`nproc`) | {machine['cpus']} |",
        f"| CPU model | {machine['cpu']} |",
        f"| memory | {machine['memory']} |",
        f"| system | {machine['os']} |",
        f"| Python | {machine['python']} |",
        f"| PostgreSQL / PostGIS | {machine['postgresql']} / {machine['postgis']} |",
        f"| load average (1 min; other work on the machine skews the figures) | {setup['load']} |",
        f"| database set-up (create, migrate, seed, analyse) | {setup['seconds']:.0f} s |",
        "",
        "## How to rerun",
        "",
        RERUN,
        "",
        "## Results",
        "",
        "`not available` marks a figure the code being measured cannot give yet (the reason is "
        "in the note); it is never estimated.",
    ]
    for section, figures in _by_section(results.figures):
        lines += ["", f"### {section}", "", "| figure | value | target | verdict | note |"]
        lines.append("| --- | --- | --- | --- | --- |")
        for f in figures:
            lines.append(
                f"| {_cell(f.name)} | {_cell(f.value)} | {_cell(f.target)} | "
                f"{f.status} | {_cell(f.note)} |"
            )
        if section.startswith("1."):
            for key, title in (("api_plan", "API query"), ("raw_plan", "raw SQL")):
                if results.details.get(key):
                    lines += ["", f"{title}, `EXPLAIN (ANALYZE, BUFFERS)` key lines:", "", "```"]
                    lines += results.details[key]
                    lines.append("```")
    if growths:
        sizes = [f"{g.count:,}" for g in growths]
        lines += [
            "",
            "## Growth",
            "",
            "Each size in its own database, served alike (`--counts`). The slope between two "
            "sizes: flat (within 15 %), logarithmic (no faster than the logarithm of the "
            "count), sub-linear, or linear (an exponent of 0.8 or more); or how far it falls "
            "(a throughput). Targets are those set for 1,000,000 partners.",
            "",
            "| figure | " + " | ".join(sizes) + " | slope | target at 1,000,000 | verdict | note |",
            "| --- | " + " | ".join("---" for _ in sizes) + " | --- | --- | --- | --- |",
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in growth_rows(growths)]
    missing = [f for f in results.figures if f.status == "N/A"]
    if missing:
        lines += ["", "## Not available in this run", ""]
        lines += [f"- {f.section} — {f.name}: {f.note}" for f in missing]
    return "\n".join(lines) + "\n"
