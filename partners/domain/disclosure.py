"""Which counts of a public table are hidden: each published count is at least
``THRESHOLD``, and no hidden count can be worked out from the others.

Primary suppression hides every count under ``THRESHOLD`` (zero included). A hidden count
alone in a line (a total and the parts that add up to it) would be its total minus the
other parts: complementary suppression then hides the smallest other part of that line
(the total only when no part is left), and so on until every line hides none or at least
two of its counts. Every hidden count reads the same ("hidden"), whether under the
threshold or hidden with one: a different word for the second would tell that it is at
least ``THRESHOLD`` and narrow down the first. README, "Public figures".
"""

from collections.abc import Hashable, Iterable

THRESHOLD = 5


def hidden_cells(
    counts: dict[Hashable, int],
    lines: Iterable[tuple[Hashable, list[Hashable]]],
    threshold: int = THRESHOLD,
) -> set[Hashable]:
    """The keys of ``counts`` to hide. ``lines``: (total's key, parts' keys), the parts
    adding up to the total."""
    lines = [(total, list(parts)) for total, parts in lines]
    hidden = {key for key, count in counts.items() if count < threshold}
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            members = [total, *parts]
            if sum(key in hidden for key in members) != 1:
                continue
            shown_parts = [key for key in parts if key not in hidden]
            # The smallest part first, in the line's order among equals; the total last.
            candidates = sorted(shown_parts, key=lambda key: counts[key]) or [total]
            hidden.add(candidates[0])
            changed = True
    return hidden
