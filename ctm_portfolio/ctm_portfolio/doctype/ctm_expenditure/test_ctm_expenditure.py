# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.tests import factories as f


class TestCTMExpenditure(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		f.make_project()
		f.make_project("_TP2", modules=[{"module": "M1", "budget": 10}])
		f.make_donor()
		f.make_contribution()
		frappe.db.delete("CTM Exchange Rate", {"currency": "ISK"})

	def test_valid_expenditure_charged_to_a_contribution(self):
		expenditure = f.make_expenditure(contribution_id="_TC1")
		self.assertEqual(expenditure.name, "_TE1")

	def test_module_not_in_the_project(self):
		f.assert_invalid(
			self,
			f.new_expenditure("_TE2", module="M7"),
			"Module: module 'M7' is not a module of project _TP1 in modules.csv",
		)

	def test_contribution_funding_another_project(self):
		f.assert_invalid(
			self,
			f.new_expenditure("_TE3", project="_TP2", contribution_id="_TC1"),
			"Contribution: contribution _TC1 funds project _TP1, not _TP2",
		)

	def test_amounts(self):
		f.assert_invalid(
			self, f.new_expenditure("_TE4", amount=-1), "Amount: amount must not be negative: '-1'"
		)
		f.assert_invalid(
			self,
			f.new_expenditure("_TE5", amount=12.345),
			"Amount: amount has more than 2 decimal places: '12.345'",
		)

	def test_foreign_currency_needs_a_rate(self):
		f.assert_invalid(
			self,
			f.new_expenditure("_TE6", currency="ISK"),
			"Currency: no rate for ISK on or before 2003-06-01 in rates.csv",
		)
		f.make_rate("ISK", "2003-05-31", "0.0071")
		f.make_expenditure("_TE6", currency="ISK")

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "report", "print"},
			"CTM Finance Officer": {"read", "write", "create", "report", "export", "print"},
			"CTM Field Office": set(),
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Expenditure"), rights, role)
