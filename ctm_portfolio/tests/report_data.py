"""A small portfolio whose every figure is worked out by hand, for the reports' Frappe tests.

:class:`ReportTestCase` empties the site's portfolio and imports :data:`PORTFOLIO` inside the
test class's transaction (FrappeTestCase rolls it back at the end: the site keeps its own
data). Figures as of :data:`AS_OF` (EUR at 1.1 from 2003, 1.25 from 2004):

====================  =========  =========  =========  ===========  =========  ====
project               budget     pledged    received   outstanding  spent      gap
====================  =========  =========  =========  ===========  =========  ====
_TR-P1 (Asia, A)      2000.00    2000.00    1000.00    1000.00      1850.00    0
_TR-P2 (Africa, B)    550.00     1100.00    440.00     750.00       125.00     0
_TR-FUND (Global, B)  1000.00    300.00     300.00     0.00         0.00       700
====================  =========  =========  =========  ===========  =========  ====

Findings: EARMARK_BREACH _TR-C1/M1 100.00; MODULE_OVER_BUDGET _TR-P1/M2 250.00;
EXPENDITURE_OUTSIDE_PERIOD _TR-X4 50.00; PROJECT_UNDERFUNDED _TR-FUND 700.00;
UNMATCHED_DISBURSEMENT _TR-E3 50.00 (office A); DUPLICATE_DISBURSEMENT _TR-E2 100.00 (office B);
FUND_OVERDRAWN _TR-FUND 150.00 (300 received, 350 disbursed, 100 committed);
TARGET_SHORTFALL _TR-P1 women (1 of 2).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio import countries
from ctm_portfolio.ctm_portfolio.bundle_io import import_bundle
from ctm_portfolio.engine.bundle import write_csv_bundle
from ctm_portfolio.engine.reconcile import reconcile
from ctm_portfolio.engine.validate import load_bundle
from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.office_restriction import FO_A, FO_NONE, HQ, make_office_users

MODULE = "CTM Portfolio"
AS_OF = date(2004, 12, 31)
A, B = f.OFFICE_A, f.OFFICE_B


def D(text: str) -> Decimal:
	return Decimal(text)


PORTFOLIO: dict[str, list[dict[str, str]]] = {
	"projects.csv": [
		{
			"project_code": "_TR-P1",
			"title": "Return and reintegration",
			"region": "Asia",
			"field_office": A,
			"start_date": "2003-01-01",
			"end_date": "2004-06-30",
			"status": "Active",
			"currency": "USD",
		},
		{
			"project_code": "_TR-P2",
			"title": "Shelter network",
			"region": "Africa",
			"field_office": B,
			"start_date": "2003-01-01",
			"end_date": "2005-12-31",
			"status": "Active",
			"currency": "EUR",
		},
		{
			"project_code": "_TR-FUND",
			"title": "Emergency assistance fund",
			"region": "Global",
			"field_office": B,
			"start_date": "2003-01-01",
			"end_date": "2005-12-31",
			"status": "Active",
			"currency": "USD",
			"is_emergency_fund": "1",
		},
	],
	"modules.csv": [
		{"project_code": "_TR-P1", "module": "M1", "budget": "1000.00"},
		{"project_code": "_TR-P1", "module": "M2", "budget": "1000.00"},
		{"project_code": "_TR-P2", "module": "M1", "budget": "500.00"},
		{"project_code": "_TR-FUND", "module": "Emergency", "budget": "1000.00"},
	],
	"targets.csv": [
		{"project_code": "_TR-P1", "beneficiary_group": "women", "target": "2"},
		{
			"project_code": "_TR-P1",
			"beneficiary_group": "children",
			"assistance_type": "shelter",
			"target": "1",
		},
	],
	"donors.csv": [
		{"donor_code": "_TR-D1", "name": "Donor one", "donor_type": "Government", "country": "NL"},
		{"donor_code": "_TR-D2", "name": "Donor two", "donor_type": "Private"},
	],
	"contributions.csv": [
		{
			"contribution_id": "_TR-C1",
			"donor_code": "_TR-D1",
			"project_code": "_TR-P1",
			"currency": "USD",
			"amount": "2000.00",
			"pledge_date": "2003-01-15",
			"status": "Signed",
		},
		{
			"contribution_id": "_TR-C2",
			"donor_code": "_TR-D2",
			"project_code": "_TR-P2",
			"currency": "EUR",
			"amount": "1000.00",
			"pledge_date": "2003-03-01",
			"status": "Signed",
		},
		{
			"contribution_id": "_TR-C3",
			"donor_code": "_TR-D1",
			"project_code": "_TR-FUND",
			"currency": "USD",
			"amount": "300.00",
			"pledge_date": "2003-01-10",
			"status": "Signed",
		},
	],
	"earmarks.csv": [{"contribution_id": "_TR-C1", "module": "M1", "amount": "500.00"}],
	"receipts.csv": [
		{"receipt_id": "_TR-R1", "contribution_id": "_TR-C1", "date": "2003-02-01", "amount": "1000.00"},
		{"receipt_id": "_TR-R2", "contribution_id": "_TR-C2", "date": "2003-04-01", "amount": "400.00"},
		{"receipt_id": "_TR-R3", "contribution_id": "_TR-C3", "date": "2003-01-20", "amount": "300.00"},
	],
	"expenditures.csv": [
		{
			"expenditure_id": "_TR-X1",
			"project_code": "_TR-P1",
			"module": "M1",
			"date": "2003-06-01",
			"amount": "600.00",
			"currency": "USD",
			"contribution_id": "_TR-C1",
		},
		{
			"expenditure_id": "_TR-X2",
			"project_code": "_TR-P1",
			"module": "M2",
			"date": "2003-07-01",
			"amount": "1200.00",
			"currency": "USD",
		},
		{
			"expenditure_id": "_TR-X3",
			"project_code": "_TR-P2",
			"module": "M1",
			"date": "2004-02-01",
			"amount": "100.00",
			"currency": "EUR",
			"contribution_id": "_TR-C2",
		},
		{
			"expenditure_id": "_TR-X4",
			"project_code": "_TR-P1",
			"module": "M2",
			"date": "2004-09-01",
			"amount": "50.00",
			"currency": "USD",
		},
	],
	"cases.csv": [
		{
			"case_id": "_TR-K1",
			"project_code": "_TR-P1",
			"registration_date": "2003-03-01",
			"gender": "female",
			"age_group": "adult",
			"country_of_assistance": "NP",
			"assistance": "shelter",
			"field_office": A,
		},
		{
			"case_id": "_TR-K2",
			"project_code": "_TR-P1",
			"registration_date": "2003-04-01",
			"gender": "male",
			"age_group": "child",
			"country_of_assistance": "NP",
			"assistance": "shelter;medical",
			"field_office": A,
		},
		{
			"case_id": "_TR-K3",
			"project_code": "_TR-FUND",
			"registration_date": "2003-05-01",
			"gender": "female",
			"age_group": "child",
			"country_of_assistance": "BD",
			"assistance": "shelter",
			"field_office": B,
		},
		{
			"case_id": "_TR-K4",
			"registration_date": "2003-05-02",
			"gender": "male",
			"age_group": "adult",
			"country_of_assistance": "BD",
			"field_office": B,
		},
		{  # registered after AS_OF
			"case_id": "_TR-K5",
			"project_code": "_TR-P1",
			"registration_date": "2005-01-10",
			"gender": "female",
			"age_group": "adult",
			"country_of_assistance": "NP",
			"field_office": A,
		},
	],
	"disbursements.csv": [
		{
			"disbursement_id": "_TR-E1",
			"case_id": "_TR-K3",
			"field_office": B,
			"assistance_type": "shelter",
			"amount": "300.00",
			"currency": "USD",
			"requested_date": "2003-06-01",
			"status": "Disbursed",
			"disbursed_date": "2003-06-10",
		},
		{
			"disbursement_id": "_TR-E2",
			"case_id": "_TR-K3",
			"field_office": B,
			"assistance_type": "shelter",
			"amount": "100.00",
			"currency": "USD",
			"requested_date": "2003-07-01",
			"status": "Approved",
		},
		{
			"disbursement_id": "_TR-E3",
			"case_id": "_TR-K9",
			"field_office": A,
			"assistance_type": "medical",
			"amount": "50.00",
			"currency": "USD",
			"requested_date": "2003-08-01",
			"status": "Disbursed",
			"disbursed_date": "2003-08-05",
		},
		{
			"disbursement_id": "_TR-E4",
			"case_id": "_TR-K4",
			"field_office": B,
			"assistance_type": "return",
			"amount": "20.00",
			"currency": "USD",
			"requested_date": "2003-09-01",
			"status": "Requested",
		},
	],
	"rates.csv": [
		{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.1"},
		{"currency": "EUR", "date": "2004-01-01", "usd_per_unit": "1.25"},
	],
}


def portfolio_doctypes() -> list[str]:
	return frappe.get_all("DocType", filters={"module": MODULE, "issingle": 0, "istable": 0}, pluck="name")


def clear_portfolio() -> None:
	for doctype in frappe.get_all("DocType", filters={"module": MODULE, "issingle": 0}, pluck="name"):
		frappe.db.delete(doctype)


def run_report(name: str, user: str = "Administrator", **filters) -> dict:
	"""The report as the desk runs it (frappe.desk.query_report.run: permissions, then execute)."""
	filters.setdefault("as_of", AS_OF.isoformat())
	frappe.set_user(user)
	try:
		return run(name, filters=json.dumps(filters, default=str))
	finally:
		frappe.set_user("Administrator")


class ReportTestCase(FrappeTestCase):
	"""A test class on :data:`PORTFOLIO` alone; ``self.engine``: the engine's result on the same
	bundle, read from the files (``details=True``)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		clear_portfolio()
		make_office_users()
		cls.tmp = Path(tempfile.mkdtemp(prefix="ctm-test-reports-"))
		write_csv_bundle(PORTFOLIO, cls.tmp / "small")
		import_bundle(cls.tmp / "small", progress=False, commit=False)
		cls.bundle = load_bundle(cls.tmp / "small")
		cls.engine = reconcile(cls.bundle, AS_OF, details=True)

	@classmethod
	def tearDownClass(cls):
		shutil.rmtree(cls.tmp, ignore_errors=True)
		super().tearDownClass()  # rolls the class's transaction back
		for doctype in portfolio_doctypes():
			frappe.clear_document_cache(doctype)
		countries.clear_cache()

	def tearDown(self):
		frappe.set_user("Administrator")

	@contextmanager
	def changes(self):
		"""Changes to the small portfolio, undone afterwards."""
		frappe.db.savepoint("ctm_test_reports")
		try:
			yield
		finally:
			frappe.db.rollback(save_point="ctm_test_reports")

	def assertRefused(self, report: str, user: str):
		with self.assertRaises(frappe.PermissionError):
			run_report(report, user)

	@staticmethod
	def rows(result: dict, **match) -> list[dict]:
		return [r for r in result["result"] if all(r.get(k) == v for k, v in match.items())]

	def row(self, result: dict, **match) -> dict:
		found = self.rows(result, **match)
		self.assertEqual(len(found), 1, f"expected one row with {match}, got {found}")
		return found[0]

	@staticmethod
	def summary(result: dict) -> dict:
		return {item["label"]: item["value"] for item in result["report_summary"] or []}

	@staticmethod
	def fieldnames(result: dict) -> list[str]:
		return [c["fieldname"] for c in result["columns"]]


__all__ = ["AS_OF", "FO_A", "FO_NONE", "HQ", "PORTFOLIO", "A", "B", "D", "ReportTestCase", "run_report"]
