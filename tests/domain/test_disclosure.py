"""Public counts: none under 5 shown, and none that can be worked out from the others."""

import itertools

from partners.domain.disclosure import hidden_cells


def one_line(parts: dict[str, int]):
    counts = {**parts, "total": sum(parts.values())}
    return counts, [("total", list(parts))]


def test_counts_of_five_and_more_are_all_shown():
    counts, lines = one_line({"a": 5, "b": 12, "c": 7})
    assert hidden_cells(counts, lines) == set()


def test_a_count_under_five_is_hidden_with_the_smallest_other_so_the_total_reveals_neither():
    counts, lines = one_line({"a": 3, "b": 12, "c": 7, "d": 9})
    assert hidden_cells(counts, lines) == {"a", "c"}


def test_zero_is_under_five_too():
    counts, lines = one_line({"a": 0, "b": 12, "c": 8})
    assert hidden_cells(counts, lines) == {"a", "c"}


def test_two_small_counts_protect_each_other():
    counts, lines = one_line({"a": 1, "b": 2, "c": 40})
    assert hidden_cells(counts, lines) == {"a", "b"}


def test_a_small_total_hides_every_part():
    counts, lines = one_line({"a": 1, "b": 2})
    assert hidden_cells(counts, lines) == {"a", "b", "total"}


def test_a_line_with_one_part_hides_its_total_with_it():
    counts = {"only": 3, "total": 3}
    assert hidden_cells(counts, [("total", ["only"])]) == {"only", "total"}


def test_lines_sharing_a_total_each_hide_two_or_none():
    """Two breakdowns of the same total: hiding in one never reveals through the other."""
    counts = {"total": 30, "r1": 3, "r2": 27, "k1": 10, "k2": 20}
    lines = [("total", ["r1", "r2"]), ("total", ["k1", "k2"])]
    hidden = hidden_cells(counts, lines)
    assert hidden == {"r1", "r2"}
    # The delay line's total is a part of another line: hiding it spreads there.
    counts = {"total": 30, "yes": 4, "no": 26, "d1": 2, "d2": 2}
    lines = [("total", ["yes", "no"]), ("yes", ["d1", "d2"])]
    assert hidden_cells(counts, lines) == {"yes", "no", "d1", "d2"}


def test_in_a_two_way_table_no_hidden_cell_can_be_recovered_by_subtraction():
    """Régions × months with their totals: after suppression, every row and column holds
    none or at least two hidden cells, so no subtraction gives one back."""
    grid = {
        ("A", 1): 12, ("A", 2): 3, ("A", 3): 9,
        ("B", 1): 7, ("B", 2): 8, ("B", 3): 6,
        ("C", 1): 20, ("C", 2): 11, ("C", 3): 1,
    }  # fmt: skip
    rows, cols = "ABC", (1, 2, 3)
    counts = dict(grid)
    for r in rows:
        counts["row", r] = sum(grid[r, c] for c in cols)
    for c in cols:
        counts["col", c] = sum(grid[r, c] for r in rows)
    counts["total"] = sum(grid.values())
    lines = [(("row", r), [(r, c) for c in cols]) for r in rows]
    lines += [(("col", c), [(r, c) for r in rows]) for c in cols]
    lines += [("total", [("row", r) for r in rows]), ("total", [("col", c) for c in cols])]

    hidden = hidden_cells(counts, lines)

    assert {("A", 2), ("C", 3)} <= hidden
    assert all(counts[key] >= 5 for key in counts if key not in hidden)
    for total, parts in lines:
        assert sum(key in hidden for key in [total, *parts]) != 1
    # Brute force: every grid of the same published values and hidden totals' sums
    # leaves each primary cell more than one possible value.
    unknown = sorted(k for k in hidden if k in grid)
    solutions = []
    for values in itertools.product(range(0, 30), repeat=len(unknown)):
        trial = {**grid, **dict(zip(unknown, values, strict=True))}
        full = dict(trial)
        for r in rows:
            full["row", r] = sum(trial[r, c] for c in cols)
        for c in cols:
            full["col", c] = sum(trial[r, c] for r in rows)
        full["total"] = sum(trial.values())
        if all(full[k] == counts[k] for k in counts if k not in hidden):
            solutions.append(dict(zip(unknown, values, strict=True)))
    for cell in (("A", 2), ("C", 3)):
        assert len({s[cell] for s in solutions}) > 1
