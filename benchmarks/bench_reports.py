"""Benchmark of the six Script Reports on a site holding the benchmark portfolio.

    cd /opt/frappe-bench && env/bin/python /work/main/benchmarks/bench_reports.py --site scale.localhost \\
        [--load] [--projects 2000 --cases 200000 --expenditures 100000 --disbursements 20000] \\
        [--as-of YYYY-MM-DD] [--repeat 3] [--no-naive]

Use a scratch site: ``--load`` imports the portfolio (``build_synthetic``, written with
``write_csv_bundle``, imported with ``bundle_io.import_bundle`` and committed) when the site holds
no project yet.

For each report at its default filters (as of today, no other filter), as Administrator, through
``frappe.desk.query_report.run`` (what the desk calls: permission checks, the report, Frappe's row
filter), it prints in the same run:

- the report's time, first run and best of ``--repeat`` (target: < 2 s);
- its SQL alone (``db``: the same queries run again, each answer received through the driver and
  dropped unread), the whole read into the engine's frames within the report (``load``: the
  queries, with the packed text parsed on a worker thread meanwhile), and the engine's reconcile;
- the time of a naive implementation of the same figures: ``frappe.get_all`` of every document it
  needs, then Python loops (exact Decimals, a rate looked up per row) — and whether its totals
  agree with the report's to the cent.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

BENCH = Path(os.environ.get("FRAPPE_BENCH", "/opt/frappe-bench"))
REPORTS = (
	"Portfolio Overview",
	"Budget vs Actual by Module",
	"Donor Reconciliation",
	"Emergency Fund Reconciliation",
	"Beneficiary Target Attainment",
	"Reconciliation Findings",
)
CENT = Decimal("0.01")
TARGET_SECONDS = 2.0


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--load", action="store_true", help="import the portfolio if the site has no project")
	parser.add_argument("--projects", type=int, default=2000)
	parser.add_argument("--cases", type=int, default=200_000)
	parser.add_argument("--expenditures", type=int, default=100_000)
	parser.add_argument("--disbursements", type=int, default=20_000)
	parser.add_argument("--as-of", default=None, help="default: today (the reports' default)")
	parser.add_argument("--repeat", type=int, default=3)
	parser.add_argument("--no-naive", action="store_true", help="skip the naive get_all + loop timings")
	args = parser.parse_args()

	os.chdir(BENCH / "sites")
	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		if args.load:
			load_portfolio(args)
		run(args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def load_portfolio(args) -> None:
	import frappe

	from ctm_portfolio.ctm_portfolio.bundle_io import import_bundle
	from ctm_portfolio.engine.bundle import write_csv_bundle
	from ctm_portfolio.engine.demo import build_synthetic

	if frappe.db.count("CTM Project"):
		print(f"{args.site} already holds a portfolio: not loading")
		return
	with tempfile.TemporaryDirectory(prefix="ctm-bench-reports-") as folder:
		started = time.perf_counter()
		write_csv_bundle(
			build_synthetic(args.projects, args.cases, args.expenditures, args.disbursements), folder
		)
		print(f"generated in {time.perf_counter() - started:.1f} s; importing ...")
		print(import_bundle(folder, progress=False, commit=True))


def run(args) -> None:
	import frappe
	from frappe.desk.query_report import run as run_report
	from frappe.utils import getdate

	from ctm_portfolio.ctm_portfolio import portfolio_reports, site_bundle

	as_of = getdate(args.as_of) if args.as_of else getdate()
	counts = {
		d: frappe.db.count(d)
		for d in ("CTM Project", "CTM Case", "CTM Expenditure", "CTM Emergency Disbursement")
	}
	print(
		f"site {args.site}: {counts['CTM Project']:,} projects, {counts['CTM Case']:,} cases, "
		f"{counts['CTM Expenditure']:,} expenditures, {counts['CTM Emergency Disbursement']:,} disbursements; "
		f"as of {as_of}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
	)

	# Record the parts of each run (the reports call reconcile_site through these two modules).
	seen: list[dict] = []
	original = site_bundle.reconcile_site

	def recording(*a, **k):
		rec = original(*a, **k)
		seen.append({**rec.seconds, "rows": rec.site.rows, "queries": rec.site.queries, "site": rec.site})
		return rec

	site_bundle.reconcile_site = recording
	portfolio_reports.reconcile_site = recording
	import ctm_portfolio.ctm_portfolio.report.reconciliation_findings.reconciliation_findings as findings_module

	findings_module.reconcile_site = recording

	header = (
		f"{'report':32} {'rows':>6}  {'first':>6} {'best':>6}  {'db':>5} {'load':>5} {'engine':>6}  "
		f"{'naive':>7} {'(get_all':>8} {'+loop)':>6}  {'x':>5}  agrees"
	)
	print(header)
	print("-" * len(header))
	results = {}
	for name in REPORTS:
		filters = json.dumps({"as_of": as_of.isoformat()})
		times, parts = [], None
		for _ in range(max(1, args.repeat)):
			seen.clear()
			started = time.perf_counter()
			out = run_report(name, filters=filters)
			times.append(time.perf_counter() - started)
			if parts is None or times[-1] == min(times):
				parts = dict(seen[-1])
		best = min(times)
		parts["db"] = sql_alone(parts["site"], args.repeat)
		line = (
			f"{name:32} {len(out['result']):>6}  {times[0]:6.2f} {best:6.2f}  {parts['db']:5.2f} "
			f"{parts['load']:5.2f} {parts['engine']:6.2f}"
		)
		if not args.no_naive:
			naive = NAIVE[name]
			fetched, looped, agrees = naive(as_of, out)
			total = fetched + looped
			line += f"  {total:7.2f} {fetched:8.2f} {looped:6.2f}  {total / best:4.1f}x  {agrees}"
		print(
			line, "" if best < TARGET_SECONDS else f"  (over the {TARGET_SECONDS:.0f} s target)", flush=True
		)
		results[name] = {"first": times[0], "best": best, **{k: v for k, v in parts.items() if k != "site"}}
	print(
		"times in seconds; first: the first run in this process (imports, caches); best: of "
		f"{args.repeat}; db: the SQL alone (run again, answers unread); load: the queries + reading the "
		"answers into the engine's frames, overlapped; engine: reconcile"
	)


def sql_alone(site, repeat: int) -> float:
	"""The time of a report's SQL alone: its queries (those ``site_bundle.load`` ran for it, the
	same files, filters and user), each answer received and dropped unread (best of ``repeat``)."""
	from unittest.mock import patch

	from ctm_portfolio.ctm_portfolio import site_bundle

	def unread(parts, cols):
		return site_bundle.empty_frame(cols)

	times = []
	with patch.object(site_bundle, "_read_parts", unread):
		for _ in range(max(1, repeat)):
			started = time.perf_counter()
			site_bundle.load(site.as_of, site.files, site.projects, site.named_cases_only)
			times.append(time.perf_counter() - started)
	return min(times)


# --- the naive way: frappe.get_all, then Python loops ------------------------------------------


class _Rates:
	def __init__(self, rows):
		table = defaultdict(list)
		for r in sorted(rows, key=lambda r: (r.currency, r.rate_date)):
			table[r.currency].append((r.rate_date, Decimal(str(r.usd_per_unit).strip())))
		self.days = {c: [d for d, _ in v] for c, v in table.items()}
		self.values = {c: [x for _, x in v] for c, v in table.items()}

	def usd(self, amount, currency: str, day) -> Decimal:
		value = Decimal(str(amount))
		if currency == "USD":
			return value
		at = bisect.bisect_right(self.days[currency], day) - 1
		return value * self.values[currency][at]


def _round(value: Decimal) -> Decimal:
	return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _get(doctype: str, fields: list[str], **filters):
	import frappe

	return frappe.get_all(doctype, fields=fields, filters=filters or None, limit_page_length=0, order_by=None)


def _fetch(*what: str) -> dict:
	"""Every document the naive figures need."""
	data = {"rates": _Rates(_get("CTM Exchange Rate", ["currency", "rate_date", "usd_per_unit"]))}
	fetchers = {
		"projects": lambda: _get(
			"CTM Project",
			["name", "region", "status", "currency", "start_date", "end_date", "is_emergency_fund"],
		),
		"modules": lambda: _get(
			"CTM Budget Module", ["parent", "module", "budget"], parenttype="CTM Project"
		),
		"targets": lambda: _get(
			"CTM Beneficiary Target",
			["parent", "beneficiary_group", "assistance_type", "target", "period_start", "period_end"],
			parenttype="CTM Project",
		),
		"donors": lambda: _get("CTM Donor", ["name"]),
		"contributions": lambda: _get(
			"CTM Contribution",
			["name", "donor_code", "project_code", "currency", "amount", "pledge_date", "status"],
		),
		"earmarks": lambda: _get("CTM Contribution Earmark", ["parent", "module", "amount"]),
		"receipts": lambda: _get("CTM Contribution Receipt", ["parent", "receipt_date", "amount"]),
		"expenditures": lambda: _get(
			"CTM Expenditure",
			["name", "project_code", "module", "expenditure_date", "amount", "currency", "contribution_id"],
		),
		"cases": lambda: _get(
			"CTM Case", ["name", "project_code", "registration_date", "gender", "age_group", "assistance"]
		),
		"disbursements": lambda: _get(
			"CTM Emergency Disbursement",
			[
				"name",
				"case_id",
				"field_office",
				"assistance_type",
				"amount",
				"currency",
				"requested_date",
				"status",
				"disbursed_date",
			],
		),
	}
	for key in what:
		data[key] = fetchers[key]()
	return data


GROUPS = {
	"women": lambda g, a: g == "female" and a == "adult",
	"men": lambda g, a: g == "male" and a == "adult",
	"girls": lambda g, a: g == "female" and a == "child",
	"boys": lambda g, a: g == "male" and a == "child",
	"children": lambda g, a: a == "child",
	"adults": lambda g, a: a == "adult",
	"women_and_children": lambda g, a: (g == "female" and a == "adult") or a == "child",
	"all": lambda g, a: True,
}


def _money_by_project(d, as_of) -> dict:
	"""budget, pledged, received, outstanding, spent per project (USD, exact)."""
	rates, out = d["rates"], defaultdict(lambda: defaultdict(Decimal))
	projects = {p.name: p for p in d["projects"]}
	for m in d["modules"]:
		p = projects[m.parent]
		out[m.parent]["budget"] += rates.usd(m.budget, p.currency, p.start_date)
	live, received_in_own = {}, defaultdict(Decimal)
	contributions = {c.name: c for c in d["contributions"]}
	for c in d["contributions"]:
		if c.status != "Cancelled" and c.pledge_date <= as_of:
			live[c.name] = c
			out[c.project_code]["pledged"] += rates.usd(c.amount, c.currency, c.pledge_date)
	for r in d["receipts"]:
		c = contributions[r.parent]
		if c.status != "Cancelled" and r.receipt_date <= as_of:
			out[c.project_code]["received"] += rates.usd(r.amount, c.currency, r.receipt_date)
			received_in_own[c.name] += Decimal(str(r.amount))
	for c in live.values():
		owed = Decimal(str(c.amount)) - received_in_own[c.name]
		if owed > 0:
			out[c.project_code]["outstanding"] += rates.usd(owed, c.currency, as_of)
	for x in d["expenditures"]:
		if x.expenditure_date <= as_of:
			out[x.project_code]["spent"] += rates.usd(x.amount, x.currency, x.expenditure_date)
	return out


def _assisted(d, as_of) -> dict:
	"""(project, target index) -> distinct cases assisted, by looping over the project's cases."""
	projects = {p.name: p for p in d["projects"]}
	cases = defaultdict(list)
	for k in d["cases"]:
		if k.project_code and k.registration_date <= as_of:
			cases[k.project_code].append(k)
	out = {}
	for i, t in enumerate(d["targets"]):
		p = projects[t.parent]
		start, end = t.period_start or p.start_date, t.period_end or p.end_date
		member = GROUPS[t.beneficiary_group]
		out[(t.parent, i)] = sum(
			1
			for k in cases[t.parent]
			if start <= k.registration_date <= end
			and member(k.gender, k.age_group)
			and (not t.assistance_type or t.assistance_type in (k.assistance or "").split(";"))
		)
	return out


def _summary(out: dict) -> dict:
	return {item["label"]: item["value"] for item in out["report_summary"] or []}


def _timed(what, compute):
	started = time.perf_counter()
	d = _fetch(*what)
	fetched = time.perf_counter() - started
	started = time.perf_counter()
	figures = compute(d)
	return fetched, time.perf_counter() - started, figures


def naive_overview(as_of, out):
	def compute(d):
		money = _money_by_project(d, as_of)
		assisted = _assisted(d, as_of)
		budget = _round(sum((m["budget"] for m in money.values()), Decimal(0)))
		spent = _round(sum((m["spent"] for m in money.values()), Decimal(0)))
		return budget, spent, sum(assisted.values())

	fetched, looped, (budget, spent, _assisted_total) = _timed(
		("projects", "modules", "targets", "contributions", "receipts", "expenditures", "cases"), compute
	)
	s = _summary(out)
	return fetched, looped, "yes" if (budget, spent) == (s["Budget (USD)"], s["Spent (USD)"]) else "NO"


def naive_budget(as_of, out):
	def compute(d):
		rates = d["rates"]
		projects = {p.name: p for p in d["projects"]}
		contributions = {c.name: c for c in d["contributions"]}
		modules = defaultdict(lambda: defaultdict(Decimal))
		for m in d["modules"]:
			p = projects[m.parent]
			modules[(m.parent, m.module)]["budget"] += rates.usd(m.budget, p.currency, p.start_date)
		for e in d["earmarks"]:
			c = contributions[e.parent]
			if c.status != "Cancelled" and c.pledge_date <= as_of:
				modules[(c.project_code, e.module)]["earmarked"] += rates.usd(
					e.amount, c.currency, c.pledge_date
				)
		for x in d["expenditures"]:
			if x.expenditure_date <= as_of:
				modules[(x.project_code, x.module)]["spent"] += rates.usd(
					x.amount, x.currency, x.expenditure_date
				)
		return _round(sum((m["earmarked"] for m in modules.values()), Decimal(0)))

	fetched, looped, earmarked = _timed(
		("projects", "modules", "contributions", "earmarks", "expenditures"), compute
	)
	return fetched, looped, "yes" if earmarked == _summary(out)["Earmarked (USD)"] else "NO"


def naive_donors(as_of, out):
	def compute(d):
		rates = d["rates"]
		contributions = {c.name: c for c in d["contributions"]}
		donors = defaultdict(lambda: defaultdict(Decimal))
		for c in contributions.values():
			if c.status != "Cancelled" and c.pledge_date <= as_of:
				donors[c.donor_code]["pledged"] += rates.usd(c.amount, c.currency, c.pledge_date)
		for r in d["receipts"]:
			c = contributions[r.parent]
			if c.status != "Cancelled" and r.receipt_date <= as_of:
				donors[c.donor_code]["received"] += rates.usd(r.amount, c.currency, r.receipt_date)
		for x in d["expenditures"]:
			c = contributions.get(x.contribution_id)
			if c and c.status != "Cancelled" and c.pledge_date <= as_of and x.expenditure_date <= as_of:
				donors[c.donor_code]["spent"] += rates.usd(x.amount, x.currency, x.expenditure_date)
		return _round(sum((v["pledged"] for v in donors.values()), Decimal(0)))

	fetched, looped, pledged = _timed(
		("donors", "contributions", "earmarks", "receipts", "expenditures"), compute
	)
	return fetched, looped, "yes" if pledged == _summary(out)["Pledged (USD)"] else "NO"


def naive_fund(as_of, out):
	def compute(d):
		rates = d["rates"]
		registered = {k.name for k in d["cases"] if k.registration_date <= as_of}
		disbursed = Decimal(0)
		unmatched, seen, duplicates = 0, set(), 0
		rows = sorted(d["disbursements"], key=lambda r: (r.requested_date, r.name))
		for r in rows:
			day = r.disbursed_date if r.status == "Disbursed" else r.requested_date
			if day is None or day > as_of:
				continue
			if r.status == "Disbursed":
				disbursed += rates.usd(r.amount, r.currency, day)
			if r.status in ("Approved", "Disbursed") and r.case_id not in registered:
				unmatched += 1
			if r.status != "Rejected":
				key = (r.case_id, r.assistance_type)
				duplicates += key in seen
				seen.add(key)
		return _round(disbursed), unmatched, duplicates

	fetched, looped, (disbursed, unmatched, duplicates) = _timed(("cases", "disbursements"), compute)
	s = _summary(out)
	agrees = (disbursed, unmatched, duplicates) == (s["Disbursed (USD)"], s["Unmatched"], s["Duplicates"])
	return fetched, looped, "yes" if agrees else "NO"


def naive_targets(as_of, out):
	fetched, looped, assisted = _timed(
		("projects", "targets", "cases"), lambda d: sum(_assisted(d, as_of).values())
	)
	return fetched, looped, "yes" if assisted == _summary(out)["Assisted"] else "NO"


def naive_findings(as_of, out):
	"""Three of the findings, looping over the documents: underfunded projects, modules over
	budget, target shortfalls; they agree when each code counts as many as the report shows."""

	def compute(d):
		rates, projects = d["rates"], {p.name: p for p in d["projects"]}
		money = _money_by_project(d, as_of)
		underfunded = sum(
			1
			for name, p in projects.items()
			if p.status == "Active" and _round(money[name]["budget"] - money[name]["pledged"]) > 0
		)
		modules = defaultdict(lambda: defaultdict(Decimal))
		for m in d["modules"]:
			p = projects[m.parent]
			modules[(m.parent, m.module)]["budget"] += rates.usd(m.budget, p.currency, p.start_date)
		for x in d["expenditures"]:
			if x.expenditure_date <= as_of:
				modules[(x.project_code, x.module)]["spent"] += rates.usd(
					x.amount, x.currency, x.expenditure_date
				)
		over_budget = sum(1 for m in modules.values() if m["spent"] > m["budget"])
		assisted = _assisted(d, as_of)
		shortfalls = sum(
			1
			for i, t in enumerate(d["targets"])
			if (t.period_end or projects[t.parent].end_date) <= as_of and assisted[(t.parent, i)] < t.target
		)
		return {
			"PROJECT_UNDERFUNDED": underfunded,
			"MODULE_OVER_BUDGET": over_budget,
			"TARGET_SHORTFALL": shortfalls,
		}

	fetched, looped, counts = _timed(
		("projects", "modules", "targets", "contributions", "receipts", "expenditures", "cases"), compute
	)
	shown = {code: sum(1 for row in out["result"] if row.get("code") == code) for code in counts}
	return fetched, looped, "yes" if counts == shown else f"NO {counts} != {shown}"


NAIVE = {
	"Portfolio Overview": naive_overview,
	"Budget vs Actual by Module": naive_budget,
	"Donor Reconciliation": naive_donors,
	"Emergency Fund Reconciliation": naive_fund,
	"Beneficiary Target Attainment": naive_targets,
	"Reconciliation Findings": naive_findings,
}


if __name__ == "__main__":
	sys.exit(main())
