# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio.doc_bundle import CTMValidationError, validate_document
from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.office_restriction import OfficeRestrictionChecks, make_office_users


class TestCTMEmergencyDisbursement(OfficeRestrictionChecks, FrappeTestCase):
	DOCTYPE = "CTM Emergency Disbursement"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_office_users()
		f.make_case("_TCASE-A", f.OFFICE_A)
		f.make_case("_TCASE-B", f.OFFICE_B)
		cls.in_a = f.make_disbursement("_TDIS-A", "_TCASE-A", f.OFFICE_A).name
		cls.in_b = f.make_disbursement("_TDIS-B", "_TCASE-B", f.OFFICE_B).name
		frappe.db.delete("CTM Exchange Rate", {"currency": "ISK"})

	def new_record(self, name, office):
		return f.new_disbursement(name, "_TCASE-A", office)

	def test_disbursed_needs_its_date(self):
		# The bundle's rule, on a request whose status is Disbursed (the workflow's Disburse step
		# asks for the date first: see test_emergency_fund).
		with self.assertRaises(CTMValidationError) as caught:
			validate_document(f.new_disbursement("_TDIS1", "_TCASE-A", status="Disbursed"))
		self.assertIn("Disbursed Date: a disbursed row needs its disbursed date", str(caught.exception))
		done = f.make_disbursement("_TDIS1", "_TCASE-A", status="Disbursed", disbursed_date="2003-04-03")
		self.assertEqual(str(done.disbursed_date), "2003-04-03")
		self.assertEqual((done.docstatus, done.workflow_state), (1, "Disbursed"))

	def test_amount_and_vocabulary(self):
		f.assert_invalid(
			self,
			f.new_disbursement("_TDIS2", "_TCASE-A", amount=0),
			"Amount: amount must be greater than 0: '0'",
		)
		f.assert_invalid(
			self,
			f.new_disbursement("_TDIS3", "_TCASE-A", assistance_type="cash"),
			"Assistance Type: 'cash' is not a valid assistance type",
		)
		with self.assertRaises(CTMValidationError) as caught:
			validate_document(f.new_disbursement("_TDIS4", "_TCASE-A", status="Paid"))
		self.assertIn("Status: 'Paid' is not a valid disbursement status", str(caught.exception))

	def test_status_follows_the_workflow_state(self):
		doc = f.make_disbursement("_TDIS4", "_TCASE-A", status="Requested")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Draft", "Requested", 0))
		doc.status = "Disbursed"  # not the user's to set
		doc.save()
		self.assertEqual(doc.status, "Requested")

	def test_foreign_currency_needs_a_rate_at_its_value_date(self):
		f.assert_invalid(
			self,
			f.new_disbursement("_TDIS5", "_TCASE-A", currency="ISK", requested_date="2003-05-01"),
			"Currency: no rate for ISK on or before 2003-05-01 in rates.csv",
		)
		f.make_rate("ISK", "2003-04-15", "0.0071")
		f.make_disbursement("_TDIS5", "_TCASE-A", currency="ISK", requested_date="2003-05-01")

	def test_case_need_not_exist_when_links_are_ignored(self):
		doc = f.new_disbursement("_TDIS6", "_TCASE-MISSING")
		with self.assertRaises(frappe.LinkValidationError):
			doc.insert()
		doc = f.new_disbursement("_TDIS6", "_TCASE-MISSING")
		doc.flags.ignore_links = True
		doc.insert()
		self.assertEqual(doc.case_id, "_TCASE-MISSING")

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "write", "report", "export", "print"},
			"CTM Finance Officer": {"read", "write", "report", "export", "print"},
			"CTM Field Office": {"read", "write", "create", "report", "export", "print"},
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Emergency Disbursement"), rights, role)
