"""`make bench`: the app at 100,000 partners, measured against the targets of issue 7.

Run ``python -m bench --help``. The bench builds its own database (never the development
one), serves the app with gunicorn as in production on a free loopback port, measures,
prints each figure beside its target, and writes ``BENCHMARKS.md``.
"""
