"""Beneficiary Target Attainment: each beneficiary target of each project — target, people
assisted (distinct cases of the project registered in the target's period, in its group, with
its assistance type), attainment and shortfall.

Target and assisted are the engine's; attainment (assisted / target) and shortfall
(target − assisted, not below 0) are made as the engine's workbook makes them. A shortfall is a
TARGET_SHORTFALL finding once the target's period has ended.
"""

from __future__ import annotations

from frappe import _

from ctm_portfolio.ctm_portfolio import portfolio_reports as pr
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.workbook import attainment

FILES = (pr.PROJECTS, pr.TARGETS, pr.CASES)
# The case list's filters that select a beneficiary group (None: not expressible as list filters).
GROUP_FILTERS = {
	"women": {"gender": "female", "age_group": "adult"},
	"men": {"gender": "male", "age_group": "adult"},
	"girls": {"gender": "female", "age_group": "child"},
	"boys": {"gender": "male", "age_group": "child"},
	"children": {"age_group": "child"},
	"adults": {"age_group": "adult"},
	"women_and_children": None,
	"all": {},
}


def execute(filters=None):
	filters = pr.report_filters(filters)
	rec = pr.reconciliation(filters, FILES)
	result = rec.result
	short = {f["id"] for f in result["findings"] if f["code"] == "TARGET_SHORTFALL"}
	rows = [
		(p, t)
		for p in result["projects"]
		for t in p["targets"]
		if not filters.get("beneficiary_group") or t["beneficiary_group"] == filters.beneficiary_group
	]
	data = get_data(rows, short, result["as_of"])
	whole = not pr.partial_caseload()
	if not whole:  # attainment and shortfalls rest on every office's cases: not shown
		data = [{k: v for k, v in row.items() if k not in pr.CASELOAD_FIGURES} for row in data]
	return (
		pr.visible(get_columns(), rec),
		data,
		pr.office_message(caseload=True),
		get_chart(rows, whole),
		get_summary(rows, data, whole),
	)


def get_columns() -> list[dict]:
	return [
		pr.link("project", _("Project"), "CTM Project", 130),
		pr.column("title", _("Title"), width=220),
		pr.column("region", _("Region"), width=110),
		pr.column("beneficiary_group", _("Beneficiary Group"), width=130),
		pr.column("assistance_type", _("Assistance Type"), width=120),
		pr.column("period_start", _("Period Start"), "Date", 100),
		pr.column("period_end", _("Period End"), "Date", 100),
		pr.column("target", _("Target"), "Int", 90),
		pr.column("assisted", _("Assisted"), "Int", 90),
		pr.column("attainment", _("Attainment"), "Percent", 100),
		pr.column("shortfall", _("Shortfall"), "Int", 90),
		pr.column("target_shortfall", _("Target Shortfall"), "Check", 100),
	]


def target_id(project: str, t: dict) -> str:
	"""The id of the engine's TARGET_SHORTFALL finding on this target."""
	suffix = f"/{t['assistance_type']}" if t["assistance_type"] else ""
	return f"{project}/{t['beneficiary_group']}{suffix}/{t['period_start'].isoformat()}"


def _cases_route(project: str, t: dict, as_of) -> dict | None:
	group = GROUP_FILTERS.get(t["beneficiary_group"])
	if group is None:
		return None
	end = min(t["period_end"], as_of)
	filters = {
		"project_code": project,
		"registration_date": ["between", [t["period_start"].isoformat(), end.isoformat()]],
		**group,
	}
	if t["assistance_type"]:
		filters["assistance"] = ["like", f"%{t['assistance_type']}%"]
	return pr.route("CTM Case", **filters)


def get_data(rows: list[tuple[dict, dict]], short: set[str], as_of) -> list[dict]:
	data = []
	for p, t in rows:
		code = p["project_code"]
		routes = {}
		cases = _cases_route(code, t, as_of)
		if cases:
			routes["assisted"] = cases
		data.append(
			{
				"project": code,
				"title": p["title"],
				"region": _(p["region"]),
				"beneficiary_group": _(t["beneficiary_group"]),
				"assistance_type": _(t["assistance_type"]) if t["assistance_type"] else None,
				"period_start": t["period_start"],
				"period_end": t["period_end"],
				"target": t["target"],
				"assisted": t["assisted"],
				"attainment": pr.percent(attainment(t["assisted"], t["target"])),
				"shortfall": max(t["target"] - t["assisted"], 0),
				"target_shortfall": int(target_id(code, t) in short),
				"_routes": routes,
			}
		)
	return data


def get_chart(rows: list[tuple[dict, dict]], whole: bool = True) -> dict | None:
	"""Target and assisted by beneficiary group; assisted only when the user reads part of the
	caseload (set beside the target, it would show a shortfall that may not be there)."""
	if not rows:
		return None
	groups = [g for g in spec.BENEFICIARY_GROUPS if any(t["beneficiary_group"] == g for _p, t in rows)]
	datasets = [
		(
			_("Assisted"),
			[sum(t["assisted"] for _p, t in rows if t["beneficiary_group"] == g) for g in groups],
		)
	]
	if whole:
		target = [sum(t["target"] for _p, t in rows if t["beneficiary_group"] == g) for g in groups]
		datasets.insert(0, (_("Target"), target))
	return pr.bar_chart([_(g) for g in groups], datasets, fieldtype="Int")


def get_summary(rows: list[tuple[dict, dict]], data: list[dict], whole: bool = True) -> list[dict]:
	target = sum(t["target"] for _p, t in rows)
	assisted = sum(t["assisted"] for _p, t in rows)
	items = [
		pr.summary(len(rows), _("Targets"), "Int"),
		pr.summary(target, _("Target"), "Int"),
		pr.summary(assisted, _("Assisted"), "Int"),
	]
	if whole:
		short = sum(d["target_shortfall"] for d in data)
		overall = attainment(assisted, target)
		items += [
			pr.summary(pr.percent(overall) if overall is not None else None, _("Attainment"), "Percent"),
			pr.summary(sum(d["shortfall"] for d in data), _("Shortfall"), "Int"),
			pr.summary(short, _("Targets Short"), "Int", "Orange" if short else "Green"),
		]
	return items
