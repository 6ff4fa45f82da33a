"""Reconciliation Findings on the small portfolio of ctm_portfolio.tests.report_data."""

from __future__ import annotations

from ctm_portfolio.tests.report_data import FO_A, FO_NONE, HQ, A, B, D, ReportTestCase, run_report

REPORT = "Reconciliation Findings"
EXPECTED = [
	("DUPLICATE_DISBURSEMENT", "CTM Emergency Disbursement", "_TR-E2", D("100.00")),
	("EARMARK_BREACH", "CTM Contribution", "_TR-C1", D("100.00")),
	("EXPENDITURE_OUTSIDE_PERIOD", "CTM Expenditure", "_TR-X4", D("50.00")),
	("FUND_OVERDRAWN", "CTM Project", "_TR-FUND", D("150.00")),
	("MODULE_OVER_BUDGET", "CTM Project", "_TR-P1", D("250.00")),
	("PROJECT_UNDERFUNDED", "CTM Project", "_TR-FUND", D("700.00")),
	("TARGET_SHORTFALL", "CTM Project", "_TR-P1", None),
	("UNMATCHED_DISBURSEMENT", "CTM Emergency Disbursement", "_TR-E3", D("50.00")),
]


def found(result: dict) -> list[tuple]:
	return [(r["code"], r["document_type"], r["reference_name"], r["amount_usd"]) for r in result["result"]]


class TestReconciliationFindings(ReportTestCase):
	def test_every_finding(self):
		result = run_report(REPORT)
		self.assertEqual(found(result), EXPECTED)
		self.assertEqual(
			[(r["code"], r["amount_usd"]) for r in result["result"]],
			[(f["code"], f["amount_usd"]) for f in self.engine["findings"]],
		)
		breach = self.row(result, code="EARMARK_BREACH")
		self.assertEqual(
			(breach["project"], breach["donor"], breach["field_office"]), ("_TR-P1", "_TR-D1", A)
		)
		self.assertEqual(breach["message"], "_TR-C1: spent 600.00 USD on module M1, earmarked 500.00 USD")
		self.assertEqual(breach["severity"], "Error")
		duplicate = self.row(result, code="DUPLICATE_DISBURSEMENT")
		self.assertEqual((duplicate["project"], duplicate["field_office"]), ("_TR-FUND", B))
		summary = self.summary(result)
		self.assertEqual((summary["Findings"], summary["Errors"], summary["Warnings"]), (8, 4, 4))
		self.assertEqual(result["chart"]["data"]["labels"][0], "EARMARK_BREACH")

	def test_filters(self):
		self.assertEqual(found(run_report(REPORT, code="TARGET_SHORTFALL")), [EXPECTED[6]])
		self.assertEqual(len(run_report(REPORT, severity="error")["result"]), 4)
		self.assertEqual(
			[r["code"] for r in run_report(REPORT, donor="_TR-D1")["result"]], ["EARMARK_BREACH"]
		)
		self.assertEqual(
			[r["code"] for r in run_report(REPORT, field_office=A)["result"]],
			[
				"EARMARK_BREACH",
				"EXPENDITURE_OUTSIDE_PERIOD",
				"MODULE_OVER_BUDGET",
				"TARGET_SHORTFALL",
				"UNMATCHED_DISBURSEMENT",
			],
		)
		# Narrowed to Asia: the fund's findings (its disbursements included) belong to the Global region.
		codes = [r["code"] for r in run_report(REPORT, region="Asia")["result"]]
		self.assertEqual(
			codes, ["EARMARK_BREACH", "EXPENDITURE_OUTSIDE_PERIOD", "MODULE_OVER_BUDGET", "TARGET_SHORTFALL"]
		)
		# Before the first expenditure: no spending finding yet, the target period still running.
		codes = [r["code"] for r in run_report(REPORT, as_of="2003-05-31")["result"]]
		self.assertEqual(codes, ["PROJECT_UNDERFUNDED"])

	def test_a_field_office_sees_its_office_only(self):
		result = run_report(REPORT, FO_A)
		# Findings on money rest on contributions and expenditures, which a field office may not
		# read; target shortfalls and unmatched payments on every office's cases, of which it reads
		# its own only.
		self.assertEqual(result["result"], [])
		self.assertIn(A, result["message"])
		self.assertIn("every office's cases", result["message"])
		self.assertEqual(run_report(REPORT, FO_NONE)["result"], [])
		self.assertEqual(len(run_report(REPORT, HQ)["result"]), 8)
