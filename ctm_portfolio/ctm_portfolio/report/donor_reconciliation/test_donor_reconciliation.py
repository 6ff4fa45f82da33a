"""Donor Reconciliation on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests.report_data import FO_A, HQ, D, ReportTestCase, run_report

REPORT = "Donor Reconciliation"


class TestDonorReconciliation(ReportTestCase):
	def test_donors_and_contributions(self):
		result = run_report(REPORT)
		d1 = self.row(result, indent=0, donor="_TR-D1")
		self.assertEqual(
			(d1["pledged_usd"], d1["received_usd"], d1["outstanding_usd"], d1["spent_usd"]),
			(D("2300"), D("1300"), D("1000"), D("600")),
		)
		self.assertEqual((d1["earmark_breaches"], d1["earmark_breach_usd"]), (1, D("100.00")))
		c1 = self.row(result, indent=1, contribution="_TR-C1")
		self.assertEqual((c1["project"], c1["amount"], c1["currency"]), ("_TR-P1", D("2000.00"), "USD"))
		self.assertEqual(
			(c1["pledged_usd"], c1["received_usd"], c1["spent_usd"]), (D("2000"), D("1000"), D("600"))
		)
		self.assertEqual((c1["earmark_breaches"], c1["earmark_breach_usd"]), (1, D("100.00")))
		c2 = self.row(result, indent=1, contribution="_TR-C2")
		self.assertEqual(
			(c2["amount"], c2["currency"], c2["pledged_usd"]), (D("1000.00"), "EUR", D("1100.00"))
		)
		self.assertEqual((c2["outstanding_usd"], c2["spent_usd"]), (D("750.00"), D("125.00")))
		self.assertEqual(
			[(r["indent"], r.get("contribution") or r["donor"]) for r in result["result"]],
			[(0, "_TR-D1"), (1, "_TR-C1"), (1, "_TR-C3"), (0, "_TR-D2"), (1, "_TR-C2")],
		)

	def test_every_figure_is_the_engines(self):
		result = run_report(REPORT)
		figures = ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd")
		for donor in self.engine["donors"]:
			row = self.row(result, indent=0, donor=donor["donor_code"])
			self.assertEqual([row[f] for f in figures], [donor[f] for f in figures])
		for c in self.engine["contributions"]:
			row = self.row(result, indent=1, contribution=c["contribution_id"])
			self.assertEqual([row[f] for f in figures], [c[f] for f in figures])
		summary = self.summary(result)
		self.assertEqual(summary["Pledged (USD)"], self.engine["donor_totals"]["pledged_usd"])
		self.assertEqual(summary["Pledged (USD)"], D("3400.00"))
		self.assertEqual(summary["Spent (USD)"], D("725.00"))  # charged to contributions only
		self.assertEqual((summary["Earmark Breaches"], summary["Earmark Breaches (USD)"]), (1, D("100.00")))

	def test_filters(self):
		result = run_report(REPORT, donor="_TR-D2")
		self.assertEqual([r["label"] for r in result["result"]], ["Donor two", "_TR-C2"])
		self.assertEqual(self.summary(result)["Outstanding (USD)"], D("750.00"))
		self.assertEqual(self.summary(result)["Earmark Breaches"], 0)
		# Narrowed to the Global region: donor one's contribution to the fund only.
		result = run_report(REPORT, region="Global")
		self.assertEqual([r["label"] for r in result["result"]], ["Donor one", "_TR-C3"])
		self.assertEqual(self.summary(result)["Pledged (USD)"], D("300.00"))
		# Before the second pledge.
		result = run_report(REPORT, as_of="2003-02-28")
		self.assertEqual(self.rows(result, contribution="_TR-C2"), [])

	def test_permissions(self):
		self.assertRefused(REPORT, FO_A)
		self.assertEqual(self.summary(run_report(REPORT, HQ))["Donors"], 2)
