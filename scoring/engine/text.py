"""Exact numbers as text: ``"10/3"`` and ``"3.33"`` (half up), without float."""

from __future__ import annotations

from fractions import Fraction


def exact_text(value: Fraction) -> str:
    """The reduced fraction: ``"10/3"``, or ``"10"`` when whole."""
    value = Fraction(value)
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def two_decimals(value: Fraction) -> str:
    """Rounded half away from zero to 2 decimals: 10/3 → "3.33", 5/8 → "0.63"."""
    value = Fraction(value)
    numerator, denominator = value.numerator, value.denominator
    sign = "-" if numerator < 0 else ""
    hundredths = (abs(numerator) * 200 + denominator) // (2 * denominator)  # half up, exact
    whole, cents = divmod(hundredths, 100)
    return f"{sign}{whole}.{cents:02d}"
