"""Progress bars for the long commands (``seed_demo``, ``make bench``, imports and
computations): the step, the count and the time left, on the terminal's standard error.

tqdm draws them, and draws nothing when standard error is not a terminal (a pipe, a log
file, CI, cron): the commands then say only what they said before. ``ENLIEUSUR_PROGRESS=1``
forces the bars on and ``=0`` off, whatever the output.
"""

import os
import sys
from collections.abc import Iterable, Iterator

from tqdm import tqdm


def _disabled() -> bool | None:
    forced = os.environ.get("ENLIEUSUR_PROGRESS", "")
    if forced in {"0", "1"}:
        return forced == "0"
    return None  # tqdm's own rule: off unless standard error is a terminal


def bar(total: int | None, step: str, unit: str = "") -> tqdm:
    """A bar of ``total`` items for ``step``; ``update(n)`` moves it, ``close()`` ends it."""
    return tqdm(
        total=total,
        desc=step,
        unit=f" {unit}" if unit else "it",
        unit_scale=(total or 0) >= 10_000,  # "26.0k/100k", and "60/60" below
        dynamic_ncols=True,
        file=sys.stderr,
        disable=_disabled(),
        # Step, count and share, elapsed and time left, then the rate.
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
        "[{elapsed}<{remaining}, {rate_fmt}]",
    )


def each[T](items: Iterable[T], step: str, total: int | None = None, unit: str = "") -> Iterator[T]:
    """``items``, one by one, with a bar for ``step``."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)
    with bar(total, step, unit) as progress:
        for item in items:
            yield item
            progress.update(1)
