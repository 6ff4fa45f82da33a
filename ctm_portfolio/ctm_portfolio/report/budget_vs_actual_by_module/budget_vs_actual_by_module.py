"""Budget vs Actual by Module: each project, then its budget modules — budget, earmarked, spent,
variance (budget − spent) and burn rate (spent / budget).

Budget, earmarked, spent and burn rates are the engine's; a variance is the difference of the two
rounded figures beside it, as in the engine's workbook.
"""

from __future__ import annotations

from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.engine.money import RATE_PLACES

FILES = (pr.PROJECTS, pr.MODULES, pr.CONTRIBUTIONS, pr.EARMARKS, pr.EXPENDITURES, pr.RATES)
CHART_PROJECTS = 15


def execute(filters=None):
	filters = pr.report_filters(filters)
	rec = pr.reconciliation(filters, FILES)
	result = rec.result
	over = {f["id"] for f in result["findings"] if f["code"] == "MODULE_OVER_BUDGET"}
	columns = pr.visible(get_columns(), rec)
	data = get_data(result, over)
	return columns, data, None, get_chart(result, rec), get_summary(result, rec, over)


def get_columns() -> list[dict]:
	return [
		pr.column("label", _("Project / Module"), width=280),
		pr.link("project", _("Project"), "CTM Project", 130),
		pr.column("module", _("Module"), width=180),
		pr.money("budget_usd", _("Budget (USD)")),
		pr.money("earmarked_usd", _("Earmarked (USD)")),
		pr.money("spent_usd", _("Spent (USD)")),
		pr.money("variance_usd", _("Variance (USD)")),
		pr.column("burn_rate", _("Burn Rate"), "Percent", 100),
		pr.column("over_budget", _("Over Budget"), "Check", 90),
	]


def get_data(result: dict, over: set[str]) -> list[dict]:
	data = []
	for p in result["projects"]:
		code = p["project_code"]
		data.append(
			pr.usd(
				{
					"indent": 0,
					"label": p["title"],
					"project": code,
					"budget_usd": p["budget_usd"],
					"earmarked_usd": p["earmarked_usd"],
					"spent_usd": p["spent_usd"],
					"variance_usd": p["budget_usd"] - p["spent_usd"],
					"burn_rate": pr.percent(p["burn_rate"]),
					"over_budget": int(any(f"{code}/{m['module']}" in over for m in p["modules"])),
					"_routes": {"label": pr.form("CTM Project", code)},
				}
			)
		)
		for m in p["modules"]:
			data.append(
				pr.usd(
					{
						"indent": 1,
						"label": m["module"],
						"project": code,
						"module": m["module"],
						"budget_usd": m["budget_usd"],
						"earmarked_usd": m["earmarked_usd"],
						"spent_usd": m["spent_usd"],
						"variance_usd": m["budget_usd"] - m["spent_usd"],
						"burn_rate": pr.percent(m["burn_rate"]),
						"over_budget": int(f"{code}/{m['module']}" in over),
						"_routes": {
							"label": pr.route("CTM Expenditure", project_code=code, module=m["module"]),
							"module": pr.route("CTM Expenditure", project_code=code, module=m["module"]),
						},
					}
				)
			)
	return data


def get_chart(result: dict, rec) -> dict | None:
	projects = result["projects"]
	if not projects:
		return None
	if len(projects) == 1:
		rows = [{"label": m["module"], **m} for m in projects[0]["modules"]]
	else:
		rows = pr.top([{"label": p["project_code"], **p} for p in projects], "budget_usd", CHART_PROJECTS)
	if not rows:
		return None
	labels = {
		"budget_usd": _("Budget (USD)"),
		"earmarked_usd": _("Earmarked (USD)"),
		"spent_usd": _("Spent (USD)"),
	}
	shown = [f for f in labels if rec.shows(*pr.FIGURE_FILES[f])]
	return pr.bar_chart([r["label"] for r in rows], [(labels[f], [r[f] for r in rows]) for f in shown])


def get_summary(result: dict, rec, over: set[str]) -> list[dict]:
	p = result["portfolio"]
	items = [pr.summary(p["budget_usd"], _("Budget (USD)"), indicator="Blue")]
	if rec.shows(pr.CONTRIBUTIONS):
		items.append(pr.summary(p["earmarked_usd"], _("Earmarked (USD)"), indicator="Blue"))
	if rec.shows(pr.EXPENDITURES):
		variance = p["budget_usd"] - p["spent_usd"]
		burn = (p["spent_usd"] / p["budget_usd"]).quantize(RATE_PLACES) if p["budget_usd"] else None
		items += [
			pr.summary(p["spent_usd"], _("Spent (USD)"), indicator="Blue"),
			pr.summary(variance, _("Variance (USD)"), indicator="Green" if variance >= 0 else "Red"),
			pr.summary(pr.percent(burn) if burn is not None else None, _("Burn Rate"), "Percent"),
			pr.summary(len(over), _("Modules Over Budget"), "Int", "Red" if over else "Green"),
		]
	return items
