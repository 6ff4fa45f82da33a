# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.tests import factories as f


class TestCTMExchangeRate(FrappeTestCase):
	def test_name_and_exact_text(self):
		rate = f.make_rate("ISK", "1999-01-01", " 0.0071234567 ")
		self.assertEqual(rate.name, "ISK-1999-01-01")
		self.assertEqual(frappe.db.get_value("CTM Exchange Rate", rate.name, "usd_per_unit"), "0.0071234567")

	def test_rate_rules(self):
		f.assert_invalid(
			self, f.new_rate("USD", "1999-01-01", "1.5"), "USD per Unit: the rate of USD is always 1"
		)
		f.assert_invalid(
			self,
			f.new_rate("ISK", "1999-01-02", "0.00712345678"),
			"USD per Unit: rate has more than 10 decimal places: '0.00712345678'",
		)
		f.assert_invalid(
			self, f.new_rate("ISK", "1999-01-03", "0"), "USD per Unit: rate must be greater than 0: '0'"
		)
		f.assert_invalid(
			self,
			f.new_rate("ISK", "1999-01-04", "1,5"),
			"USD per Unit: '1,5' is not a plain decimal number",
		)

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "report"},
			"CTM Finance Officer": {"read", "write", "create", "delete", "report", "export", "print"},
			"CTM Field Office": {"read"},
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Exchange Rate"), rights, role)
