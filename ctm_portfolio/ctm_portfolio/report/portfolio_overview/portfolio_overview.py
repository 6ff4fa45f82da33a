"""Portfolio Overview: each region, then its projects — projects by status, budget, pledged,
received, outstanding, spent, funding gap, cases assisted, and targets against people assisted.

Every figure is the engine's (see portfolio_reports); a region's money is the engine's exact
roll-up of its projects, rounded once.
"""

from __future__ import annotations

import frappe
from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.workbook import attainment

FILES = (
	pr.PROJECTS,
	pr.MODULES,
	pr.TARGETS,
	pr.CONTRIBUTIONS,
	pr.RECEIPTS,
	pr.EXPENDITURES,
	pr.CASES,
	pr.RATES,
)
MONEY = (
	"budget_usd",
	"pledged_usd",
	"received_usd",
	"outstanding_usd",
	"spent_usd",
	"funding_gap_usd",
)
STATUS_FIELDS = {status: "status_" + frappe.scrub(status) for status in spec.PROJECT_STATUSES}


def execute(filters=None):
	filters = pr.report_filters(filters)
	rec = pr.reconciliation(filters, FILES)
	result = rec.result
	columns = pr.visible(get_columns(), rec)
	data = get_data(result)
	return columns, data, None, get_chart(result, rec), get_summary(result, rec)


def get_columns() -> list[dict]:
	return [
		pr.column("label", _("Region / Project"), width=260),
		pr.link("project", _("Project"), "CTM Project", 130),
		pr.column("status", _("Status"), width=90),
		pr.column("project_count", _("Projects"), "Int", 80),
		*(pr.column(field, _(status), "Int", 80) for status, field in STATUS_FIELDS.items()),
		pr.money("budget_usd", _("Budget (USD)")),
		pr.money("pledged_usd", _("Pledged (USD)")),
		pr.money("received_usd", _("Received (USD)")),
		pr.money("outstanding_usd", _("Outstanding (USD)")),
		pr.money("spent_usd", _("Spent (USD)")),
		pr.money("funding_gap_usd", _("Funding Gap (USD)")),
		pr.column("cases_assisted", _("Cases Assisted"), "Int", 100),
		pr.column("target", _("Target"), "Int", 90),
		pr.column("assisted", _("Assisted"), "Int", 90),
		pr.column("attainment", _("Attainment"), "Percent", 100),
	]


def _targets(projects: list[dict]) -> tuple[int, int]:
	targets = [t for p in projects for t in p["targets"]]
	return sum(t["target"] for t in targets), sum(t["assisted"] for t in targets)


def get_data(result: dict) -> list[dict]:
	by_region: dict[str, list[dict]] = {}
	for p in result["projects"]:
		by_region.setdefault(p["region"], []).append(p)
	data = []
	for region in result["regions"]:
		projects = by_region.get(region["region"], [])
		target, assisted = _targets(projects)
		data.append(
			pr.usd(
				{
					"indent": 0,
					"label": _(region["region"]),
					"region": region["region"],
					"project_count": region["project_count"],
					**{
						field: region["projects_by_status"][status] for status, field in STATUS_FIELDS.items()
					},
					**{figure: region[figure] for figure in MONEY},
					"cases_assisted": region["cases_assisted"],
					"target": target,
					"assisted": assisted,
					"attainment": pr.percent(attainment(assisted, target)),
					"_routes": {"label": pr.route("CTM Project", region=region["region"])},
				}
			)
		)
		for p in projects:
			target, assisted = _targets([p])
			data.append(
				pr.usd(
					{
						"indent": 1,
						"label": p["title"],
						"region": p["region"],
						"project": p["project_code"],
						"status": _(p["status"]),
						**{figure: p[figure] for figure in MONEY},
						"cases_assisted": p["cases_assisted"],
						"target": target,
						"assisted": assisted,
						"attainment": pr.percent(attainment(assisted, target)),
						"_routes": {"label": pr.form("CTM Project", p["project_code"])},
					}
				)
			)
	return data


def get_chart(result: dict, rec) -> dict | None:
	regions = result["regions"]
	if not regions:
		return None
	labels = {
		"budget_usd": _("Budget (USD)"),
		"pledged_usd": _("Pledged (USD)"),
		"received_usd": _("Received (USD)"),
		"spent_usd": _("Spent (USD)"),
	}
	shown = [f for f in labels if rec.shows(*pr.FIGURE_FILES[f])]
	if not shown:
		return None
	return pr.bar_chart(
		[_(r["region"]) for r in regions],
		[(labels[f], [r[f] for r in regions]) for f in shown],
	)


def get_summary(result: dict, rec) -> list[dict]:
	p = result["portfolio"]
	target, assisted = _targets(result["projects"])
	items = [pr.summary(p["project_count"], _("Projects"), "Int")]
	labels = {
		"budget_usd": (_("Budget (USD)"), "Blue"),
		"pledged_usd": (_("Pledged (USD)"), "Blue"),
		"received_usd": (_("Received (USD)"), "Green"),
		"outstanding_usd": (_("Outstanding (USD)"), "Orange"),
		"spent_usd": (_("Spent (USD)"), "Blue"),
		"funding_gap_usd": (_("Funding Gap (USD)"), "Red"),
	}
	for figure, (label, colour) in labels.items():
		if rec.shows(*pr.FIGURE_FILES[figure]):
			indicator = colour if figure != "funding_gap_usd" or p[figure] else "Green"
			items.append(pr.summary(p[figure], label, indicator=indicator))
	if rec.shows(pr.CASES):
		items.append(pr.summary(p["cases_assisted"], _("Cases Assisted"), "Int"))
		items.append(pr.summary(target, _("Target"), "Int"))
		items.append(pr.summary(assisted, _("Assisted"), "Int"))
	return items
