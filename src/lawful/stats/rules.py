"""Small-cell suppression, so that statistics single nobody out (Recital 26, Art. 89(1); WP29 Opinion
05/2014 on anonymisation; R-80, T-27). Pure: counts in, the table that may be shown out."""

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_MIN_CELL = 5  # k = 5 unless the settings say more
COMPLEMENT_CELLS = 2  # with one cell hidden, the total minus the others would give it back


@dataclass(frozen=True)
class Cell:
    value: str
    count: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Table:
    """One breakdown: its total (None when suppressed) and its cells, ordered by value, never by count
    (the place of a hidden cell among counts would tell its size)."""

    total: int | None
    cells: tuple[Cell, ...]

    @property
    def total_suppressed(self) -> bool:
        return self.total is None


def suppress(counts: Mapping[str, int], total: int, *, k: int = DEFAULT_MIN_CELL) -> Table:
    """A count below k is hidden (primary suppression). Then, while the hidden cells are fewer than two or
    together count less than k, the smallest shown cell is hidden too (complementary suppression): the
    total minus the shown cells then gives only a sum of at least k spread over several cells. A total
    below k hides the whole table. Empty cells are not listed."""
    if k < 1:
        raise ValueError("k is at least 1")
    listed = {value: count for value, count in counts.items() if count > 0}
    if total < k:
        return Table(None, tuple(Cell(value, None) for value in sorted(listed)))
    hidden = {value for value, count in listed.items() if count < k}
    if hidden:
        shown = sorted((count, value) for value, count in listed.items() if value not in hidden)
        while shown and (len(hidden) < COMPLEMENT_CELLS or sum(listed[v] for v in hidden) < k):
            hidden.add(shown.pop(0)[1])
    return Table(
        total,
        tuple(Cell(value, None if value in hidden else count) for value, count in sorted(listed.items())),
    )
