"""Reconciliation Findings: every finding of the engine's reconciliation — its code, severity,
the document it is about, the project, donor and field office it concerns, its amount and its
message in the user's language; filterable by code, severity, region, project, donor and field
office.

A region or project filter narrows the portfolio to those projects (findings on a project depend
on its own data only); the fund's findings on disbursements belong to the fund's project. A
field office filter keeps the findings of that office: a disbursement's own office, else the
project's.
"""

from __future__ import annotations

from collections import Counter

from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.ctm_portfolio.site_bundle import EVERYTHING, ProjectFilter, reconcile_site
from ctm_portfolio.engine.reconcile import ERROR, FINDINGS, WARNING


def execute(filters=None):
	filters = pr.report_filters(filters)
	# Narrowed by region and project; the field office is a filter on the findings (see above).
	rec = reconcile_site(
		filters.as_of,
		EVERYTHING,
		ProjectFilter(region=filters.get("region") or None, project=filters.get("project") or None),
	)
	offices = pr.user_offices()
	rows = [row for row in finding_rows(rec) if _kept(row, filters, offices)]
	return (
		get_columns(),
		[_shown(row) for row in rows],
		pr.office_message(caseload=True),
		get_chart(rows),
		get_summary(rows),
	)


def get_columns() -> list[dict]:
	return [
		pr.column("code", _("Code"), width=210),
		pr.column("severity", _("Severity"), width=80),
		pr.column("description", _("Finding"), width=260),
		pr.column("reference_doctype", _("Document Type"), width=170),
		pr.column("reference_name", _("Document"), "Dynamic Link", 170, options="document_type"),
		pr.link("project", _("Project"), "CTM Project", 130),
		pr.link("donor", _("Donor"), "CTM Donor", 110),
		pr.link("field_office", _("Field Office"), "CTM Field Office", 140),
		pr.money("amount_usd", _("Amount (USD)")),
		pr.column("message", _("Message"), width=480),
	]


def finding_rows(rec) -> list[dict]:
	"""The findings the user may see (their data readable), each with the document it is about
	and the project, donor and field office it concerns."""
	result, frames = rec.result, rec.site.frames
	shown = pr.finding_codes_shown(rec)
	contributions = {c["contribution_id"]: c for c in result["contributions"]}
	offices = dict(zip(frames[pr.PROJECTS]["project_code"], frames[pr.PROJECTS]["field_office"], strict=True))
	projects = {p["project_code"] for p in result["projects"]}
	fund = result["emergency_fund"]["project_code"] if result["emergency_fund"] else None
	disbursements = frames[pr.DISBURSEMENTS]
	disbursement_office = dict(
		zip(disbursements["disbursement_id"], disbursements["field_office"], strict=True)
	)
	rows = []
	for f in result["findings"]:
		if f["code"] not in shown:
			continue
		params = f["params"]
		project = donor = None
		doctype, name = pr.ENTITY_DOCTYPE[f["entity"]], f["id"]
		if f["entity"] in ("contribution", "earmark"):
			cid = params["contribution"]
			c = contributions.get(cid, {})
			project, donor, name = c.get("project_code"), c.get("donor_code"), cid
		elif f["entity"] == "expenditure":
			project = params["project"]
		elif f["entity"] == "disbursement":
			project = fund
		elif f["entity"] == "emergency_fund":
			project = name = params["fund"]
		else:  # project, module, target
			project = name = params["project"]
		if project not in projects:
			continue  # a disbursement's finding when the fund is not among the projects shown
		office = disbursement_office.get(f["id"]) if f["entity"] == "disbursement" else offices.get(project)
		rows.append(
			{
				**f,
				"reference_doctype": doctype,
				"reference_name": name,
				"project": project,
				"donor": donor,
				"field_office": office,
			}
		)
	return rows


def _kept(row: dict, filters, offices: tuple[str, ...] | None) -> bool:
	if offices is not None and row["field_office"] not in offices:
		return False  # a field-office user sees the findings of their offices
	for key, value in (
		("code", filters.get("code")),
		("severity", filters.get("severity")),
		("donor", filters.get("donor")),
		("field_office", filters.get("field_office")),
	):
		if value and row[key] != value:
			return False
	return True


def _shown(row: dict) -> dict:
	return pr.usd(
		{
			"code": row["code"],
			"severity": _(row["severity"].title()),
			"severity_key": row["severity"],
			"description": pr.finding_description(row["code"]),
			"reference_doctype": _(row["reference_doctype"]),
			"document_type": row["reference_doctype"],
			"reference_name": row["reference_name"],
			"project": row["project"],
			"donor": row["donor"],
			"field_office": row["field_office"],
			"amount_usd": row["amount_usd"],
			"message": pr.finding_message(row),
		}
	)


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	counts = Counter(row["code"] for row in rows)
	codes = [code for code in FINDINGS if counts[code]]
	return pr.bar_chart(codes, [(_("Findings"), [counts[c] for c in codes])], fieldtype="Int")


def get_summary(rows: list[dict]) -> list[dict]:
	severities = Counter(row["severity"] for row in rows)
	return [
		pr.summary(len(rows), _("Findings"), "Int"),
		pr.summary(severities[ERROR], _("Errors"), "Int", "Red" if severities[ERROR] else "Green"),
		pr.summary(severities[WARNING], _("Warnings"), "Int", "Orange" if severities[WARNING] else "Green"),
		pr.summary(len({row["code"] for row in rows}), _("Codes"), "Int"),
	]
