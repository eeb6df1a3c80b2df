"""One rule for every figure people read: percentages rounded half up (as Excel shows them), and
nothing judged on fewer than MIN_N audits or pairs."""

from decimal import ROUND_HALF_UP, Decimal

MIN_N = 5
TOO_FEW = "Too few to judge"


def whole_percent(share: float) -> int:
    """0.625 -> 63. The share's shortest decimal form is rounded, as a spreadsheet does, not its
    binary neighbour (so 0.285 gives 29, as Excel's 0% format shows it)."""
    return int((Decimal(repr(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_text(share: float | None, n: int | None = None) -> str:
    if n is not None and n < MIN_N:
        return f"{TOO_FEW} (n={n})"
    text = "–" if share is None else f"{whole_percent(share)}%"
    return text if n is None else f"{text} (n={n})"


def kappa_text(kappa: float | None, n: int) -> str:
    if n < MIN_N:
        return f"{TOO_FEW} (n={n})"
    return "–" if kappa is None else f"{kappa:.2f}"
