"""What the statistics API answers: counts by value, a suppressed count as null (R-80)."""

from pydantic import BaseModel

from .rules import Table


class FigureRead(BaseModel):
    value: str
    count: int | None
    suppressed: bool


class BreakdownRead(BaseModel):
    value: str | None  # the row (a purpose, a right); None for a one-dimension breakdown
    total: int | None
    total_suppressed: bool
    cells: list[FigureRead]

    @classmethod
    def of(cls, table: Table, value: str | None = None) -> "BreakdownRead":
        return cls(
            value=value,
            total=table.total,
            total_suppressed=table.total_suppressed,
            cells=[FigureRead(value=c.value, count=c.count, suppressed=c.suppressed) for c in table.cells],
        )


class StatsRead(BaseModel):
    k: int  # counts below k are suppressed, with the cells that would give them back
    dimensions: list[str]
    breakdowns: list[BreakdownRead]

    @classmethod
    def rows(cls, dimensions: list[str], tables: dict[str, Table], k: int) -> "StatsRead":
        """A two-dimension answer: one breakdown per row (a purpose, a right)."""
        return cls(
            k=k, dimensions=dimensions, breakdowns=[BreakdownRead.of(t, row) for row, t in tables.items()]
        )
