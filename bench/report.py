"""The printout and BENCHMARKS.md."""

import itertools

from bench.measures import Figure, Results

RERUN = """```sh
make bench                        # prints the figures and rewrites BENCHMARKS.md
make bench BENCH_ARGS=--strict    # exits non-zero when a target is missed or not measured
.venv/bin/python -m bench --help  # the other options (partner count, load duration...)
```

With `DATABASE_URL` unset the bench starts the project-local cluster and uses a database
`enlieusur_bench` in it; with `DATABASE_URL` set it uses the same server with the database's
name suffixed `_bench`. That database is dropped and recreated each run."""


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


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(results: Results, when: str, machine: dict, setup: dict) -> str:
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
    missing = [f for f in results.figures if f.status == "N/A"]
    if missing:
        lines += ["", "## Not available in this run", ""]
        lines += [f"- {f.section} — {f.name}: {f.note}" for f in missing]
    return "\n".join(lines) + "\n"
