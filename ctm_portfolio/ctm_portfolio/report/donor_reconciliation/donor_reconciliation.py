"""Donor Reconciliation: each donor, then its contributions — pledged, received, outstanding,
spent (charged to the contribution), earmark breaches and the contribution's other findings.

A donor's and a contribution's figures are the engine's; the totals are the engine's exact sums
over the donors, rounded once. Earmark breaches are the engine's EARMARK_BREACH findings: their
count and the sum of their amounts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.engine.money import ZERO

FILES = (
	pr.PROJECTS,
	pr.MODULES,
	pr.DONORS,
	pr.CONTRIBUTIONS,
	pr.EARMARKS,
	pr.RECEIPTS,
	pr.EXPENDITURES,
	pr.RATES,
)
MONEY = ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd")
CONTRIBUTION_FINDINGS = ("SPENT_BEYOND_PLEDGE", "SPENT_AHEAD_OF_CASH", "RECEIPT_EXCEEDS_PLEDGE")
CHART_DONORS = 15


def execute(filters=None):
	filters = pr.report_filters(filters)
	rec = pr.reconciliation(filters, FILES)
	result = rec.result
	breaches, other = _findings(result)
	columns = pr.visible(get_columns(), rec)
	donors = _donors(result, filters, bool(pr.project_filter(filters)))
	data = get_data(result, donors, breaches, other)
	return columns, data, None, get_chart(donors), get_summary(result, filters, donors, breaches)


def get_columns() -> list[dict]:
	return [
		pr.column("label", _("Donor / Contribution"), width=240),
		pr.link("donor", _("Donor"), "CTM Donor", 110),
		pr.link("contribution", _("Contribution"), "CTM Contribution", 150),
		pr.link("project", _("Project"), "CTM Project", 130),
		pr.column("status", _("Type / Status"), width=110),
		pr.column("amount", _("Amount"), "Currency", 120, options="currency"),
		pr.money("pledged_usd", _("Pledged (USD)")),
		pr.money("received_usd", _("Received (USD)")),
		pr.money("outstanding_usd", _("Outstanding (USD)")),
		pr.money("spent_usd", _("Spent (USD)")),
		pr.column("earmark_breaches", _("Earmark Breaches"), "Int", 90),
		pr.money("earmark_breach_usd", _("Earmark Breaches (USD)")),
		pr.column("other_findings", _("Other Findings"), width=220),
	]


def _findings(result: dict) -> tuple[dict, dict]:
	"""contribution_id -> its EARMARK_BREACH findings; contribution_id -> its other findings."""
	breaches: dict[str, list[dict]] = defaultdict(list)
	other: dict[str, list[dict]] = defaultdict(list)
	for f in result["findings"]:
		if f["code"] == "EARMARK_BREACH":
			breaches[f["params"]["contribution"]].append(f)
		elif f["code"] in CONTRIBUTION_FINDINGS:
			other[f["id"]].append(f)
	return breaches, other


def _donors(result: dict, filters, narrowed: bool) -> list[dict]:
	"""The donors shown: one (the donor filter), or all; when narrowed to some projects, those
	that fund them."""
	funding = {c["donor_code"] for c in result["contributions"]}
	return [
		d
		for d in result["donors"]
		if (not filters.get("donor") or d["donor_code"] == filters.donor)
		and (not narrowed or d["donor_code"] in funding)
	]


def _breach_figures(found: list[dict]) -> tuple[int, Decimal]:
	return len(found), sum((f["amount_usd"] for f in found), ZERO)


def get_data(result: dict, donors: list[dict], breaches: dict, other: dict) -> list[dict]:
	by_donor: dict[str, list[dict]] = defaultdict(list)
	for c in result["contributions"]:
		by_donor[c["donor_code"]].append(c)
	data = []
	for d in donors:
		contributions = by_donor.get(d["donor_code"], [])
		count, usd = _breach_figures(
			[f for c in contributions for f in breaches.get(c["contribution_id"], [])]
		)
		data.append(
			pr.usd(
				{
					"indent": 0,
					"label": d["name"],
					"donor": d["donor_code"],
					"status": _(d["donor_type"]),
					**{figure: d[figure] for figure in MONEY},
					"earmark_breaches": count,
					"earmark_breach_usd": usd,
					"_routes": {"label": pr.form("CTM Donor", d["donor_code"])},
				}
			)
		)
		for c in contributions:
			cid = c["contribution_id"]
			count, usd = _breach_figures(breaches.get(cid, []))
			data.append(
				pr.usd(
					{
						"indent": 1,
						"label": cid,
						"donor": d["donor_code"],
						"contribution": cid,
						"project": c["project_code"],
						"status": _(c["status"]),
						"currency": c["currency"],
						"amount": c["amount"],
						**{figure: c[figure] for figure in MONEY},
						"earmark_breaches": count,
						"earmark_breach_usd": usd,
						"other_findings": ", ".join(f["code"] for f in other.get(cid, [])),
						"_routes": {
							"label": pr.form("CTM Contribution", cid),
							"earmark_breaches": pr.route("CTM Expenditure", contribution_id=cid),
						},
					}
				)
			)
	return data


def get_chart(donors: list[dict]) -> dict | None:
	rows = pr.top([{"label": d["name"], **d} for d in donors], "pledged_usd", CHART_DONORS)
	if not rows:
		return None
	return pr.bar_chart(
		[r["label"] for r in rows],
		[
			(_("Pledged (USD)"), [r["pledged_usd"] for r in rows]),
			(_("Received (USD)"), [r["received_usd"] for r in rows]),
			(_("Spent (USD)"), [r["spent_usd"] for r in rows]),
		],
	)


def get_summary(result: dict, filters, donors: list[dict], breaches: dict) -> list[dict]:
	if filters.get("donor"):
		totals = donors[0] if donors else dict.fromkeys(MONEY, ZERO)
		shown = {d["donor_code"] for d in donors}
		found = [
			f
			for c in result["contributions"]
			if c["donor_code"] in shown
			for f in breaches.get(c["contribution_id"], [])
		]
	else:
		totals = result["donor_totals"]
		found = [f for fs in breaches.values() for f in fs]
	count, usd = _breach_figures(found)
	return [
		pr.summary(len(donors), _("Donors"), "Int"),
		pr.summary(totals["pledged_usd"], _("Pledged (USD)"), indicator="Blue"),
		pr.summary(totals["received_usd"], _("Received (USD)"), indicator="Green"),
		pr.summary(totals["outstanding_usd"], _("Outstanding (USD)"), indicator="Orange"),
		pr.summary(totals["spent_usd"], _("Spent (USD)"), indicator="Blue"),
		pr.summary(count, _("Earmark Breaches"), "Int", "Red" if count else "Green"),
		pr.summary(usd, _("Earmark Breaches (USD)"), indicator="Red" if count else "Green"),
	]
