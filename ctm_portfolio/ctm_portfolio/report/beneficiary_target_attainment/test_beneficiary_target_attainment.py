"""Beneficiary Target Attainment on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.report_data import FO_A, FO_NONE, HQ, A, B, D, ReportTestCase, run_report

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

	def test_a_field_office_is_not_shown_a_shortfall_other_offices_cases_meet(self):
		with self.changes():
			# A second woman assisted in _TR-P1, registered by office B: the women's target (2) is met.
			f.make_case("_TR-K6", B, project_code="_TR-P1", registration_date="2003-06-01")
			hq = self.row(run_report(REPORT, HQ), beneficiary_group="women")
			self.assertEqual((hq["assisted"], hq["shortfall"], hq["target_shortfall"]), (2, 0, 0))
			# Office A reads its own cases only (1 of the 2): it sees that count, and no attainment,
			# shortfall or "target short" that would rest on part of the caseload.
			result = run_report(REPORT, FO_A)
			women = self.row(result, beneficiary_group="women")
			self.assertEqual((women["target"], women["assisted"]), (2, 1))
			for figure in ("attainment", "shortfall", "target_shortfall"):
				self.assertNotIn(figure, women)
				self.assertNotIn(figure, self.fieldnames(result))
			self.assertEqual(set(self.summary(result)), {"Targets", "Target", "Assisted"})
			self.assertEqual([d["name"] for d in result["chart"]["data"]["datasets"]], ["Assisted"])
			self.assertIn("every office's cases", result["message"])
