# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio.bundle_map import BUNDLE_MAP
from ctm_portfolio.ctm_portfolio.doc_bundle import row_cells
from ctm_portfolio.tests import factories as f


class TestCTMDonor(FrappeTestCase):
	def test_valid_donor_and_its_cells(self):
		donor = f.make_donor()
		cells = row_cells(donor, BUNDLE_MAP["donors.csv"])
		self.assertEqual(
			cells, {"donor_code": "_TD1", "name": "Donor one", "donor_type": "Government", "country": "NL"}
		)

	def test_unknown_donor_type(self):
		f.assert_invalid(
			self, f.new_donor("_TD9", donor_type="Church"), "Donor Type: 'Church' is not a valid donor type"
		)

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "report", "print"},
			"CTM Finance Officer": {"read", "write", "create", "report", "export", "print"},
			"CTM Field Office": set(),
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Donor"), rights, role)

	def test_finance_officer_creates_donors_field_office_cannot_read(self):
		with self.set_user(f.role_user("CTM Finance Officer")):
			f.new_donor("_TD2").insert()
		with self.set_user(f.role_user("CTM Field Office")), self.assertRaises(frappe.PermissionError):
			frappe.get_list("CTM Donor")
