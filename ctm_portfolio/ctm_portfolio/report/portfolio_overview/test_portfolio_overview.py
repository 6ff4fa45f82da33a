"""Portfolio Overview on the small portfolio of ctm_portfolio.tests.report_data; the workbook download.

    CI=1 bench --site SITE run-tests --app ctm_portfolio --module \\
        ctm_portfolio.ctm_portfolio.report.portfolio_overview.test_portfolio_overview
"""

from __future__ import annotations

import io

import frappe
from openpyxl import load_workbook

from ctm_portfolio.ctm_portfolio import portfolio_reports
from ctm_portfolio.engine.workbook import write_workbook
from ctm_portfolio.tests.report_data import AS_OF, FO_A, HQ, D, ReportTestCase, run_report

REPORT = "Portfolio Overview"


def sheets(content) -> dict[str, list[tuple]]:
	workbook = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content, read_only=True)
	try:
		return {
			ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets
		}
	finally:
		workbook.close()


class TestPortfolioOverview(ReportTestCase):
	def test_regions_and_projects(self):
		result = run_report(REPORT)
		asia = self.row(result, indent=0, region="Asia")
		self.assertEqual(asia["project_count"], 1)
		self.assertEqual(asia["status_active"], 1)
		self.assertEqual(
			(asia["budget_usd"], asia["pledged_usd"], asia["received_usd"]), (D("2000"), D("2000"), D("1000"))
		)
		self.assertEqual((asia["outstanding_usd"], asia["spent_usd"]), (D("1000.00"), D("1850.00")))
		self.assertEqual((asia["funding_gap_usd"], asia["cases_assisted"]), (D("0"), 2))
		self.assertEqual((asia["target"], asia["assisted"], asia["attainment"]), (3, 2, D("66.67")))
		africa = self.row(result, indent=0, region="Africa")
		# EUR: budget and pledge at 1.1; what is owed (600 EUR) at the as-of date's 1.25.
		self.assertEqual(
			(africa["budget_usd"], africa["pledged_usd"], africa["received_usd"]),
			(D("550.00"), D("1100.00"), D("440.00")),
		)
		self.assertEqual((africa["outstanding_usd"], africa["spent_usd"]), (D("750.00"), D("125.00")))
		fund = self.row(result, indent=1, project="_TR-FUND")
		self.assertEqual((fund["funding_gap_usd"], fund["status"]), (D("700.00"), "Active"))
		self.assertEqual(fund["_routes"]["label"], {"doctype": "CTM Project", "name": "_TR-FUND"})
		self.assertEqual(asia["_routes"]["label"], {"doctype": "CTM Project", "filters": {"region": "Asia"}})
		# Each region is followed by its projects.
		self.assertEqual(
			[(r["indent"], r.get("project") or r["region"]) for r in result["result"]],
			[(0, "Africa"), (1, "_TR-P2"), (0, "Asia"), (1, "_TR-P1"), (0, "Global"), (1, "_TR-FUND")],
		)

	def test_summary_and_chart_are_the_engines_portfolio(self):
		result = run_report(REPORT)
		summary = self.summary(result)
		portfolio = self.engine["portfolio"]
		self.assertEqual(summary["Budget (USD)"], portfolio["budget_usd"])
		self.assertEqual(summary["Budget (USD)"], D("3550.00"))
		self.assertEqual(summary["Pledged (USD)"], D("3400.00"))
		self.assertEqual(summary["Received (USD)"], D("1740.00"))
		self.assertEqual(summary["Outstanding (USD)"], D("1750.00"))
		self.assertEqual(summary["Spent (USD)"], D("1975.00"))
		self.assertEqual(summary["Funding Gap (USD)"], D("700.00"))
		self.assertEqual(summary["Projects"], 3)
		self.assertEqual(summary["Cases Assisted"], 3)
		chart = result["chart"]
		self.assertEqual(chart["data"]["labels"], ["Africa", "Asia", "Global"])
		self.assertEqual(chart["data"]["datasets"][0]["values"], [550.0, 2000.0, 1000.0])

	def test_every_figure_is_the_engines(self):
		result = run_report(REPORT)
		for region in self.engine["regions"]:
			row = self.row(result, indent=0, region=region["region"])
			for figure in ("budget_usd", "pledged_usd", "received_usd", "outstanding_usd", "spent_usd"):
				self.assertEqual(row[figure], region[figure], figure)
		for project in self.engine["projects"]:
			row = self.row(result, indent=1, project=project["project_code"])
			for figure in ("budget_usd", "pledged_usd", "funding_gap_usd", "spent_usd", "cases_assisted"):
				self.assertEqual(row[figure], project[figure], figure)

	def test_as_of(self):
		asia = self.row(run_report(REPORT, as_of="2005-06-30"), indent=0, region="Asia")
		self.assertEqual(asia["cases_assisted"], 3)  # _TR-K5, registered in 2005
		early = run_report(REPORT, as_of="2003-06-30")
		asia = self.row(early, indent=0, region="Asia")
		self.assertEqual((asia["spent_usd"], asia["cases_assisted"]), (D("600.00"), 2))
		africa = self.row(early, indent=0, region="Africa")
		self.assertEqual((africa["outstanding_usd"], africa["spent_usd"]), (D("660.00"), D("0")))

	def test_filters_narrow_to_projects(self):
		result = run_report(REPORT, region="Africa")
		self.assertEqual([r.get("project") or r["region"] for r in result["result"]], ["Africa", "_TR-P2"])
		self.assertEqual(self.summary(result)["Budget (USD)"], D("550.00"))
		result = run_report(REPORT, project="_TR-P1")
		self.assertEqual(self.summary(result)["Spent (USD)"], D("1850.00"))
		result = run_report(REPORT, field_office="_T Office Dhaka")
		self.assertEqual({r.get("project") for r in result["result"] if r["indent"]}, {"_TR-P2", "_TR-FUND"})
		self.assertEqual(self.summary(result)["Pledged (USD)"], D("1400.00"))

	def test_permissions(self):
		self.assertRefused(REPORT, FO_A)  # a finance and HQ report: not for a field office
		result = run_report(REPORT, HQ)
		self.assertEqual(self.summary(result)["Budget (USD)"], D("3550.00"))

	def test_workbook_is_the_engines(self):
		content = portfolio_reports.workbook_bytes(AS_OF)
		expected = io.BytesIO()
		write_workbook(self.engine, expected)
		self.assertEqual(sheets(content), sheets(expected.getvalue()))

	def test_workbook_download(self):
		portfolio_reports.download_workbook(as_of=AS_OF.isoformat())
		self.assertEqual(frappe.response["type"], "download")
		self.assertEqual(frappe.response["filename"], "ctm-reconciliation-2004-12-31.xlsx")
		names = list(sheets(frappe.response["filecontent"]))
		self.assertEqual(names[:3], ["Portfolio", "Regions", "Projects"])
		frappe.set_user(FO_A)
		with self.assertRaises(frappe.PermissionError):
			portfolio_reports.download_workbook(as_of=AS_OF.isoformat())
		frappe.set_user(HQ)
		portfolio_reports.download_workbook()  # as of today
		self.assertTrue(frappe.response["filename"].startswith("ctm-reconciliation-"))
