"""Budget vs Actual by Module on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests.report_data import FO_A, HQ, D, ReportTestCase, run_report

REPORT = "Budget vs Actual by Module"


class TestBudgetVsActualByModule(ReportTestCase):
	def test_projects_and_modules(self):
		result = run_report(REPORT)
		p1 = self.row(result, indent=0, project="_TR-P1")
		self.assertEqual(
			(p1["budget_usd"], p1["earmarked_usd"], p1["spent_usd"]), (D("2000"), D("500"), D("1850"))
		)
		self.assertEqual(
			(p1["variance_usd"], p1["burn_rate"], p1["over_budget"]), (D("150.00"), D("92.50"), 1)
		)
		m1 = self.row(result, indent=1, project="_TR-P1", module="M1")
		self.assertEqual(
			(m1["budget_usd"], m1["earmarked_usd"], m1["spent_usd"]), (D("1000"), D("500"), D("600"))
		)
		self.assertEqual(
			(m1["variance_usd"], m1["burn_rate"], m1["over_budget"]), (D("400.00"), D("60.00"), 0)
		)
		m2 = self.row(result, indent=1, project="_TR-P1", module="M2")
		self.assertEqual(
			(m2["spent_usd"], m2["variance_usd"], m2["burn_rate"], m2["over_budget"]),
			(D("1250"), D("-250.00"), D("125.00"), 1),
		)
		self.assertEqual(
			m2["_routes"]["label"],
			{"doctype": "CTM Expenditure", "filters": {"project_code": "_TR-P1", "module": "M2"}},
		)
		p2 = self.row(result, indent=1, project="_TR-P2", module="M1")
		self.assertEqual(
			(p2["budget_usd"], p2["spent_usd"]), (D("550.00"), D("125.00"))
		)  # EUR at 1.1 and 1.25

	def test_every_figure_is_the_engines(self):
		result = run_report(REPORT)
		for project in self.engine["projects"]:
			row = self.row(result, indent=0, project=project["project_code"])
			self.assertEqual(
				(row["budget_usd"], row["earmarked_usd"], row["spent_usd"]),
				(project["budget_usd"], project["earmarked_usd"], project["spent_usd"]),
			)
			for m in project["modules"]:
				row = self.row(result, indent=1, project=project["project_code"], module=m["module"])
				self.assertEqual(
					(row["budget_usd"], row["earmarked_usd"], row["spent_usd"]),
					(m["budget_usd"], m["earmarked_usd"], m["spent_usd"]),
				)
				self.assertEqual(row["burn_rate"], None if m["burn_rate"] is None else m["burn_rate"] * 100)

	def test_summary(self):
		summary = self.summary(run_report(REPORT))
		self.assertEqual(summary["Budget (USD)"], D("3550.00"))
		self.assertEqual(summary["Earmarked (USD)"], D("500.00"))
		self.assertEqual(summary["Spent (USD)"], D("1975.00"))
		self.assertEqual(summary["Variance (USD)"], D("1575.00"))
		self.assertEqual(summary["Burn Rate"], D("55.63"))  # 1975 / 3550 = 0.5563
		self.assertEqual(summary["Modules Over Budget"], 1)

	def test_filters(self):
		result = run_report(REPORT, project="_TR-P2")
		self.assertEqual([r["label"] for r in result["result"]], ["Shelter network", "M1"])
		self.assertEqual(result["chart"]["data"]["labels"], ["M1"])  # one project: its modules
		result = run_report(REPORT, region="Asia", as_of="2003-06-30")
		p1 = self.row(result, indent=0, project="_TR-P1")
		self.assertEqual((p1["spent_usd"], p1["over_budget"]), (D("600.00"), 0))

	def test_permissions(self):
		self.assertRefused(REPORT, FO_A)
		self.assertEqual(self.summary(run_report(REPORT, HQ))["Budget (USD)"], D("3550.00"))
