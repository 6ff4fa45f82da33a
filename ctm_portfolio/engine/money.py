"""Exact money: parsing, rounding once half-up, and formatting. Never a float."""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal(0)

# Enough digits for any sum of amount x rate products this engine makes.
CONTEXT = decimal.Context(
	prec=60, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation, decimal.DivisionByZero]
)


def exact_context() -> decimal.localcontext:
	return decimal.localcontext(CONTEXT)


def round_cents(value: Decimal) -> Decimal:
	return value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)


def fmt_money(value: Decimal | None) -> str | None:
	"""A JSON money string with exactly two decimals; the value is rounded once here."""
	if value is None:
		return None
	out = round_cents(value)
	if out == 0:
		out = abs(out)  # no "-0.00"
	return f"{out:.2f}"


def fmt_rate(value: Decimal | None) -> str | None:
	if value is None:
		return None
	return f"{value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP, context=CONTEXT):.4f}"
