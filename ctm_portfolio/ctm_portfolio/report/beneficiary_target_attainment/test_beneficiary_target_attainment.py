"""Beneficiary Target Attainment on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests.report_data import FO_A, FO_NONE, HQ, A, D, ReportTestCase, run_report

REPORT = "Beneficiary Target Attainment"


class TestBeneficiaryTargetAttainment(ReportTestCase):
	def test_targets(self):
		result = run_report(REPORT)
		women = self.row(result, project="_TR-P1", beneficiary_group="women")
		self.assertEqual((women["target"], women["assisted"], women["attainment"]), (2, 1, D("50.00")))
		self.assertEqual((women["shortfall"], women["target_shortfall"]), (1, 1))
		self.assertEqual(str(women["period_end"]), "2004-06-30")  # the project's end: no period given
		self.assertEqual(
			women["_routes"]["assisted"],
			{
				"doctype": "CTM Case",
				"filters": {
					"project_code": "_TR-P1",
					"registration_date": ["between", ["2003-01-01", "2004-06-30"]],
					"gender": "female",
					"age_group": "adult",
				},
			},
		)
		children = self.row(result, beneficiary_group="children")
		self.assertEqual(
			(children["assistance_type"], children["assisted"], children["shortfall"]), ("shelter", 1, 0)
		)
		self.assertEqual(children["target_shortfall"], 0)
		self.assertEqual(children["_routes"]["assisted"]["filters"]["assistance"], ["like", "%shelter%"])
		summary = self.summary(result)
		self.assertEqual((summary["Targets"], summary["Target"], summary["Assisted"]), (2, 3, 2))
		self.assertEqual((summary["Attainment"], summary["Targets Short"]), (D("66.67"), 1))

	def test_every_figure_is_the_engines(self):
		result = run_report(REPORT)
		expected = sorted(
			(p["project_code"], t["target"], t["assisted"])
			for p in self.engine["projects"]
			for t in p["targets"]
		)
		self.assertEqual(
			sorted((r["project"], r["target"], r["assisted"]) for r in result["result"]), expected
		)

	def test_filters(self):
		self.assertEqual(len(run_report(REPORT, beneficiary_group="women")["result"]), 1)
		self.assertEqual(run_report(REPORT, region="Africa")["result"], [])
		# Before the second case: the children's target was not yet met, and its period runs on.
		result = run_report(REPORT, as_of="2003-03-15")
		children = self.row(result, beneficiary_group="children")
		self.assertEqual((children["assisted"], children["target_shortfall"]), (0, 0))

	def test_a_field_office_sees_its_office_only(self):
		self.assertEqual([r["project"] for r in run_report(REPORT, HQ)["result"]], ["_TR-P1", "_TR-P1"])
		result = run_report(REPORT, FO_A)
		self.assertEqual({r["project"] for r in result["result"]}, {"_TR-P1"})  # a project of office A
		self.assertIn(A, result["message"])
		self.assertEqual(run_report(REPORT, FO_NONE)["result"], [])
