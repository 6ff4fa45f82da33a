"""Portfolio totals in the desk: the figures of the "CTM Portfolio" workspace's number cards.

Thin on purpose. The database sums each kind of money by (currency, value date) with
frappe.qb; the engine's :class:`~ctm_portfolio.engine.reconcile.Rates` converts each group
to USD at the rate in force on its date (the latest CTM Exchange Rate on or before it, USD
being 1); the products are summed as exact Decimals and the total is rounded once, half-up,
to cents — the contract's rule (docs/portfolio-bundle.md), so each figure equals the
engine's portfolio figure reconciled as of the same day.

Exactness: Frappe turns DECIMAL columns into floats, so every sum is read as text
(``CONCAT(SUM(amount), '')``) and parsed as a Decimal; rates are the decimal text stored.
A float appears only in what a card sends to the browser to display (``value``), after the
figure has been computed and rounded.

As of: rows dated after ``as_of`` (default: today) are left out, as the engine does:
pledges by pledge date, receipts and expenditures by their date, cases by registration date.
A cancelled contribution counts for nothing, its receipts included.

Permissions: each figure needs read permission on its DocType and counts only the rows the
user may read there — role permissions, User Permissions and permission query conditions,
the same conditions as the DocType's list view (a field-office user's cases are those of
their own offices); the receipts are those of the readable contributions.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import frappe
import pandas as pd
from frappe import _
from frappe.query_builder.functions import Cast_, Sum
from frappe.utils import getdate
from pypika.terms import Criterion, Term

from ctm_portfolio.ctm_portfolio import site_bundle
from ctm_portfolio.engine.money import ZERO, exact_context, round_cents
from ctm_portfolio.engine.reconcile import Rates

PROJECT = "CTM Project"
CONTRIBUTION = "CTM Contribution"
RECEIPT = "CTM Contribution Receipt"
EXPENDITURE = "CTM Expenditure"
CASE = "CTM Case"
RATE = "CTM Exchange Rate"
CANCELLED = "Cancelled"
ACTIVE = "Active"


# ---------------------------------------------------------------------------
# Exchange rates and exact conversion


def load_rates() -> Rates:
	"""Every CTM Exchange Rate, as the engine's :class:`Rates`."""
	rate = frappe.qb.DocType(RATE)
	rows = frappe.qb.from_(rate).select(rate.currency, rate.rate_date, rate.usd_per_unit).run()
	return Rates(
		pd.DataFrame(
			{
				"currency": [currency for currency, _day, _rate in rows],
				"date": [getdate(day).toordinal() for _currency, day, _rate in rows],
				"usd_per_unit": [Decimal(str(value).strip()) for _currency, _day, value in rows],
			},
			columns=["currency", "date", "usd_per_unit"],
		)
	)


def usd_total(groups: list[tuple[str, datetime.date, Decimal]], rates: Rates | None = None) -> Decimal:
	"""The exact USD sum of ``(currency, value date, amount)`` groups, rounded once, half-up, to cents."""
	if not groups:
		return round_cents(ZERO)
	rates = rates or load_rates()
	currencies = pd.Series([currency for currency, _day, _amount in groups], dtype=object)
	days = [getdate(day).toordinal() for _currency, day, _amount in groups]
	try:
		ridx = rates.index(currencies, days)
	except ValueError:
		currency, day = _first_missing_rate(groups, rates)
		frappe.throw(
			_("No exchange rate for {0} on or before {1}: add a {2} to compute the portfolio totals").format(
				currency, frappe.format(day, "Date"), _(RATE)
			),
			title=_("Missing exchange rate"),
		)
	with exact_context():
		total = sum(
			(rates.values[int(i)] * amount for i, (_c, _d, amount) in zip(ridx, groups, strict=True)), ZERO
		)
		return round_cents(total)


def _first_missing_rate(groups, rates: Rates) -> tuple[str, datetime.date]:
	for currency, day, _amount in sorted(groups, key=lambda g: (g[0], g[1])):
		try:
			rates.index(pd.Series([currency], dtype=object), getdate(day).toordinal())
		except ValueError:
			return currency, getdate(day)
	raise AssertionError("a rate was missing, then found")


# ---------------------------------------------------------------------------
# Queries


def permitted(doctype: str) -> Criterion | None:
	"""The rows of ``doctype`` the session user may read, as a condition on its table.

	Throws PermissionError without read permission on the DocType. None: every row.
	"""
	frappe.has_permission(doctype, "read", throw=True)
	return site_bundle.permitted(doctype)


def _where(query, *conditions):
	for condition in conditions:
		if condition is not None:
			query = query.where(condition)
	return query


def _as_text(term: Term) -> Term:
	"""``term`` read back as text, not converted to a float by Frappe."""
	return Cast_(term, "varchar")


def _money_groups(query, currency: Term, day: Term, amount: Term) -> list[tuple[str, datetime.date, Decimal]]:
	"""``query``'s SUM(amount) by (currency, day), exact."""
	rows = query.select(currency, day, _as_text(Sum(amount))).groupby(currency, day).run()
	return [(currency_, day_, Decimal(total)) for currency_, day_, total in rows if total is not None]


def _as_of(as_of: datetime.date | str | None) -> datetime.date:
	return getdate(as_of) if as_of else getdate()


def _count(doctype: str, filters: list) -> int:
	"""How many rows of ``doctype`` match ``filters`` among those the user may read."""
	rows = frappe.get_list(
		doctype,
		filters=filters,
		fields=[f"count(distinct `tab{doctype}`.`name`) as count"],
		order_by=None,
		limit_page_length=0,
	)
	return int(rows[0].count) if rows else 0


# ---------------------------------------------------------------------------
# The figures


def active_projects() -> int:
	"""How many projects have the status Active."""
	return _count(PROJECT, [[PROJECT, "status", "=", ACTIVE]])


def pledged_groups(as_of: datetime.date | str | None = None) -> list[tuple[str, datetime.date, Decimal]]:
	contribution = frappe.qb.DocType(CONTRIBUTION)
	query = _where(
		frappe.qb.from_(contribution),
		contribution.status != CANCELLED,
		contribution.pledge_date <= _as_of(as_of),
		permitted(CONTRIBUTION),
	)
	return _money_groups(query, contribution.currency, contribution.pledge_date, contribution.amount)


def received_groups(as_of: datetime.date | str | None = None) -> list[tuple[str, datetime.date, Decimal]]:
	contribution = frappe.qb.DocType(CONTRIBUTION)
	receipt = frappe.qb.DocType(RECEIPT)
	query = _where(
		frappe.qb.from_(receipt).join(contribution).on(receipt.parent == contribution.name),
		receipt.parenttype == CONTRIBUTION,
		receipt.parentfield == "receipts",
		contribution.status != CANCELLED,
		receipt.receipt_date <= _as_of(as_of),
		permitted(CONTRIBUTION),
	)
	return _money_groups(query, contribution.currency, receipt.receipt_date, receipt.amount)


def spent_groups(as_of: datetime.date | str | None = None) -> list[tuple[str, datetime.date, Decimal]]:
	expenditure = frappe.qb.DocType(EXPENDITURE)
	query = _where(
		frappe.qb.from_(expenditure),
		expenditure.expenditure_date <= _as_of(as_of),
		permitted(EXPENDITURE),
	)
	return _money_groups(query, expenditure.currency, expenditure.expenditure_date, expenditure.amount)


def pledged_usd(as_of: datetime.date | str | None = None, rates: Rates | None = None) -> Decimal:
	"""Live (not cancelled) contributions pledged by ``as_of``, each at its pledge date's rate."""
	return usd_total(pledged_groups(as_of), rates)


def received_usd(as_of: datetime.date | str | None = None, rates: Rates | None = None) -> Decimal:
	"""Receipts of live contributions received by ``as_of``, each at its date's rate."""
	return usd_total(received_groups(as_of), rates)


def spent_usd(as_of: datetime.date | str | None = None, rates: Rates | None = None) -> Decimal:
	"""Expenditures made by ``as_of``, each at its date's rate."""
	return usd_total(spent_groups(as_of), rates)


def cases_assisted(as_of: datetime.date | str | None = None) -> int:
	"""Distinct cases linked to a project, registered by ``as_of``."""
	return _count(
		CASE,
		[[CASE, "project_code", "is", "set"], [CASE, "registration_date", "<=", _as_of(as_of)]],
	)


def portfolio_figures(as_of: datetime.date | str | None = None) -> dict:
	"""The workspace's five figures (money as Decimals rounded to cents)."""
	rates = load_rates()
	return {
		"active_projects": active_projects(),
		"pledged_usd": pledged_usd(as_of, rates),
		"received_usd": received_usd(as_of, rates),
		"spent_usd": spent_usd(as_of, rates),
		"cases_assisted": cases_assisted(as_of),
	}


# ---------------------------------------------------------------------------
# Number Cards of type "Custom": the desk calls ``method`` with the card's ``filters``
# and shows ``value`` formatted as ``fieldtype``; a click goes to ``route``.
# The filters are not used: every card shows the whole (readable) portfolio as of today.


def _money_card(usd: Decimal, doctype: str, route_options: dict | None = None) -> dict:
	return {
		"value": float(usd),  # for display only: the figure is already exact and rounded
		"fieldtype": "Currency",
		"route": ["List", doctype],
		"route_options": route_options or {},
	}


def _count_card(count: int, doctype: str, route_options: dict) -> dict:
	return {"value": count, "fieldtype": "Int", "route": ["List", doctype], "route_options": route_options}


@frappe.whitelist()
def active_projects_card(filters: str | dict | list | None = None) -> dict:
	return _count_card(active_projects(), PROJECT, {"status": ACTIVE})


@frappe.whitelist()
def pledged_usd_card(filters: str | dict | list | None = None) -> dict:
	return _money_card(pledged_usd(), CONTRIBUTION, {"status": ["!=", CANCELLED]})


@frappe.whitelist()
def received_usd_card(filters: str | dict | list | None = None) -> dict:
	return _money_card(received_usd(), CONTRIBUTION, {"status": ["!=", CANCELLED]})


@frappe.whitelist()
def spent_usd_card(filters: str | dict | list | None = None) -> dict:
	return _money_card(spent_usd(), EXPENDITURE)


@frappe.whitelist()
def cases_assisted_card(filters: str | dict | list | None = None) -> dict:
	return _count_card(cases_assisted(), CASE, {"project_code": ["is", "set"]})
