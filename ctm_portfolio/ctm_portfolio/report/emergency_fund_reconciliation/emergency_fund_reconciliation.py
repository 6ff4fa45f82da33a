"""Emergency Fund Reconciliation: the fund's position (received, disbursed, committed,
available), and its disbursements against the caseload — by field office, by assistance type,
or each exception (a payment naming no registered case; a repeated request).

Every figure is the engine's: the fund's figures, its breakdowns by field office and by
assistance type, and its UNMATCHED_DISBURSEMENT and DUPLICATE_DISBURSEMENT findings (counted and
their amounts summed per row).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.engine.money import ZERO

FILES = (pr.PROJECTS, pr.CONTRIBUTIONS, pr.RECEIPTS, pr.DISBURSEMENTS, pr.CASES, pr.RATES)
BY_OFFICE, BY_TYPE, EXCEPTIONS = "Field Office", "Assistance Type", "Exceptions"
UNMATCHED, DUPLICATE = "UNMATCHED_DISBURSEMENT", "DUPLICATE_DISBURSEMENT"
DISBURSEMENT = "CTM Emergency Disbursement"
CHART_ROWS = 20


def execute(filters=None):
	filters = pr.report_filters(filters)
	view = filters.get("view") or BY_OFFICE
	# The fund is one project and its disbursements name cases of any project: not narrowed by
	# project; of the caseload, only the cases the disbursements name are read.
	rec = pr.reconciliation(filters, FILES, narrow=False, named_cases_only=True)
	fund = rec.result["emergency_fund"]
	exceptions = _exceptions(rec, filters)
	if fund is None:
		message = _("There is no emergency fund: no project is marked as the emergency fund.")
		return get_columns(view, rec), [], message, None, []
	if view == EXCEPTIONS:
		data = _exception_rows(exceptions)
	else:
		data = _group_rows(
			fund, exceptions, filters, "field_office" if view == BY_OFFICE else "assistance_type"
		)
	return (
		get_columns(view, rec),
		data,
		_restricted_message(rec),
		get_chart(data, view),
		get_summary(fund, exceptions, rec),
	)


def _restricted_message(rec) -> str | None:
	receipts = None
	if not rec.shows(pr.CONTRIBUTIONS):
		receipts = _("The fund's receipts are not shown: you may not read contributions.")
	return pr.office_message(receipts, caseload=True)


def get_columns(view: str, rec) -> list[dict]:
	if view == EXCEPTIONS:
		columns = [
			pr.link("disbursement", _("Disbursement"), DISBURSEMENT, 170),
			pr.column("code", _("Finding"), width=200),
			pr.column("severity", _("Severity"), width=80),
			pr.column("case", _("Case"), width=120),
			pr.link("field_office", _("Field Office"), "CTM Field Office", 140),
			pr.column("assistance_type", _("Assistance Type"), width=120),
			pr.column("status", _("Status"), width=90),
			pr.money("amount_usd", _("Amount (USD)")),
			pr.column("message", _("Message"), width=420),
		]
	else:
		key = (
			pr.link("field_office", _("Field Office"), "CTM Field Office", 180)
			if view == BY_OFFICE
			else pr.column("assistance_type", _("Assistance Type"), width=180)
		)
		columns = [
			key,
			pr.money("disbursed_usd", _("Disbursed (USD)")),
			pr.money("committed_usd", _("Committed (USD)")),
			pr.column("unmatched", _("Unmatched"), "Int", 100),
			pr.money("unmatched_usd", _("Unmatched (USD)")),
			pr.column("duplicates", _("Duplicates"), "Int", 100),
			pr.money("duplicate_usd", _("Duplicates (USD)")),
		]
	return pr.visible(columns, rec)


def _exceptions(rec, filters) -> list[dict]:
	"""The fund's findings on disbursements, with the disbursement's office, type, case and status;
	those the filters keep."""
	shown = pr.finding_codes_shown(rec) & {UNMATCHED, DUPLICATE}
	found = [f for f in rec.result["findings"] if f["code"] in shown]
	if not found:
		return []
	frame = rec.site.frames[pr.DISBURSEMENTS].set_index("disbursement_id")
	facts = frame.loc[
		pd.Index([f["id"] for f in found]), ["field_office", "assistance_type", "case_id", "status"]
	]
	out = []
	for f, (office, kind, case, status) in zip(found, facts.itertuples(index=False, name=None), strict=True):
		if filters.get("field_office") and office != filters.field_office:
			continue
		if filters.get("assistance_type") and kind != filters.assistance_type:
			continue
		out.append({**f, "field_office": office, "assistance_type": kind, "case_id": case, "status": status})
	return out


def _exception_rows(exceptions: list[dict]) -> list[dict]:
	return [
		pr.usd(
			{
				"disbursement": f["id"],
				"code": pr.finding_description(f["code"]),
				"severity": _(f["severity"].title()),
				"case": f["case_id"],
				"field_office": f["field_office"],
				"assistance_type": _(f["assistance_type"]),
				"status": _(f["status"]),
				"amount_usd": f["amount_usd"],
				"message": pr.finding_message(f),
				# An unmatched payment names a case that is not in the caseload: nothing to open.
				"_routes": {} if f["code"] == UNMATCHED else {"case": pr.form("CTM Case", f["case_id"])},
			}
		)
		for f in exceptions
	]


def _group_rows(fund: dict, exceptions: list[dict], filters, key: str) -> list[dict]:
	tally: dict[str, dict] = defaultdict(
		lambda: {"unmatched": 0, "unmatched_usd": ZERO, "duplicates": 0, "duplicate_usd": ZERO}
	)
	for f in exceptions:
		row = tally[f[key]]
		if f["code"] == UNMATCHED:
			row["unmatched"] += 1
			row["unmatched_usd"] += f["amount_usd"]
		else:
			row["duplicates"] += 1
			row["duplicate_usd"] += f["amount_usd"]
	breakdown = {
		r[key]: r for r in fund["by_field_office" if key == "field_office" else "by_assistance_type"]
	}
	data = []
	for value in sorted(set(breakdown) | set(tally)):
		if filters.get("field_office") and key == "field_office" and value != filters.field_office:
			continue
		if filters.get("assistance_type") and key == "assistance_type" and value != filters.assistance_type:
			continue
		figures = breakdown.get(value, {"disbursed_usd": ZERO, "committed_usd": ZERO})
		data.append(
			pr.usd(
				{
					key: value if key == "field_office" else _(value),
					"disbursed_usd": figures["disbursed_usd"],
					"committed_usd": figures["committed_usd"],
					**tally.get(value, tally.default_factory()),
					"_routes": {key: pr.route(DISBURSEMENT, **{key: value})},
				}
			)
		)
	return data


def get_chart(data: list[dict], view: str) -> dict | None:
	if view == EXCEPTIONS or not data:
		return None
	key = "field_office" if view == BY_OFFICE else "assistance_type"
	rows = pr.top([{"label": r[key], **r} for r in data], "disbursed_usd", CHART_ROWS)
	return pr.bar_chart(
		[r["label"] for r in rows],
		[
			(_("Disbursed (USD)"), [r["disbursed_usd"] for r in rows]),
			(_("Committed (USD)"), [r["committed_usd"] for r in rows]),
		],
	)


def get_summary(fund: dict, exceptions: list[dict], rec) -> list[dict]:
	items = []
	if rec.shows(pr.CONTRIBUTIONS):
		items.append(pr.summary(fund["received_usd"], _("Received (USD)"), indicator="Green"))
	items += [
		pr.summary(fund["disbursed_usd"], _("Disbursed (USD)"), indicator="Blue"),
		pr.summary(fund["committed_usd"], _("Committed (USD)"), indicator="Orange"),
	]
	if rec.shows(pr.CONTRIBUTIONS):
		available = fund["available_usd"]
		items.append(
			pr.summary(available, _("Available (USD)"), indicator="Green" if available >= 0 else "Red")
		)
	unmatched = [f for f in exceptions if f["code"] == UNMATCHED]
	duplicates = [f for f in exceptions if f["code"] == DUPLICATE]
	items.append(pr.summary(fund["cases_assisted"], _("Cases Assisted"), "Int"))
	if UNMATCHED in pr.finding_codes_shown(rec):
		items += [
			pr.summary(len(unmatched), _("Unmatched"), "Int", "Red" if unmatched else "Green"),
			pr.summary(
				sum((f["amount_usd"] for f in unmatched), ZERO),
				_("Unmatched (USD)"),
				indicator="Red" if unmatched else "Green",
			),
		]
	items += [
		pr.summary(len(duplicates), _("Duplicates"), "Int", "Orange" if duplicates else "Green"),
		pr.summary(
			sum((f["amount_usd"] for f in duplicates), ZERO),
			_("Duplicates (USD)"),
			indicator="Orange" if duplicates else "Green",
		),
	]
	return items
