"""The reports' one source of truth: the site read into the engine's frames (site_bundle), and the
demo portfolio reconciled through the six reports and through the headless engine on the
exported bundle (bundle_io.export_bundle -> engine.load_bundle -> reconcile), every figure
compared to the cent.

    CI=1 bench --site SITE run-tests --app ctm_portfolio --module ctm_portfolio.ctm_portfolio.test_site_bundle
"""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import date
from pathlib import Path
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate
from openpyxl import load_workbook

from ctm_portfolio.ctm_portfolio import countries, portfolio_reports, site_bundle
from ctm_portfolio.ctm_portfolio.bundle_io import export_bundle, import_bundle
from ctm_portfolio.ctm_portfolio.site_bundle import EVERYTHING, ProjectFilter, load, reconcile_site
from ctm_portfolio.engine.demo import DEMO_DIR, write_demo
from ctm_portfolio.engine.reconcile import FRAME_COLUMNS, reconcile
from ctm_portfolio.engine.validate import load_bundle
from ctm_portfolio.engine.workbook import attainment, write_workbook
from ctm_portfolio.tests.office_restriction import make_office_users
from ctm_portfolio.tests.report_data import (
	AS_OF,
	FO_A,
	HQ,
	ReportTestCase,
	clear_portfolio,
	portfolio_doctypes,
	run_report,
)

MONEY = ("budget_usd", "pledged_usd", "received_usd", "outstanding_usd", "spent_usd", "funding_gap_usd")


def exported(folder: Path, as_of: date, user: str | None = None) -> dict:
	"""The headless engine's reconciliation of the site's export (as ``user`` may read it)."""
	shutil.rmtree(folder, ignore_errors=True)
	export_bundle(folder, user=user)
	return reconcile(load_bundle(folder), as_of, details=True)


def sorted_frame(frame):
	columns = list(frame.columns)
	return frame.sort_values(columns, kind="stable").reset_index(drop=True) if len(frame) else frame


class TestSiteBundle(ReportTestCase):
	"""site_bundle on the small portfolio."""

	def test_the_frames_are_the_exports(self):
		theirs = load_bundle(self.tmp / "small").frames
		ours = load(AS_OF.replace(year=2099)).frames  # nothing dated left out
		for name, columns in FRAME_COLUMNS.items():
			a = sorted_frame(ours[name][list(columns)])
			b = sorted_frame(theirs[name][list(columns)])
			self.assertEqual(a.to_dict("records"), b.to_dict("records"), name)

	def test_the_reconciliation_is_the_engines(self):
		for as_of in (AS_OF, date(2003, 6, 30), date(2099, 1, 1)):
			self.assertEqual(reconcile_site(as_of).result, reconcile(self.bundle, as_of, details=True), as_of)

	def test_dated_rows_are_left_out_in_sql(self):
		frames = load(date(2003, 6, 30)).frames
		self.assertEqual(len(frames["expenditures.csv"]), 1)
		self.assertEqual(len(frames["cases.csv"]), 4)
		self.assertEqual(len(frames["receipts.csv"]), 3)
		self.assertEqual(len(frames["contributions.csv"]), 3)  # receipts may precede a pledge: all read

	def test_only_the_files_asked_for_are_read(self):
		site = load(AS_OF, {"projects.csv", "cases.csv"})
		self.assertEqual(site.files, {"projects.csv", "cases.csv"})
		self.assertEqual(len(site.frames["expenditures.csv"]), 0)
		self.assertEqual(
			list(site.frames["expenditures.csv"].columns), list(FRAME_COLUMNS["expenditures.csv"])
		)
		# Without disbursements, a case's id is not read (it only matches disbursements).
		self.assertEqual(set(site.frames["cases.csv"]["case_id"]), {None})
		named = load(AS_OF, {"cases.csv", "disbursements.csv"}, named_cases_only=True)
		self.assertEqual(sorted(named.frames["cases.csv"]["case_id"]), ["_TR-K3", "_TR-K4"])

	def test_narrowing_to_projects(self):
		site = load(AS_OF, EVERYTHING, ProjectFilter(region="Asia"))
		frames = site.frames
		self.assertEqual(list(frames["projects.csv"]["project_code"]), ["_TR-P1"])
		self.assertEqual(set(frames["modules.csv"]["project_code"]), {"_TR-P1"})
		self.assertEqual(list(frames["contributions.csv"]["contribution_id"]), ["_TR-C1"])
		self.assertEqual(set(frames["receipts.csv"]["contribution_id"]), {"_TR-C1"})
		self.assertEqual(sorted(frames["expenditures.csv"]["expenditure_id"]), ["_TR-X1", "_TR-X2", "_TR-X4"])
		# Cases of the project, and every case a disbursement names (to match it).
		self.assertEqual(sorted(frames["cases.csv"]["case_id"]), ["_TR-K1", "_TR-K2", "_TR-K3", "_TR-K4"])
		self.assertEqual(len(frames["disbursements.csv"]), 4)
		self.assertEqual(
			len(load(AS_OF, EVERYTHING, ProjectFilter(field_offices=())).frames["projects.csv"]), 0
		)

	def test_what_a_field_office_user_reads(self):
		site = load(AS_OF, EVERYTHING, user=FO_A)
		self.assertEqual(
			site.readable,
			{"projects.csv", "modules.csv", "targets.csv", "cases.csv", "disbursements.csv", "rates.csv"},
		)
		self.assertEqual(len(site.frames["contributions.csv"]), 0)
		self.assertEqual(sorted(site.frames["cases.csv"]["case_id"]), ["_TR-K1", "_TR-K2"])
		self.assertEqual(list(site.frames["disbursements.csv"]["disbursement_id"]), ["_TR-E3"])
		# The same figures as the headless engine on what the user may export.
		self.assertEqual(
			reconcile_site(AS_OF, user=FO_A).result, exported(self.tmp / "fo-a", AS_OF, user=FO_A)
		)

	def test_a_value_holding_a_separator_reads_back_whole(self):
		title = f"Field{site_bundle.FIELD_SEP}and{site_bundle.ROW_SEP}row"
		with self.changes():
			frappe.db.set_value("CTM Project", "_TR-P2", "title", title, update_modified=False)
			frames = load(AS_OF, {"projects.csv"}).frames
		self.assertEqual(frames["projects.csv"].set_index("project_code").loc["_TR-P2", "title"], title)
		self.assertEqual(len(frames["projects.csv"]), 3)

	def test_a_big_table_is_read_in_buckets(self):
		expected = reconcile_site(AS_OF).result
		calls = []
		original = site_bundle._Reader.__enter__

		def small_packets(reader):
			original(reader)
			reader._limit = 200  # a few rows per packet
			calls.append(reader)
			return reader

		with patch.object(site_bundle._Reader, "__enter__", small_packets):
			site = load(AS_OF)
			self.assertEqual(reconcile(site.bundle, AS_OF, details=True), expected)
		self.assertGreater(site.queries, len(FRAME_COLUMNS))

	def test_a_missing_rate_is_a_clear_error(self):
		with self.changes():
			frappe.db.delete("CTM Exchange Rate", {"rate_date": "2003-01-01"})
			with self.assertRaises(site_bundle.SiteDataError):
				reconcile_site(AS_OF)


class TestDemoSiteReportsEqualTheEngine(FrappeTestCase):
	"""The demo portfolio through the reports and through the headless engine on its export."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.tmp = Path(tempfile.mkdtemp(prefix="ctm-test-demo-reports-"))
		demo = DEMO_DIR
		if not DEMO_DIR.is_dir():
			demo = cls.tmp / "demo"
			write_demo(demo)
		clear_portfolio()
		make_office_users()
		import_bundle(demo, progress=False, commit=False)
		cls.dates = (date(2003, 6, 30), getdate())
		cls.expected = {as_of: exported(cls.tmp / f"export-{as_of}", as_of) for as_of in cls.dates}

	@classmethod
	def tearDownClass(cls):
		shutil.rmtree(cls.tmp, ignore_errors=True)
		super().tearDownClass()
		for doctype in portfolio_doctypes():
			frappe.clear_document_cache(doctype)
		countries.clear_cache()

	def each(self):
		for as_of in self.dates:
			with self.subTest(as_of=as_of):
				yield as_of, self.expected[as_of]

	def assertFigures(self, row: dict, expected: dict, figures, what: str):
		for figure in figures:
			self.assertEqual(row[figure], expected[figure], f"{what}: {figure}")

	def test_the_demo_has_every_finding(self):
		for _as_of, expected in self.each():
			self.assertGreater(len(expected["projects"]), 80)
		self.assertEqual(
			{f["code"] for f in self.expected[self.dates[-1]]["findings"]},
			set(portfolio_reports.FINDING_FILES),
		)

	def test_portfolio_overview(self):
		for as_of, expected in self.each():
			result = run_report("Portfolio Overview", as_of=as_of)
			regions = [r for r in result["result"] if r["indent"] == 0]
			self.assertEqual([r["region"] for r in regions], [r["region"] for r in expected["regions"]])
			for row, region in zip(regions, expected["regions"], strict=True):
				self.assertFigures(row, region, (*MONEY, "project_count", "cases_assisted"), region["region"])
				self.assertEqual(row["status_active"], region["projects_by_status"]["Active"])
			projects = {r["project"]: r for r in result["result"] if r["indent"] == 1}
			self.assertEqual(sorted(projects), [p["project_code"] for p in expected["projects"]])
			for p in expected["projects"]:
				row = projects[p["project_code"]]
				self.assertFigures(row, p, (*MONEY, "cases_assisted"), p["project_code"])
				self.assertEqual(row["target"], sum(t["target"] for t in p["targets"]))
				self.assertEqual(row["assisted"], sum(t["assisted"] for t in p["targets"]))
			summary = {i["label"]: i["value"] for i in result["report_summary"]}
			portfolio = expected["portfolio"]
			self.assertEqual(
				[summary[label] for label in ("Budget (USD)", "Pledged (USD)", "Received (USD)")],
				[portfolio["budget_usd"], portfolio["pledged_usd"], portfolio["received_usd"]],
			)
			self.assertEqual(
				[summary[label] for label in ("Outstanding (USD)", "Spent (USD)", "Funding Gap (USD)")],
				[portfolio["outstanding_usd"], portfolio["spent_usd"], portfolio["funding_gap_usd"]],
			)
			self.assertEqual(summary["Cases Assisted"], portfolio["cases_assisted"])

	def test_budget_vs_actual_by_module(self):
		for as_of, expected in self.each():
			result = run_report("Budget vs Actual by Module", as_of=as_of)
			rows = {(r["project"], r.get("module")): r for r in result["result"]}
			self.assertEqual(len(rows), len(result["result"]))
			for p in expected["projects"]:
				code = p["project_code"]
				row = rows.pop((code, None))
				self.assertFigures(row, p, ("budget_usd", "earmarked_usd", "spent_usd"), code)
				self.assertEqual(row["variance_usd"], p["budget_usd"] - p["spent_usd"])
				self.assertEqual(row["burn_rate"], portfolio_reports.percent(p["burn_rate"]))
				for m in p["modules"]:
					row = rows.pop((code, m["module"]))
					self.assertFigures(
						row, m, ("budget_usd", "earmarked_usd", "spent_usd"), f"{code}/{m['module']}"
					)
					self.assertEqual(row["burn_rate"], portfolio_reports.percent(m["burn_rate"]))
			self.assertEqual(rows, {})
			summary = {i["label"]: i["value"] for i in result["report_summary"]}
			self.assertEqual(summary["Earmarked (USD)"], expected["portfolio"]["earmarked_usd"])
			over = sum(f["code"] == "MODULE_OVER_BUDGET" for f in expected["findings"])
			self.assertEqual(summary["Modules Over Budget"], over)

	def test_donor_reconciliation(self):
		figures = ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd")
		for as_of, expected in self.each():
			result = run_report("Donor Reconciliation", as_of=as_of)
			donors = {r["donor"]: r for r in result["result"] if r["indent"] == 0}
			self.assertEqual(sorted(donors), [d["donor_code"] for d in expected["donors"]])
			for d in expected["donors"]:
				self.assertFigures(donors[d["donor_code"]], d, figures, d["donor_code"])
			contributions = {r["contribution"]: r for r in result["result"] if r["indent"] == 1}
			self.assertEqual(sorted(contributions), [c["contribution_id"] for c in expected["contributions"]])
			for c in expected["contributions"]:
				self.assertFigures(contributions[c["contribution_id"]], c, figures, c["contribution_id"])
			breaches = [f for f in expected["findings"] if f["code"] == "EARMARK_BREACH"]
			self.assertEqual(sum(r["earmark_breaches"] for r in donors.values()), len(breaches))
			self.assertEqual(
				sum(r["earmark_breach_usd"] for r in donors.values()), sum(f["amount_usd"] for f in breaches)
			)
			summary = {i["label"]: i["value"] for i in result["report_summary"]}
			self.assertEqual(
				[
					summary[label]
					for label in ("Pledged (USD)", "Received (USD)", "Outstanding (USD)", "Spent (USD)")
				],
				[expected["donor_totals"][f] for f in figures],
			)

	def test_emergency_fund_reconciliation(self):
		for as_of, expected in self.each():
			fund = expected["emergency_fund"]
			result = run_report("Emergency Fund Reconciliation", as_of=as_of)
			summary = {i["label"]: i["value"] for i in result["report_summary"]}
			self.assertEqual(
				[
					summary[label]
					for label in ("Received (USD)", "Disbursed (USD)", "Committed (USD)", "Available (USD)")
				],
				[fund["received_usd"], fund["disbursed_usd"], fund["committed_usd"], fund["available_usd"]],
			)
			self.assertEqual(summary["Cases Assisted"], fund["cases_assisted"])
			for view, key, breakdown in (
				("Field Office", "field_office", fund["by_field_office"]),
				("Assistance Type", "assistance_type", fund["by_assistance_type"]),
			):
				rows = {
					r[key]: r
					for r in run_report("Emergency Fund Reconciliation", as_of=as_of, view=view)["result"]
				}
				for b in breakdown:
					self.assertFigures(rows[b[key]], b, ("disbursed_usd", "committed_usd"), b[key])
			exceptions = run_report("Emergency Fund Reconciliation", as_of=as_of, view="Exceptions")["result"]
			self.assertEqual(
				sorted((r["disbursement"], r["amount_usd"]) for r in exceptions),
				sorted(
					(f["id"], f["amount_usd"])
					for f in expected["findings"]
					if f["code"] in ("UNMATCHED_DISBURSEMENT", "DUPLICATE_DISBURSEMENT")
				),
			)

	def test_beneficiary_target_attainment(self):
		for as_of, expected in self.each():
			result = run_report("Beneficiary Target Attainment", as_of=as_of)
			ours = sorted(
				(
					r["project"],
					r["beneficiary_group"],
					r["assistance_type"] or "",
					r["period_start"],
					r["target"],
					r["assisted"],
					r["attainment"],
				)
				for r in result["result"]
			)
			theirs = sorted(
				(
					p["project_code"],
					t["beneficiary_group"],
					t["assistance_type"] or "",
					t["period_start"],
					t["target"],
					t["assisted"],
					portfolio_reports.percent(attainment(t["assisted"], t["target"])),
				)
				for p in expected["projects"]
				for t in p["targets"]
			)
			self.assertEqual(ours, theirs)
			shortfalls = sum(f["code"] == "TARGET_SHORTFALL" for f in expected["findings"])
			self.assertEqual(sum(r["target_shortfall"] for r in result["result"]), shortfalls)

	def test_reconciliation_findings(self):
		for as_of, expected in self.each():
			result = run_report("Reconciliation Findings", as_of=as_of)
			self.assertEqual(
				[(r["code"], r["amount_usd"], r["message"]) for r in result["result"]],
				[(f["code"], f["amount_usd"], f["message"]) for f in expected["findings"]],
			)

	def test_the_workbook_is_the_commands(self):
		"""download_workbook gives what `ctm-portfolio reconcile --xlsx` writes for the export."""
		as_of = self.dates[0]
		frappe.set_user(HQ)
		try:
			portfolio_reports.download_workbook(as_of=as_of.isoformat())
			ours = frappe.response["filecontent"]
		finally:
			frappe.set_user("Administrator")
		command = self.tmp / "command.xlsx"
		write_workbook(reconcile(load_bundle(self.tmp / f"export-{as_of}"), as_of), command)

		def cells(source):
			workbook = load_workbook(source, read_only=True)
			try:
				return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
			finally:
				workbook.close()

		self.assertEqual(cells(io.BytesIO(ours)), cells(command))
