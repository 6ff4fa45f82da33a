# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

"""Emergency requests referred to HQ and waiting for a decision longer than N days.

N is the filter "Waiting Longer Than (Days)", by default the settings' "overdue after" days
(CTM Emergency Fund Settings). A request waits since its referral to HQ (a request imported
from a bundle, never referred on the site, since its requested date). The rows are those the
user may read (a field office sees its own requests only). The summary measures the quick
assessment: how many wait, how many are overdue, and the median time from referral to
decision of the requests decided so far.
"""

from __future__ import annotations

import statistics

import frappe
from frappe import _
from frappe.utils import cint, format_duration, get_datetime, getdate, now_datetime

from ctm_portfolio.ctm_portfolio import emergency_fund as ef
from ctm_portfolio.engine.money import round_cents

SECONDS_PER_DAY = 86400


def execute(filters=None):
	filters = frappe._dict(filters or {})
	overdue_days = ef.overdue_after_days()
	older_than = (
		overdue_days if filters.get("older_than_days") in (None, "") else cint(filters.older_than_days)
	)
	waiting = waiting_requests(filters)
	now = now_datetime()
	rates = ef.load_rates({r.currency for r in waiting})
	usd = ef.to_usd([(r.currency, r.requested_date, ef._decimal(r.amount)) for r in waiting], rates)

	data = []
	for row, value in zip(waiting, usd, strict=True):
		since = (
			get_datetime(row.referred_on) if row.referred_on else get_datetime(getdate(row.requested_date))
		)
		days = (now - since).total_seconds() / SECONDS_PER_DAY
		if days <= older_than:
			continue
		data.append(
			{
				"name": row.name,
				"case_id": row.case_id,
				"field_office": row.field_office,
				"assistance_type": row.assistance_type,
				"amount": row.amount,
				"currency": row.currency,
				"amount_usd": float(round_cents(value)),
				"waiting_since": since,
				"days_waiting": round(days, 1),
				"overdue": 1 if days > overdue_days else 0,
				"possible_duplicate": row.possible_duplicate,
				"duplicate_of": row.duplicate_of,
			}
		)
	data.sort(key=lambda r: r["waiting_since"])
	return columns(), data, None, None, summary(filters, waiting, now, overdue_days, data, older_than)


def _conditions(filters) -> dict:
	conditions = {}
	for field in ("field_office", "assistance_type"):
		if filters.get(field):
			conditions[field] = filters.get(field)
	return conditions


def waiting_requests(filters) -> list:
	"""The requests referred to HQ and not yet decided, that the user may read."""
	return frappe.get_list(
		ef.DISBURSEMENT,
		filters={"docstatus": 0, "workflow_state": ef.REFERRED, **_conditions(filters)},
		fields=[
			"name",
			"case_id",
			"field_office",
			"assistance_type",
			"amount",
			"currency",
			"requested_date",
			"referred_on",
			"possible_duplicate",
			"duplicate_of",
		],
		order_by="requested_date asc",
		limit_page_length=0,
	)


def summary(filters, waiting, now, overdue_days, data, older_than) -> list[dict]:
	overdue = 0
	for row in waiting:
		since = (
			get_datetime(row.referred_on) if row.referred_on else get_datetime(getdate(row.requested_date))
		)
		overdue += (now - since).total_seconds() > overdue_days * SECONDS_PER_DAY
	decided = frappe.get_list(
		ef.DISBURSEMENT,
		filters={"decision_time": (">", 0), "docstatus": ("<", 2), **_conditions(filters)},
		pluck="decision_time",
		limit_page_length=0,
	)
	median = statistics.median(decided) if decided else None
	return [
		{"value": len(waiting), "label": _("Waiting for a decision"), "datatype": "Int", "indicator": "Blue"},
		{
			"value": overdue,
			"label": _("Overdue (more than {0} days)").format(overdue_days),
			"datatype": "Int",
			"indicator": "Red" if overdue else "Green",
		},
		{
			"value": len(data),
			"label": _("Listed (waiting more than {0} days)").format(older_than),
			"datatype": "Int",
			"indicator": "Orange" if data else "Green",
		},
		{
			"value": format_duration(int(median)) if median is not None else _("none decided yet"),
			"label": _("Median time from referral to decision"),
			"datatype": "Data",
			"indicator": "Blue",
		},
	]


def columns() -> list[dict]:
	return [
		{
			"fieldname": "name",
			"label": _("Request"),
			"fieldtype": "Link",
			"options": ef.DISBURSEMENT,
			"width": 170,
		},
		{
			"fieldname": "case_id",
			"label": _("Case"),
			"fieldtype": "Link",
			"options": "CTM Case",
			"width": 120,
		},
		{
			"fieldname": "field_office",
			"label": _("Field Office"),
			"fieldtype": "Link",
			"options": "CTM Field Office",
			"width": 140,
		},
		{"fieldname": "assistance_type", "label": _("Assistance Type"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "amount",
			"label": _("Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		# Data, not a Link: a field office may not read Currency, and the report would refuse it.
		{"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "width": 80},
		{
			"fieldname": "amount_usd",
			"label": _("Amount (USD)"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{"fieldname": "waiting_since", "label": _("Waiting Since"), "fieldtype": "Datetime", "width": 160},
		{
			"fieldname": "days_waiting",
			"label": _("Days Waiting"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
		{"fieldname": "overdue", "label": _("Overdue"), "fieldtype": "Check", "width": 80},
		{
			"fieldname": "possible_duplicate",
			"label": _("Possible Duplicate"),
			"fieldtype": "Check",
			"width": 90,
		},
		{
			"fieldname": "duplicate_of",
			"label": _("Duplicate Of"),
			"fieldtype": "Link",
			"options": ef.DISBURSEMENT,
			"width": 170,
		},
	]
