"""Emergency Fund Reconciliation on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests.report_data import FO_A, FO_NONE, HQ, A, B, D, ReportTestCase, run_report

REPORT = "Emergency Fund Reconciliation"


class TestEmergencyFundReconciliation(ReportTestCase):
	def test_position(self):
		summary = self.summary(run_report(REPORT))
		fund = self.engine["emergency_fund"]
		self.assertEqual(summary["Received (USD)"], fund["received_usd"])
		self.assertEqual(
			(summary["Received (USD)"], summary["Disbursed (USD)"], summary["Committed (USD)"]),
			(D("300.00"), D("350.00"), D("100.00")),
		)
		self.assertEqual(summary["Available (USD)"], D("-150.00"))
		self.assertEqual(summary["Cases Assisted"], 2)
		self.assertEqual((summary["Unmatched"], summary["Unmatched (USD)"]), (1, D("50.00")))
		self.assertEqual((summary["Duplicates"], summary["Duplicates (USD)"]), (1, D("100.00")))

	def test_by_field_office(self):
		result = run_report(REPORT)
		a, b = self.row(result, field_office=A), self.row(result, field_office=B)
		self.assertEqual(
			(a["disbursed_usd"], a["committed_usd"], a["unmatched"], a["duplicates"]), (D("50"), D("0"), 1, 0)
		)
		self.assertEqual(
			(b["disbursed_usd"], b["committed_usd"], b["unmatched"], b["duplicates"]),
			(D("300"), D("100"), 0, 1),
		)
		self.assertEqual(b["duplicate_usd"], D("100.00"))
		self.assertEqual(
			b["_routes"]["field_office"],
			{"doctype": "CTM Emergency Disbursement", "filters": {"field_office": B}},
		)
		expected = {r["field_office"]: r for r in self.engine["emergency_fund"]["by_field_office"]}
		for office, figures in expected.items():
			row = self.row(result, field_office=office)
			self.assertEqual(
				(row["disbursed_usd"], row["committed_usd"]),
				(figures["disbursed_usd"], figures["committed_usd"]),
			)

	def test_by_assistance_type_and_exceptions(self):
		result = run_report(REPORT, view="Assistance Type")
		self.assertEqual([r["assistance_type"] for r in result["result"]], ["medical", "shelter"])
		shelter = self.row(result, assistance_type="shelter")
		self.assertEqual(
			(shelter["disbursed_usd"], shelter["committed_usd"], shelter["duplicates"]),
			(D("300"), D("100"), 1),
		)
		result = run_report(REPORT, view="Exceptions")
		self.assertEqual(
			sorted((r["disbursement"], r["amount_usd"]) for r in result["result"]),
			[("_TR-E2", D("100.00")), ("_TR-E3", D("50.00"))],
		)
		unmatched = self.row(result, disbursement="_TR-E3")
		self.assertEqual(
			(unmatched["case"], unmatched["field_office"], unmatched["_routes"]), ("_TR-K9", A, {})
		)
		self.assertIn("_TR-K9", unmatched["message"])
		self.assertEqual(
			self.row(result, disbursement="_TR-E2")["_routes"]["case"],
			{"doctype": "CTM Case", "name": "_TR-K3"},
		)

	def test_filters(self):
		result = run_report(REPORT, field_office=B)
		self.assertEqual([r["field_office"] for r in result["result"]], [B])
		summary = self.summary(result)
		self.assertEqual((summary["Unmatched"], summary["Duplicates"]), (0, 1))
		self.assertEqual(summary["Disbursed (USD)"], D("350.00"))  # the fund's position is the whole fund's
		result = run_report(REPORT, view="Exceptions", assistance_type="medical")
		self.assertEqual([r["disbursement"] for r in result["result"]], ["_TR-E3"])
		# Before any payment.
		summary = self.summary(run_report(REPORT, as_of="2003-05-31"))
		self.assertEqual((summary["Disbursed (USD)"], summary["Available (USD)"]), (D("0"), D("300.00")))

	def test_a_field_office_sees_its_office_only(self):
		result = run_report(REPORT, FO_A)
		self.assertEqual([r["field_office"] for r in result["result"]], [A])
		summary = self.summary(result)
		self.assertEqual((summary["Disbursed (USD)"], summary["Committed (USD)"]), (D("50.00"), D("0")))
		self.assertEqual(summary["Duplicates"], 0)
		# Receipts are a contribution's: not readable by a field office, so not shown (rather than 0).
		self.assertNotIn("Received (USD)", summary)
		self.assertNotIn("Available (USD)", summary)
		# A payment's case may be another office's, which this user cannot read: "unmatched" would
		# rest on part of the caseload (_TR-E3's case is in no office's, but office A cannot know).
		self.assertNotIn("Unmatched", summary)
		self.assertNotIn("unmatched", self.fieldnames(result))
		self.assertIn(A, result["message"])
		self.assertIn("every office's cases", result["message"])
		self.assertIn("you may not read contributions", result["message"])
		self.assertEqual(run_report(REPORT, FO_A, view="Exceptions")["result"], [])
		self.assertEqual(run_report(REPORT, FO_NONE)["result"], [])
		self.assertEqual(len(run_report(REPORT, HQ)["result"]), 2)
