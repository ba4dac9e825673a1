"""Small-cell suppression (R-80): k-1 hidden, k and k+1 shown, and never a hidden count given back by the
total minus the shown ones."""

import itertools

import pytest

from lawful.stats import Cell, Table, suppress

K = 5


@pytest.mark.parametrize(
    ("counts", "total", "expected"),
    [
        # k-1, k, k+1 in a single cell: the total is that cell
        ({"BE": K - 1}, K - 1, Table(None, (Cell("BE", None),))),
        ({"BE": K}, K, Table(K, (Cell("BE", K),))),
        ({"BE": K + 1}, K + 1, Table(K + 1, (Cell("BE", K + 1),))),
        # two cells at k and k+1: nothing to hide
        ({"BE": K, "FR": K + 1}, 2 * K + 1, Table(11, (Cell("BE", 5), Cell("FR", 6)))),
        # one at k-1: hidden, and the smallest other with it, or total - shown would give it back
        (
            {"BE": 40, "FR": 10, "LU": K - 1},
            54,
            Table(54, (Cell("BE", 40), Cell("FR", None), Cell("LU", None))),
        ),
        # two small cells together under k: a third goes with them
        (
            {"BE": 60, "FR": 50, "LU": 1, "NL": 1},
            112,
            Table(112, (Cell("BE", 60), Cell("FR", None), Cell("LU", None), Cell("NL", None))),
        ),
        # two small cells that together reach k: enough as they are
        ({"BE": 60, "LU": 3, "NL": 2}, 65, Table(65, (Cell("BE", 60), Cell("LU", None), Cell("NL", None)))),
        # a total of k-1 over several cells: the whole table goes
        ({"BE": 2, "FR": 2}, K - 1, Table(None, (Cell("BE", None), Cell("FR", None)))),
        # a total of exactly k whose cells are all small: the total shows, no cell does
        ({"BE": 2, "FR": 3}, K, Table(K, (Cell("BE", None), Cell("FR", None)))),
        # empty cells are not listed
        ({"BE": 7, "FR": 0}, 7, Table(7, (Cell("BE", 7),))),
        ({}, 0, Table(None, ())),
    ],
)
def test_cells_below_k_and_their_complements_are_suppressed(
    counts: dict[str, int], total: int, expected: Table
) -> None:
    assert suppress(counts, total, k=K) == expected


def test_cells_are_listed_by_value_never_by_size() -> None:
    table = suppress({"NL": 100, "BE": 3, "FR": 50, "DE": 20}, 173, k=K)

    assert [c.value for c in table.cells] == ["BE", "DE", "FR", "NL"]


@pytest.mark.parametrize("k", [3, 5, 10])
def test_k_is_the_threshold_given(k: int) -> None:
    assert suppress({"BE": k, "FR": 100}, k + 100, k=k).cells[0].count == k
    assert suppress({"BE": k - 1, "FR": 100}, k + 99, k=k).cells[0].suppressed


def test_a_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="k is at least 1"):
        suppress({"BE": 1}, 1, k=0)


@pytest.mark.parametrize("counts", list(itertools.product([0, 1, 2, 4, 5, 6, 30], repeat=3)))
def test_no_hidden_count_can_be_worked_out_from_the_total(counts: tuple[int, int, int]) -> None:
    """Over every partition of three cells: what is hidden is either nothing, or a sum of at least k spread
    over at least two cells (or the whole table)."""
    table = suppress(dict(zip(("A", "B", "C"), counts, strict=True)), sum(counts), k=K)

    hidden = [c for c in table.cells if c.suppressed]
    shown = [c.count for c in table.cells if c.count is not None]
    assert all(count >= K for count in shown)
    if table.total is not None and hidden:
        assert len(hidden) >= 2 and table.total - sum(shown) >= K
