"""The periods boards read figures over, each ending with a month: one month, the 12 months to it,
the quarter of the financial year to it (April to June is quarter 1), and the financial year to
date. A period is its last month and how many months it covers, so every figure over a period is
the month's figures over those months (summary.summarise's `period`).

Written as codes on the command line and in URLs:
  2026-10       October 2026
  2026-27-Q3    quarter 3 of the financial year 2026-27: October to December 2026
  2026-27       the financial year 2026-27 (to date, when it is not over)
and as a kind beside a month (`--period quarter`, `?period=quarter`): month, 12, quarter, year."""

import re
from dataclasses import dataclass

from auditapp.errors import RuleError
from auditapp.months import month_label, months_before, span_label

KINDS = {"1": "One month", "12": "12 months", "quarter": "Quarter of the financial year",
         "year": "Financial year to date"}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_MONTH = 4  # April: the financial year starts


def financial_year(month: str) -> int:
    """The calendar year the month's financial year starts in: 2026 for January 2027 (2026-27)."""
    year, number = map(int, month.split("-"))
    return year if number >= FIRST_MONTH else year - 1


def year_words(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def quarter_of(month: str) -> int:
    number = int(month.split("-")[1])
    return (number - FIRST_MONTH) % 12 // 3 + 1


def _months_between(first: str, last: str) -> int:
    (y0, m0), (y1, m1) = (map(int, m.split("-")) for m in (first, last))
    return (y1 * 12 + m1) - (y0 * 12 + m0) + 1


@dataclass(frozen=True)
class Period:
    kind: str  # a key of KINDS
    end: str  # the last month, "YYYY-MM"
    count: int  # months covered, ending with `end`

    @property
    def start(self) -> str:
        return months_before(self.end, self.count - 1)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(months_before(self.end, back) for back in range(self.count - 1, -1, -1))

    @property
    def words(self) -> str:
        """"October 2026", "Quarter 3 of 2026-27 (October to November 2026)", and so on."""
        if self.kind == "1":
            return month_label(self.end)
        if self.kind == "12":
            return f"The 12 months to {month_label(self.end)}"
        # The months in words say how much of a quarter or year is in: no "to date" to misread.
        span = span_label(self.start, self.end)
        if self.kind == "quarter":
            return f"Quarter {quarter_of(self.end)} of {year_words(financial_year(self.end))} ({span})"
        return f"The financial year {year_words(financial_year(self.end))} ({span})"

    @property
    def before(self) -> "Period":
        """What it is compared with: the month, 12 months or quarter before; the same part of last year."""
        if self.kind == "year":
            return Period(self.kind, months_before(self.end, 12), self.count)
        return Period(self.kind, months_before(self.end, 3 if self.kind == "quarter" else self.count), self.count)


def in_sentence(words: str) -> str:
    """A period's words inside a sentence: "the financial year 2026-27 (…)", not "The financial year"."""
    return words[0].lower() + words[1:] if words.startswith("The ") else words


def period_of(kind: str, month: str) -> Period:
    """The period of this kind that ends with the month (a quarter or year to date when not over)."""
    if kind == "1":
        return Period(kind, month, 1)
    if kind == "12":
        return Period(kind, month, 12)
    if kind == "quarter":
        first = months_before(month, (int(month[5:]) - FIRST_MONTH) % 3)
        return Period(kind, month, _months_between(first, month))
    if kind == "year":
        return Period(kind, month, _months_between(f"{financial_year(month)}-{FIRST_MONTH:02d}", month))
    raise RuleError("Choose one month, 12 months, a quarter or the financial year to date", "period")


def parse_period(text: str, latest: str) -> Period:
    """A code from the command line: a month, a quarter "2026-27-Q3" or a financial year "2026-27".
    A quarter or year not over ends with `latest` (the newest month opened), to date."""
    text = (text or "").strip()
    if _MONTH.match(text):  # a month first: "2011-12" is December 2011 (years written 2026-27 are not months)
        return period_of("1", text)
    found = _QUARTER.match(text)
    if found and int(found[2]) == (int(found[1]) + 1) % 100:
        start = months_before(f"{found[1]}-{FIRST_MONTH:02d}", -3 * (int(found[3]) - 1))
        end = min(months_before(start, -2), latest)
        if end < start:
            raise RuleError(f"Quarter {found[3]} of {found[1]}-{found[2]} has not started", "period")
        return Period("quarter", end, _months_between(start, end))
    found = _YEAR.match(text)
    if found and int(found[2]) == (int(found[1]) + 1) % 100:
        start = f"{found[1]}-{FIRST_MONTH:02d}"
        end = min(months_before(start, -11), latest)
        if end < start:
            raise RuleError(f"The financial year {text} has not started", "period")
        return Period("year", end, _months_between(start, end))
    raise RuleError("Give a month (2026-10), a quarter of the financial year (2026-27-Q3) or a financial "
                    "year (2026-27)", "period")


def period_code(period: Period) -> str:
    """The period as a file name's part: 2026-10, 2025-11-to-2026-10, 2026-27-Q3, 2026-27."""
    if period.kind == "1":
        return period.end
    if period.kind == "12":
        return f"{period.start}-to-{period.end}"
    year = year_words(financial_year(period.end))
    return f"{year}-Q{quarter_of(period.end)}" if period.kind == "quarter" else year
