"""What the Script Reports of the "CTM Portfolio" module share, and the reconciliation workbook.

Every figure a report shows is the engine's (:func:`site_bundle.reconcile_site`): a report only
picks the rows and figures it shows out of the engine's result, never adds money up itself
(derived figures — a module's variance, a target's attainment — are made as the engine's
workbook makes them, from the rounded figures).

A report reads only the files its figures need, and shows a figure only when the user may read
the DocTypes it comes from: a field-office user (no access to contributions, expenditures or
donors) sees no pledged, received or spent column rather than zeros, and no finding that rests
on data they cannot read (a project is not "underfunded" because its pledges are hidden).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import escape_html, getdate

from ctm_portfolio.ctm_portfolio.permissions import is_office_restricted, permitted_offices
from ctm_portfolio.ctm_portfolio.site_bundle import (
	EVERYTHING,
	FILE_DOCTYPE,
	ProjectFilter,
	SiteReconciliation,
	reconcile_site,
)
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.reconcile import FINDINGS
from ctm_portfolio.engine.workbook import LABELS, write_workbook

CURRENCY_FIELD = "report_currency"  # each row's currency of its money columns: USD
USD = "USD"
OVERVIEW_REPORT = "Portfolio Overview"

PROJECTS, MODULES, TARGETS = "projects.csv", "modules.csv", "targets.csv"
DONORS, CONTRIBUTIONS, EARMARKS, RECEIPTS = "donors.csv", "contributions.csv", "earmarks.csv", "receipts.csv"
EXPENDITURES, CASES, DISBURSEMENTS, RATES = "expenditures.csv", "cases.csv", "disbursements.csv", "rates.csv"

# The files a figure rests on: a figure is shown only when the user may read all of them.
FIGURE_FILES: dict[str, tuple[str, ...]] = {
	"budget_usd": (MODULES,),
	"pledged_usd": (CONTRIBUTIONS,),
	"earmarked_usd": (CONTRIBUTIONS,),
	"received_usd": (CONTRIBUTIONS,),
	"outstanding_usd": (CONTRIBUTIONS,),
	"funding_gap_usd": (MODULES, CONTRIBUTIONS),
	"spent_usd": (EXPENDITURES,),
	"variance_usd": (MODULES, EXPENDITURES),
	"burn_rate": (MODULES, EXPENDITURES),
	"cash_balance_usd": (CONTRIBUTIONS, EXPENDITURES),
	"cases_assisted": (CASES,),
	"cost_per_beneficiary_usd": (EXPENDITURES, CASES),
	"assisted": (CASES,),
	"disbursed_usd": (DISBURSEMENTS,),
	"committed_usd": (DISBURSEMENTS,),
	"available_usd": (CONTRIBUTIONS, DISBURSEMENTS),
}
# The files each finding rests on.
FINDING_FILES: dict[str, tuple[str, ...]] = {
	"EARMARK_BREACH": (CONTRIBUTIONS, EARMARKS, EXPENDITURES),
	"SPENT_BEYOND_PLEDGE": (CONTRIBUTIONS, EXPENDITURES),
	"SPENT_AHEAD_OF_CASH": (CONTRIBUTIONS, RECEIPTS, EXPENDITURES),
	"RECEIPT_EXCEEDS_PLEDGE": (CONTRIBUTIONS, RECEIPTS),
	"MODULE_OVER_BUDGET": (MODULES, EXPENDITURES),
	"PROJECT_UNDERFUNDED": (MODULES, CONTRIBUTIONS),
	"EXPENDITURE_OUTSIDE_PERIOD": (EXPENDITURES,),
	"UNMATCHED_DISBURSEMENT": (DISBURSEMENTS, CASES),
	"DUPLICATE_DISBURSEMENT": (DISBURSEMENTS,),
	"FUND_OVERDRAWN": (CONTRIBUTIONS, RECEIPTS, DISBURSEMENTS),
	"TARGET_SHORTFALL": (TARGETS, CASES),
}
# What rests on every office's cases. A field-office user reads only their offices' cases, so
# these would be made on part of a project's caseload (a target "short" that other offices'
# cases meet, a payment "unmatched" whose case another office registered): not shown to them.
CASELOAD_FIGURES = frozenset(
	{"attainment", "shortfall", "target_shortfall", "cost_per_beneficiary_usd", "unmatched", "unmatched_usd"}
)
CASELOAD_FINDINGS = frozenset({"TARGET_SHORTFALL", "UNMATCHED_DISBURSEMENT"})
# The document a finding's entity is, and how its id names it.
ENTITY_DOCTYPE = {
	"project": "CTM Project",
	"module": "CTM Project",
	"target": "CTM Project",
	"emergency_fund": "CTM Project",
	"contribution": "CTM Contribution",
	"earmark": "CTM Contribution",
	"expenditure": "CTM Expenditure",
	"disbursement": "CTM Emergency Disbursement",
}


# --- filters ------------------------------------------------------------------------------------


def boot_session(bootinfo) -> None:
	"""The contract's vocabularies the reports' filters offer (hooks.boot_session), from the
	engine's spec: the desk scripts hold no copy of them."""
	bootinfo.ctm_portfolio = {
		"regions": list(spec.REGIONS),
		"assistance_types": list(spec.ASSISTANCE_TYPES),
		"finding_codes": list(FINDINGS),
	}


def report_filters(filters) -> frappe._dict:
	"""The filters a report got (dict or JSON), with ``as_of`` a date (default: today)."""
	if isinstance(filters, str):
		filters = json.loads(filters or "{}")
	filters = frappe._dict(filters or {})
	try:
		filters.as_of = getdate(filters.get("as_of")) if filters.get("as_of") else getdate()
	except Exception:
		frappe.throw(_("As of must be a date, not {0}").format(frappe.bold(filters.get("as_of"))))
	return filters


def user_offices() -> tuple[str, ...] | None:
	"""A field-office user's offices (whose cases and disbursements they see); None for others."""
	if not is_office_restricted():
		return None
	return tuple(permitted_offices(doctype="CTM Case"))


def project_filter(filters: frappe._dict) -> ProjectFilter:
	"""The report's project filters; a field-office user's reports show their offices' projects."""
	return ProjectFilter(
		region=filters.get("region") or None,
		project=filters.get("project") or None,
		field_office=filters.get("field_office") or None,
		field_offices=user_offices(),
	)


def partial_caseload() -> bool:
	"""Whether the session user reads only part of the caseload (a field-office user: their
	offices' cases), so that what rests on every office's cases is not shown
	(:data:`CASELOAD_FIGURES`, :data:`CASELOAD_FINDINGS`)."""
	return user_offices() is not None


def office_message(*more: str | None, caseload: bool = False) -> str | None:
	"""For a field-office user: whose data the report shows (``caseload``: and that figures resting
	on every office's cases are left out); then the ``more`` messages, one per line."""
	offices = user_offices()
	lines = []
	if offices is not None:
		lines.append(
			_("This report shows the projects, cases and disbursements of your field offices: {0}").format(
				escape_html(", ".join(offices)) or _("none")
			)
		)
		if caseload:
			lines.append(
				_(
					"Target attainment, shortfalls and payments naming no registered case rest on every "
					"office's cases: they are not shown."
				)
			)
	lines += [m for m in more if m]
	return "<br>".join(lines) or None


def reconciliation(
	filters: frappe._dict, files: Iterable[str], narrow: bool = True, named_cases_only: bool = False
) -> SiteReconciliation:
	"""The engine's reconciliation of the files a report needs, as the session user may see them;
	``narrow``: narrowed to the projects of the report's project filters."""
	return reconcile_site(
		filters.as_of,
		frozenset(files),
		project_filter(filters) if narrow else None,
		named_cases_only=named_cases_only,
	)


# --- columns and rows ---------------------------------------------------------------------------


def column(fieldname: str, label: str, fieldtype: str = "Data", width: int = 120, **more) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **more}


def money(fieldname: str, label: str, width: int = 130) -> dict:
	return column(fieldname, label, "Currency", width, options=CURRENCY_FIELD)


def link(fieldname: str, label: str, doctype: str, width: int = 140) -> dict:
	return column(fieldname, label, "Link", width, options=doctype)


def visible(columns: list[dict], rec: SiteReconciliation) -> list[dict]:
	"""The columns whose figures the user may see: resting on files they may read, and not on
	every office's cases when they read only some (:func:`partial_caseload`)."""
	partial = partial_caseload()
	return [
		c
		for c in columns
		if rec.shows(*FIGURE_FILES.get(c["fieldname"], ()))
		and not (partial and c["fieldname"] in CASELOAD_FIGURES)
	]


def usd(row: dict) -> dict:
	row[CURRENCY_FIELD] = USD
	return row


def route(doctype: str, **filters) -> dict:
	"""Where a cell leads in the desk (the reports' JS makes the link): the list of ``doctype``
	with these filters (a value may be ``[operator, value]``)."""
	return {"doctype": doctype, "filters": {k: v for k, v in filters.items() if v not in (None, "")}}


def form(doctype: str, name: str) -> dict:
	"""Where a cell leads in the desk: the form of the document ``name``."""
	return {"doctype": doctype, "name": name}


def summary(value, label: str, datatype: str = "Currency", indicator: str | None = None) -> dict:
	item = {"value": value, "label": label, "datatype": datatype}
	if datatype == "Currency":
		item["currency"] = USD
	if indicator:
		item["indicator"] = indicator
	return item


def percent(fraction: Decimal | None) -> float | None:
	"""A fraction (4 places) as the percentage a Percent column shows (2 places)."""
	return None if fraction is None else fraction * 100


def top(rows: list[dict], key: str, count: int = 15) -> list[dict]:
	return sorted(rows, key=lambda r: (-(r.get(key) or 0), str(r.get("label") or "")))[:count]


def bar_chart(labels: list[str], datasets: list[tuple[str, list]], fieldtype: str = "Currency") -> dict:
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": name, "values": [float(v or 0) for v in values]} for name, values in datasets
			],
		},
		"type": "bar",
		"fieldtype": fieldtype,
		"options": CURRENCY_FIELD if fieldtype == "Currency" else None,
		"currency": USD if fieldtype == "Currency" else None,
		"barOptions": {"stacked": False},
	}


# --- findings -----------------------------------------------------------------------------------


def finding_codes_shown(rec: SiteReconciliation) -> set[str]:
	"""The finding codes whose data the user may read (and the report read), and that do not rest
	on every office's cases when they read only some (:func:`partial_caseload`)."""
	codes = {code for code, files in FINDING_FILES.items() if rec.shows(*files)}
	return codes - CASELOAD_FINDINGS if partial_caseload() else codes


def finding_message(finding: dict) -> str:
	"""A finding's message in the user's language (the engine's template, translated)."""
	params = {
		k: _(v) if k in ("group", "assistance", "status") and isinstance(v, str) else v
		for k, v in finding.get("params", {}).items()
	}
	try:
		return _(finding["template"]).format(**params)
	except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
		return finding["message"]


def finding_description(code: str) -> str:
	return _(FINDINGS[code][1])


# --- the reconciliation workbook ----------------------------------------------------------------


def workbook_labels() -> dict[str, str]:
	"""The workbook's labels in the user's language (the sheet names stay the contract's)."""
	return {key: text if key.startswith("sheet_") else _(text) for key, text in LABELS.items()}


def check_workbook_permission() -> None:
	"""The workbook shows the whole portfolio: it needs the Portfolio Overview report and read
	permission on every DocType it covers (the rows are those the user may read)."""
	report = frappe.get_doc("Report", OVERVIEW_REPORT)
	if not report.is_permitted():
		frappe.throw(_("You may not open the report {0}").format(_(OVERVIEW_REPORT)), frappe.PermissionError)
	unreadable = sorted({d for d in FILE_DOCTYPE.values() if not frappe.has_permission(d, "read")})
	if unreadable:
		frappe.throw(
			_("The reconciliation workbook covers the whole portfolio, but you may not read: {0}").format(
				", ".join(_(d) for d in unreadable)
			),
			frappe.PermissionError,
		)


def workbook_bytes(as_of: datetime.date) -> bytes:
	"""The reconciliation workbook of the site as the session user may see it: what
	``ctm-portfolio reconcile --as-of AS_OF --xlsx FILE`` writes for the exported bundle."""
	rec = reconcile_site(as_of, EVERYTHING)
	buffer = io.BytesIO()
	write_workbook(rec.result, buffer, labels=workbook_labels())
	return buffer.getvalue()


@frappe.whitelist(methods=["GET", "POST"])
def download_workbook(as_of: str | None = None) -> None:
	"""Download the reconciliation workbook (.xlsx) as of ``as_of`` (default: today)."""
	check_workbook_permission()
	try:
		day = getdate(as_of) if as_of else getdate()
	except Exception:
		frappe.throw(_("As of must be a date, not {0}").format(frappe.bold(as_of)))
	frappe.response["filename"] = f"ctm-reconciliation-{day.isoformat()}.xlsx"
	frappe.response["filecontent"] = workbook_bytes(day)
	frappe.response["type"] = "download"
