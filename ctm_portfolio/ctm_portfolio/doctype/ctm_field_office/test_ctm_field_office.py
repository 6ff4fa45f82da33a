# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.office_restriction import FO_A, HQ, make_office_users


class TestCTMFieldOffice(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_office_users()

	def test_named_by_office_name(self):
		self.assertEqual(f.make_office("_T Office Lagos", "Nigeria").name, "_T Office Lagos")

	def test_field_office_user_sees_their_offices(self):
		with self.set_user(FO_A):
			offices = frappe.get_list("CTM Field Office", pluck="name", limit_page_length=0)
		self.assertIn(f.OFFICE_A, offices)
		self.assertNotIn(f.OFFICE_B, offices)
		with self.set_user(HQ):
			offices = frappe.get_list("CTM Field Office", pluck="name", limit_page_length=0)
		self.assertIn(f.OFFICE_B, offices)

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "report"},
			"CTM Finance Officer": {"read", "report"},
			"CTM Field Office": {"read"},
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Field Office"), rights, role)
