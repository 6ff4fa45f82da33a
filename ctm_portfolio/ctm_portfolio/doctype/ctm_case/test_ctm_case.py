# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio.bundle_map import BUNDLE_MAP
from ctm_portfolio.ctm_portfolio.doc_bundle import CTMValidationError, row_cells
from ctm_portfolio.engine import spec
from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.office_restriction import OfficeRestrictionChecks, make_office_users


class TestCTMCase(OfficeRestrictionChecks, FrappeTestCase):
	DOCTYPE = "CTM Case"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_office_users()
		cls.in_a = f.make_case("_TCASE-A", f.OFFICE_A).name
		cls.in_b = f.make_case("_TCASE-B", f.OFFICE_B).name
		cls.no_office = f.make_case("_TCASE-N", None).name

	def new_record(self, name, office):
		return f.new_case(name, office)

	def test_valid_case_and_its_cells(self):
		case = f.make_case("_TCASE1", exploitation=" forced_labour ; sexual_exploitation;", route="np; in ")
		self.assertEqual(case.exploitation, "forced_labour;sexual_exploitation")
		self.assertEqual(case.route, "NP;IN")
		cells = row_cells(case, BUNDLE_MAP["cases.csv"])
		self.assertEqual(cells["citizenship"], "NP")
		self.assertEqual(cells["country_of_assistance"], "IN")
		self.assertEqual(cells["field_office"], f.OFFICE_A)

	def test_case_is_identity_free(self):
		fields = {df.fieldname for df in frappe.get_meta("CTM Case").fields}
		self.assertFalse(fields & spec.IDENTITY_COLUMNS)
		self.assertFalse({"first_name", "last_name", "full_name", "date_of_birth", "birth_date"} & fields)
		for label in ("Full Name", "Date of Birth", "Passport Number"):
			with self.assertRaises(CTMValidationError):
				frappe.get_doc(
					{"doctype": "Custom Field", "dt": "CTM Case", "label": label, "fieldtype": "Data"}
				).insert()

	def test_unknown_vocabulary(self):
		f.assert_invalid(
			self,
			f.new_case("_TCASE2", exploitation="forced_labour;slavery", assistance="shelter;money"),
			"Exploitation: 'slavery' in the list is not a valid exploitation",
			"Assistance: 'money' in the list is not a valid assistance type",
		)
		f.assert_invalid(self, f.new_case("_TCASE3", gender="f"), "Gender: 'f' is not a valid gender")
		f.assert_invalid(
			self, f.new_case("_TCASE4", age_group="teen"), "Age Group: 'teen' is not a valid age group"
		)
		f.assert_invalid(
			self,
			f.new_case("_TCASE5", route="NP;XX"),
			"Route: 'XX' in the list is not a valid ISO 3166-1 alpha-2 country code",
		)

	def test_case_of_a_project(self):
		f.make_project()
		self.assertEqual(f.make_case("_TCASE6", project_code="_TP1").project_code, "_TP1")

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "write", "report", "export", "print"},
			"CTM Finance Officer": {"read", "report", "print"},
			"CTM Field Office": {"read", "write", "create", "report", "export", "print"},
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Case"), rights, role)
