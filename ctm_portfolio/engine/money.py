"""Exact money: parsing, rounding once half-up, and formatting. Never a float."""

from __future__ import annotations

import decimal
import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal(0)

# Enough digits for any sum of amount x rate products this engine makes.
CONTEXT = decimal.Context(
	prec=60, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation, decimal.DivisionByZero]
)

_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


def exact_context() -> decimal.localcontext:
	return decimal.localcontext(CONTEXT)


def parse_decimal(text: str, places: int, what: str = "amount") -> Decimal:
	"""Parse a plain decimal (no sign, exponent or separators) with at most ``places`` places.

	Raises ValueError with a message meant for the user.
	"""
	if not _AMOUNT.match(text):
		raise ValueError(f"'{text}' is not a plain decimal number (digits, one '.', no separators)")
	if text.startswith("-"):
		raise ValueError(f"{what} must not be negative: '{text}'")
	_whole, _, frac = text.partition(".")
	if len(frac) > places:
		raise ValueError(f"{what} has more than {places} decimal places: '{text}'")
	return Decimal(text)


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
