"""Months as the model's unit of time: 'YYYY-MM' strings and offsets between them."""

from __future__ import annotations

import re
from functools import lru_cache

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int]:
    """'2014-08' -> (2014, 8); raises ValueError for anything else."""
    match = _MONTH.match(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def month_offset(start: str, date: str) -> int:
    """Whole months from `start` to `date` (negative if `date` is earlier)."""
    y0, m0 = parse_month(start)
    y1, m1 = parse_month(date)
    return (y1 - y0) * 12 + (m1 - m0)


@lru_cache(maxsize=4096)
def add_months(start: str, months: int) -> str:
    """The month `months` after `start`, as 'YYYY-MM' (kept: the event log asks for the same months again)."""
    year, month = parse_month(start)
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
