# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.tests import factories as f


class TestCTMContribution(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		f.make_project()
		f.make_donor()
		frappe.db.delete("CTM Exchange Rate", {"currency": "ISK"})

	def test_valid_contribution(self):
		contribution = f.make_contribution()
		self.assertEqual(contribution.name, "_TC1")
		self.assertEqual(len(contribution.earmarks), 1)

	def test_earmarks_exceeding_the_contribution(self):
		f.assert_invalid(
			self,
			f.new_contribution(
				"_TC2", earmarks=[{"module": "M1", "amount": 1500}, {"module": "M2", "amount": 600}]
			),
			"Amount: the earmarks of _TC2 add up to 2100.00, more than its amount 2000.00",
		)

	def test_earmark_module_not_in_the_project(self):
		f.assert_invalid(
			self,
			f.new_contribution(
				"_TC3", earmarks=[{"module": "M1", "amount": 1}, {"module": "M9", "amount": 1}]
			),
			"Module (row 2 of Earmarks): module 'M9' is not a module of project _TP1",
		)

	def test_duplicate_earmark_module(self):
		f.assert_invalid(
			self,
			f.new_contribution(
				"_TC4", earmarks=[{"module": "M1", "amount": 1}, {"module": "M1", "amount": 1}]
			),
			"Module (row 2 of Earmarks): duplicate contribution_id + module '_TC4 / M1' (first at row 1)",
		)

	def test_amounts(self):
		f.assert_invalid(
			self, f.new_contribution("_TC5", amount=0), "Amount: amount must be greater than 0: '0'"
		)
		f.assert_invalid(
			self,
			f.new_contribution(
				"_TC6", receipts=[{"receipt_id": "_TR6", "receipt_date": "2003-02-01", "amount": 1.001}]
			),
			"Amount (row 1 of Receipts): amount has more than 2 decimal places: '1.001'",
		)

	def test_unknown_status(self):
		f.assert_invalid(
			self,
			f.new_contribution("_TC7", status="Promised"),
			"Status: 'Promised' is not a valid contribution status",
		)

	def test_foreign_currency_needs_a_rate(self):
		f.assert_invalid(
			self,
			f.new_contribution("_TC8", currency="ISK"),
			"Currency: no rate for ISK on or before 2003-01-15 in rates.csv",
			"Receipt Date (row 1 of Receipts): no rate for ISK on or before 2003-02-01",
		)
		f.make_rate("ISK", "2003-01-01", "0.0071")
		self.assertEqual(f.make_contribution("_TC8", currency="ISK").currency, "ISK")

	def test_receipt_id_is_unique_across_contributions(self):
		f.make_contribution("_TC9")
		with self.assertRaises(frappe.UniqueValidationError):
			f.make_contribution(
				"_TC10", receipts=[{"receipt_id": "_TC9-R1", "receipt_date": "2003-02-01", "amount": 1}]
			)

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "report", "print"},
			"CTM Finance Officer": {"read", "write", "create", "report", "export", "print"},
			"CTM Field Office": set(),
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Contribution"), rights, role)

	def test_finance_officer_records_a_contribution(self):
		with self.set_user(f.role_user("CTM Finance Officer")):
			f.new_contribution("_TC11").insert()
		with self.set_user(f.role_user("CTM Programme Manager")), self.assertRaises(frappe.PermissionError):
			f.new_contribution("_TC12").insert()
