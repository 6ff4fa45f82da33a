"""The global emergency fund's workflow on CTM Emergency Disbursement.

    CI=1 bench --site SITE run-tests --app ctm_portfolio --module ctm_portfolio.ctm_portfolio.test_emergency_fund

The full path (field office -> programme manager -> finance), the rules of each step, the
ceilings, the fund guard, duplicates, permissions per role and per step, notifications, the
report of requests awaiting a decision, the bundle import and export of requests, and the fund's
figures against the engine's. The concurrent approvals are in test_emergency_fund_race.

Every test runs inside a savepoint rolled back afterwards; the fund is given a known amount
available first (a test receipt, or a test approved request on a site whose fund holds more).
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import frappe
from frappe.model.workflow import (
	WorkflowPermissionError,
	WorkflowTransitionError,
	apply_workflow,
	get_transitions,
)
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from ctm_portfolio.ctm_portfolio import emergency_fund as ef
from ctm_portfolio.ctm_portfolio.bundle_io import export_bundle, export_tables, import_bundle, problem_text
from ctm_portfolio.engine.bundle import write_csv_bundle
from ctm_portfolio.engine.demo import DEMO_DIR, write_demo
from ctm_portfolio.engine.errors import BundleInvalid
from ctm_portfolio.engine.reconcile import reconcile
from ctm_portfolio.engine.validate import load_bundle
from ctm_portfolio.tests import factories as f

DT = "CTM Emergency Disbursement"
SAVEPOINT = "ctm_test_emergency_fund"

FO_A = "_t_ef_fo_a@example.com"
FO_A2 = "_t_ef_fo_a2@example.com"  # a second user of office A
FO_B = "_t_ef_fo_b@example.com"
PM = "_t_ef_pm@example.com"
PM2 = "_t_ef_pm2@example.com"
FIN = "_t_ef_fin@example.com"
HQ = "_t_ef_hq@example.com"

CASE_A1, CASE_A2, CASE_B1 = "_TEF-CASE-A1", "_TEF-CASE-A2", "_TEF-CASE-B1"


def make_users() -> None:
	f.make_office(f.OFFICE_A, "Nepal")
	f.make_office(f.OFFICE_B, "Bangladesh")
	f.make_user(FO_A, ["CTM Field Office"], (f.OFFICE_A,))
	f.make_user(FO_A2, ["CTM Field Office"], (f.OFFICE_A,))
	f.make_user(FO_B, ["CTM Field Office"], (f.OFFICE_B,))
	f.make_user(PM, ["CTM Programme Manager"])
	f.make_user(PM2, ["CTM Programme Manager"])
	f.make_user(FIN, ["CTM Finance Officer"])
	f.make_user(HQ, ["CTM HQ Reviewer"])


class EmergencyFundTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_users()
		for case, office in ((CASE_A1, f.OFFICE_A), (CASE_A2, f.OFFICE_A), (CASE_B1, f.OFFICE_B)):
			if not frappe.db.exists("CTM Case", case):
				f.make_case(case, office)

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint(SAVEPOINT)
		f.set_fund_settings(overdue_after_days=3)
		self.fund = f.fund_with_available(10_000)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.clear_document_cache(DT)
		frappe.local.message_log = []

	# -- helpers ----------------------------------------------------------------------------

	def file(self, did: str, case: str = CASE_A1, user: str = FO_A, **values):
		"""A request filed by a field-office user, with its need and assessment."""
		office = frappe.db.get_value("CTM Case", case, "field_office")
		values.setdefault("need", "Shelter for two weeks while the return is arranged")
		values.setdefault("assessment", "Verified with the local partner; the amount is the shelter's rate")
		with self.set_user(user):
			return f.make_disbursement(did, case, office, ignore_permissions=False, **values)

	def act(self, user: str, name: str, action: str):
		with self.set_user(user):
			return apply_workflow(frappe.get_doc(DT, name), action)

	def edit(self, user: str, name: str, **values):
		with self.set_user(user):
			doc = frappe.get_doc(DT, name)
			doc.update(values)
			return doc.save()

	def referred(self, did: str, case: str = CASE_A1, user: str = FO_A, **values):
		doc = self.file(did, case, user, **values)
		self.act(user, doc.name, "Assess")
		return self.act(user, doc.name, "Refer to HQ")

	def approved(self, did: str, case: str = CASE_A1, **values):
		doc = self.referred(did, case, **values)
		return self.act(PM, doc.name, "Approve")

	def actions(self, user: str, name: str) -> set[str]:
		with self.set_user(user):
			return {t.action for t in get_transitions(frappe.get_doc(DT, name))}


class TestEmergencyFundWorkflow(EmergencyFundTestCase):
	def test_the_full_path(self):
		doc = self.file("_TEF1", amount=400, requested_date="2003-04-01")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Draft", "Requested", 0))
		self.assertEqual(doc.requested_by, FO_A)

		doc = self.act(FO_A, doc.name, "Assess")
		self.assertEqual((doc.workflow_state, doc.status), ("Assessed", "Requested"))
		doc = self.act(FO_A, doc.name, "Refer to HQ")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Referred to HQ", "Requested", 0))
		self.assertTrue(doc.referred_on)

		doc = self.act(PM, doc.name, "Approve")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Approved", "Approved", 1))
		self.assertEqual(doc.decided_by, PM)
		self.assertEqual(float(doc.approved_amount), 400)
		self.assertGreaterEqual(doc.decision_time, 0)

		# Finance records the payment (less than approved), then disburses.
		self.edit(FIN, doc.name, disbursed_date="2003-04-20", amount_paid=380, payment_reference="PAY-0001")
		doc = self.act(FIN, doc.name, "Disburse")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Disbursed", "Disbursed", 1))
		self.assertEqual(float(doc.amount), 380)  # what left the fund
		self.assertEqual(float(doc.approved_amount), 400)  # what was approved stays recorded

		# The history: a workflow comment per action (and a Version row per step, outside tests).
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": DT, "reference_name": doc.name, "comment_type": "Workflow"},
			pluck="content",
		)
		self.assertEqual(sorted(comments), sorted(["Assessed", "Referred to HQ", "Approved", "Disbursed"]))

		# The bundle the site exports says the same, and the engine counts it as disbursed.
		row = next(r for r in export_tables()["disbursements.csv"] if r["disbursement_id"] == doc.name)
		self.assertEqual(
			(row["status"], row["amount"], row["disbursed_date"]), ("Disbursed", "380.00", "2003-04-20")
		)

	def test_assessing_needs_the_need_and_the_assessment(self):
		doc = self.file("_TEF2", need="", assessment="")
		with self.assertRaises(frappe.MandatoryError) as caught:
			self.act(FO_A, doc.name, "Assess")
		self.assertIn("Need", str(caught.exception))
		self.assertIn("Field Office Assessment", str(caught.exception))
		self.edit(FO_A, doc.name, need="Medical care", assessment="Urgent, confirmed by the clinic")
		self.assertEqual(self.act(FO_A, doc.name, "Assess").workflow_state, "Assessed")

	def test_rejection_needs_a_reason(self):
		doc = self.referred("_TEF3")
		with self.assertRaises(frappe.MandatoryError) as caught:
			self.act(PM, doc.name, "Reject")
		self.assertIn("A reason is required to reject a request", str(caught.exception))
		self.assertEqual(frappe.db.get_value(DT, doc.name, "workflow_state"), "Referred to HQ")
		self.edit(PM, doc.name, rejection_reason="   ")
		with self.assertRaises(frappe.MandatoryError):
			self.act(PM, doc.name, "Reject")
		self.edit(PM, doc.name, rejection_reason="Covered by the Nepal project's caseload")
		doc = self.act(PM, doc.name, "Reject")
		self.assertEqual((doc.workflow_state, doc.status, doc.docstatus), ("Rejected", "Rejected", 1))
		self.assertEqual(doc.decided_by, PM)

	def test_returned_to_the_field_office(self):
		doc = self.referred("_TEF4")
		doc = self.act(PM, doc.name, "Return to Field Office")
		self.assertEqual((doc.workflow_state, doc.status), ("Draft", "Requested"))
		self.edit(FO_A, doc.name, assessment="Re-assessed with the partner's quote")
		self.act(FO_A, doc.name, "Assess")
		self.assertEqual(self.act(FO_A, doc.name, "Refer to HQ").workflow_state, "Referred to HQ")

	def test_decision_time_is_measured_from_the_referral(self):
		doc = self.referred("_TEF5")
		frappe.db.set_value(
			DT, doc.name, "referred_on", add_to_date(now_datetime(), hours=-2), update_modified=False
		)
		doc = self.act(PM, doc.name, "Approve")
		self.assertAlmostEqual(doc.decision_time, 7200, delta=120)
		self.assertEqual(frappe.db.get_value(DT, doc.name, "decision_time"), doc.decision_time)


class TestEmergencyFundGuards(EmergencyFundTestCase):
	def test_ceiling_per_assistance_type(self):
		f.set_fund_settings(ceilings={"shelter": 500})
		self.approved("_TEF10", amount=300)
		second = self.referred("_TEF11", amount="200.01")
		with self.assertRaises(ef.CeilingExceededError) as caught:
			self.act(PM, second.name, "Approve")
		self.assertIn(
			f"the ceiling for shelter is 500.00 USD per case. Case {CASE_A1} has already been approved "
			"300.00 USD for shelter, and this request needs 200.01 USD",
			str(caught.exception),
		)
		self.assertEqual(frappe.db.get_value(DT, second.name, "status"), "Requested")
		# Another type, another case: within their ceilings.
		self.approved("_TEF12", assistance_type="medical", amount=900)
		self.approved("_TEF13", case=CASE_A2, amount=500)
		# One request above the ceiling on its own.
		alone = self.referred("_TEF14", case=CASE_A2, assistance_type="shelter", amount=1)
		with self.assertRaises(ef.CeilingExceededError):
			self.act(PM, alone.name, "Approve")

	def test_ceiling_per_case(self):
		f.set_fund_settings(per_case=600)
		self.approved("_TEF20", amount=300)
		self.approved("_TEF21", assistance_type="medical", amount=250)
		third = self.referred("_TEF22", assistance_type="legal", amount=50.01)
		with self.assertRaises(ef.CeilingExceededError) as caught:
			self.act(PM, third.name, "Approve")
		self.assertIn(
			f"the ceiling per case is 600.00 USD. Case {CASE_A1} has already been approved 550.00 USD, "
			"and this request needs 50.01 USD",
			str(caught.exception),
		)
		self.edit(PM, third.name, amount=50)
		self.assertEqual(self.act(PM, third.name, "Approve").status, "Approved")

	def test_the_fund_cannot_be_overdrawn(self):
		f.fund_with_available(1000)
		self.approved("_TEF30", amount=600)
		over = self.referred("_TEF31", case=CASE_A2, amount="400.01")
		with self.assertRaises(ef.FundOverdrawnError) as caught:
			self.act(PM, over.name, "Approve")
		self.assertIn("Approval refused: the emergency fund", str(caught.exception))
		self.assertIn("this request needs 400.01 USD", str(caught.exception))
		self.assertEqual(frappe.db.get_value(DT, over.name, "docstatus"), 0)
		self.edit(PM, over.name, amount=400)
		self.assertEqual(self.act(PM, over.name, "Approve").status, "Approved")
		self.assertLess(ef.fund_position().available, Decimal("0.01"))

	def test_the_guard_converts_at_the_value_date(self):
		frappe.db.delete("CTM Exchange Rate", {"currency": "ISK"})
		f.make_rate("ISK", "2003-01-01", "1.1")
		f.make_rate("ISK", "2003-06-01", "2")
		f.fund_with_available(150)
		# 100 ISK requested on 2003-04-01: 110 USD at that date's rate.
		doc = self.approved("_TEF40", currency="ISK", amount=100, requested_date="2003-04-01")
		self.assertEqual(doc.status, "Approved")
		# Paid on 2003-07-01 the same 100 ISK is worth 200 USD: more than the 150 the fund holds.
		self.edit(FIN, doc.name, disbursed_date="2003-07-01", amount_paid=100, payment_reference="P-1")
		with self.assertRaises(ef.FundOverdrawnError) as caught:
			self.act(FIN, doc.name, "Disburse")
		self.assertIn("the payment is worth 200.00 USD", str(caught.exception))
		self.edit(FIN, doc.name, disbursed_date="2003-05-01")
		self.assertEqual(self.act(FIN, doc.name, "Disburse").status, "Disbursed")
		# A request worth more in USD than the fund holds.
		big = self.referred("_TEF41", case=CASE_A2, currency="ISK", amount=40, requested_date="2003-06-02")
		with self.assertRaises(ef.FundOverdrawnError) as caught:
			self.act(PM, big.name, "Approve")
		self.assertIn("this request needs 80.00 USD", str(caught.exception))

	def test_disbursing_records_the_payment(self):
		doc = self.approved("_TEF50", amount=300, requested_date="2003-04-01")
		with self.assertRaises(frappe.MandatoryError) as caught:
			self.act(FIN, doc.name, "Disburse")
		for label in ("Disbursed Date", "Amount Paid", "Payment Reference"):
			self.assertIn(label, str(caught.exception))
		self.edit(FIN, doc.name, disbursed_date="2003-04-10", amount_paid="300.01", payment_reference="P-9")
		with self.assertRaises(frappe.ValidationError) as caught:
			self.act(FIN, doc.name, "Disburse")
		self.assertIn("at most the approved amount, 300.00 USD", str(caught.exception))
		self.edit(FIN, doc.name, amount_paid=300, disbursed_date=add_days(getdate(), 1))
		with self.assertRaises(frappe.ValidationError):
			self.act(FIN, doc.name, "Disburse")  # not in the future
		self.edit(FIN, doc.name, disbursed_date="2003-04-10")
		doc = self.act(FIN, doc.name, "Disburse")
		# Paid is paid: only cancelling (and amending) changes it.
		with self.assertRaises(frappe.ValidationError):
			self.edit(FIN, doc.name, amount_paid=200)
		self.edit(FIN, doc.name, payment_reference="P-9/corrected")

	def test_the_workflow_cannot_be_bypassed(self):
		doc = self.referred("_TEF60")
		with self.set_user(PM), self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_doc(DT, doc.name).submit()  # Frappe's own Submit: no decision
		self.assertIn("use the workflow actions", str(caught.exception))
		with self.set_user(FIN), self.assertRaises(WorkflowTransitionError):
			apply_workflow(frappe.get_doc(DT, doc.name), "Approve")
		with self.set_user(FIN), self.assertRaises(WorkflowPermissionError):
			raw = frappe.get_doc(DT, doc.name)
			raw.workflow_state = "Approved"
			raw.submit()
		with self.set_user(FO_A), self.assertRaises(frappe.PermissionError):
			raw = frappe.get_doc(DT, doc.name)
			raw.workflow_state = "Approved"
			raw.submit()
		# A request is filed as a draft, whatever state it is given.
		with self.set_user(FO_A):
			filed = f.new_disbursement("_TEF61", CASE_A2, f.OFFICE_A, workflow_state="Approved").insert()
		self.assertEqual((filed.workflow_state, filed.status, filed.docstatus), ("Draft", "Requested", 0))
		with self.set_user(FO_A), self.assertRaises(frappe.PermissionError):
			f.new_disbursement("_TEF62", CASE_A2, f.OFFICE_A, docstatus=1).insert()
		self.assertEqual(frappe.db.get_value(DT, doc.name, "workflow_state"), "Referred to HQ")


class TestEmergencyFundRolesAndHistory(EmergencyFundTestCase):
	def test_each_step_is_for_its_role(self):
		doc = self.file("_TEF70")
		expected = {
			"Draft": {FO_A: {"Assess"}, FO_A2: {"Assess"}, PM: set(), FIN: set(), HQ: set()},
			"Assessed": {FO_A: {"Revise", "Refer to HQ"}, PM: set(), FIN: set(), HQ: set()},
			"Referred to HQ": {
				FO_A: set(),
				PM: {"Approve", "Reject", "Return to Field Office"},
				FIN: set(),
				HQ: set(),
			},
			"Approved": {FO_A: set(), PM: {"Cancel"}, FIN: {"Disburse"}, HQ: set()},
			"Disbursed": {FO_A: set(), PM: set(), FIN: {"Cancel"}, HQ: set()},
		}
		steps = {"Draft": "Assess", "Assessed": "Refer to HQ", "Referred to HQ": "Approve"}
		for state, by_user in expected.items():
			self.assertEqual(frappe.db.get_value(DT, doc.name, "workflow_state"), state)
			for user, actions in by_user.items():
				self.assertEqual(self.actions(user, doc.name), actions, f"{user} in {state}")
			with self.set_user(FO_B), self.assertRaises(frappe.PermissionError):
				get_transitions(frappe.get_doc(DT, doc.name))
			if state == "Approved":
				self.edit(FIN, doc.name, disbursed_date="2003-04-10", amount_paid=250, payment_reference="P")
				self.act(FIN, doc.name, "Disburse")
			elif state in steps:
				user = PM if state == "Referred to HQ" else FO_A
				self.act(user, doc.name, steps[state])
		rejected = self.referred("_TEF71")
		self.edit(PM, rejected.name, rejection_reason="Duplicate of an IOM project's assistance")
		self.act(PM, rejected.name, "Reject")
		self.assertEqual(self.actions(PM, rejected.name), {"Cancel"})
		self.assertEqual(self.actions(FO_A, rejected.name), set())

	def test_only_the_role_of_the_state_edits(self):
		doc = self.file("_TEF80")
		with self.assertRaises(frappe.PermissionError):
			self.edit(PM, doc.name, amount=999)  # the field office's draft
		with self.assertRaises(frappe.PermissionError):
			self.edit(HQ, doc.name, amount=999)  # a reviewer reads only
		with self.assertRaises(frappe.PermissionError):
			self.edit(FO_B, doc.name, amount=999)  # another office
		self.edit(FO_A2, doc.name, amount=260)  # a colleague in the same office
		self.act(FO_A, doc.name, "Assess")
		self.act(FO_A, doc.name, "Refer to HQ")
		with self.assertRaises(frappe.PermissionError):
			self.edit(FO_A, doc.name, amount=999)  # HQ's now
		self.edit(PM, doc.name, amount=240)  # the programme manager may adjust before deciding
		referred_on = frappe.db.get_value(DT, doc.name, "referred_on")
		self.edit(PM, doc.name, referred_on="2003-01-01 00:00:00", requested_by=PM)  # recorded: kept
		self.assertEqual(
			frappe.db.get_value(DT, doc.name, ["referred_on", "requested_by"]), (referred_on, FO_A)
		)
		self.act(PM, doc.name, "Approve")
		with self.assertRaises(frappe.PermissionError):
			self.edit(PM, doc.name, payment_reference="X")  # finance's now
		with self.assertRaises(frappe.ValidationError):
			self.edit(FIN, doc.name, amount=999)  # the approved amount is fixed
		self.edit(FIN, doc.name, payment_reference="P-80")

	def test_a_field_office_files_only_for_its_cases(self):
		with self.assertRaises(frappe.PermissionError):
			self.file("_TEF90", case=CASE_B1, user=FO_A)
		with self.set_user(FO_A), self.assertRaises(frappe.PermissionError):
			f.make_disbursement("_TEF91", CASE_B1, f.OFFICE_A, ignore_permissions=False)
		self.file("_TEF92", case=CASE_B1, user=FO_B)

	def test_cancel_and_amend_keep_the_history(self):
		doc = self.approved("_TEF100", amount=300)
		self.assertEqual(self.actions(FO_A, doc.name), set())
		with self.set_user(FO_A), self.assertRaises(frappe.PermissionError):
			frappe.get_doc(DT, doc.name).cancel()
		with self.set_user(FIN), self.assertRaises(frappe.PermissionError):
			frappe.get_doc(DT, doc.name).cancel()  # an approval is the programme manager's to cancel
		committed = ef.fund_position().committed
		doc = self.act(PM, doc.name, "Cancel")
		self.assertEqual((doc.docstatus, doc.workflow_state, doc.status), (2, "Cancelled", "Approved"))
		self.assertEqual(committed - ef.fund_position().committed, 300)
		self.assertNotIn(doc.name, {r["disbursement_id"] for r in export_tables()["disbursements.csv"]})

		with self.set_user(FO_A):  # what the form's Amend does
			amended = frappe.copy_doc(frappe.get_doc(DT, doc.name), ignore_no_copy=False)
			amended.docstatus = 0
			amended.amended_from = doc.name
			amended.amount = 280
			amended.insert()
		self.assertEqual(amended.name, f"{doc.name}-1")
		self.assertEqual(amended.disbursement_id, amended.name)
		self.assertEqual(
			(amended.workflow_state, amended.status, amended.docstatus), ("Draft", "Requested", 0)
		)
		self.assertFalse(amended.decided_on or amended.approved_amount)
		self.assertEqual(frappe.db.get_value(DT, doc.name, "docstatus"), 2)  # kept
		with self.assertRaises(frappe.ValidationError):
			frappe.delete_doc(DT, doc.name)
		exported = {r["disbursement_id"]: r for r in export_tables()["disbursements.csv"]}
		self.assertEqual(exported[amended.name]["amount"], "280.00")

	def test_cancelling_releases_the_commitment(self):
		f.fund_with_available(500)
		doc = self.approved("_TEF110", amount=500)
		other = self.referred("_TEF111", case=CASE_A2, amount=500)
		with self.assertRaises(ef.FundOverdrawnError):
			self.act(PM, other.name, "Approve")
		self.act(PM, doc.name, "Cancel")
		self.assertEqual(self.act(PM, other.name, "Approve").status, "Approved")

	def test_a_second_request_for_the_case_and_type_is_flagged(self):
		first = self.referred("_TEF120", requested_date="2003-04-01")
		second = self.file("_TEF121", requested_date="2003-04-05")
		other_type = self.file("_TEF122", requested_date="2003-04-06", assistance_type="medical")
		self.assertEqual((second.possible_duplicate, second.duplicate_of), (1, first.name))
		self.assertEqual(frappe.db.get_value(DT, first.name, "possible_duplicate"), 0)
		self.assertEqual(frappe.db.get_value(DT, other_type.name, "possible_duplicate"), 0)
		# In the list, as the reviewer sees it.
		with self.set_user(PM):
			flagged = frappe.get_list(DT, filters={"possible_duplicate": 1}, pluck="name")
		self.assertIn(second.name, flagged)
		self.assertNotIn(first.name, flagged)
		# As the engine says: DUPLICATE_DISBURSEMENT for the same requests.
		bundle = _bundle_of_site(self)
		engine = {
			x["id"] for x in reconcile(bundle, getdate())["findings"] if x["code"] == "DUPLICATE_DISBURSEMENT"
		}
		site = set(frappe.get_all(DT, filters={"possible_duplicate": 1, "docstatus": ("<", 2)}, pluck="name"))
		self.assertEqual(engine, site)
		# The first rejected: the second is no longer a duplicate.
		self.edit(PM, first.name, rejection_reason="Already assisted")
		self.act(PM, first.name, "Reject")
		self.assertEqual(frappe.db.get_value(DT, second.name, "possible_duplicate"), 0)
		self.assertIsNone(frappe.db.get_value(DT, second.name, "duplicate_of"))


def _bundle_of_site(test):
	folder = Path(tempfile.mkdtemp(prefix="ctm-test-ef-"))
	test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
	export_bundle(folder)
	return load_bundle(folder)


def forget_email_accounts():
	"""Frappe keeps the outgoing Email Account found for the request; the test's is rolled back."""
	if hasattr(frappe.local, "outgoing_email_account"):
		del frappe.local.outgoing_email_account


class TestEmergencyFundNotifications(EmergencyFundTestCase):
	"""The notifications are e-mails that also make a system notification (the desk's bell). An
	e-mail needs an outgoing Email Account: a test one here (tests send nothing)."""

	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Email Account", "_Test EF Outgoing"):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_Test EF Outgoing",
					"email_id": "ef-outgoing@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "smtp.example.com",
					"password": "secret",
				}
			).insert(ignore_permissions=True)
		self.addCleanup(forget_email_accounts)

	def logs(self, name: str) -> dict[str, set[str]]:
		"""user -> subjects of the Notification Logs about request ``name``."""
		out: dict[str, set[str]] = {}
		for log in frappe.get_all(
			"Notification Log",
			filters={"document_type": DT, "document_name": name},
			fields=["for_user", "subject"],
		):
			out.setdefault(log.for_user, set()).add(frappe.utils.strip_html(log.subject))
		return out

	def emails(self, name: str) -> list[str]:
		return frappe.get_all(
			"Email Queue Recipient",
			filters={
				"parent": (
					"in",
					frappe.get_all(
						"Email Queue", filters={"reference_doctype": DT, "reference_name": name}, pluck="name"
					)
					or [""],
				)
			},
			pluck="recipient",
		)

	def test_the_programme_managers_hear_of_a_referral(self):
		doc = self.file("_TEF130")
		self.act(FO_A, doc.name, "Assess")
		self.assertEqual(self.logs(doc.name), {})
		self.act(FO_A, doc.name, "Refer to HQ")
		logs = self.logs(doc.name)
		for pm in (PM, PM2):
			self.assertIn(pm, logs)
			self.assertIn(
				f"Emergency request {doc.name} referred to HQ: shelter for case {CASE_A1}", logs[pm]
			)
		self.assertNotIn(FO_A, logs)
		self.assertNotIn(FO_B, logs)
		self.assertTrue({PM, PM2} <= set(self.emails(doc.name)))

	def test_the_field_office_hears_of_the_decision_and_the_payment(self):
		doc = self.referred("_TEF131")
		self.act(PM, doc.name, "Approve")
		logs = self.logs(doc.name)
		for user in (FO_A, FO_A2):
			self.assertIn(f"Emergency request {doc.name} approved", logs.get(user, set()), user)
		self.assertNotIn(FO_B, logs)  # another office never hears of it
		self.assertIn(FO_A, self.emails(doc.name))
		self.assertNotIn(FO_B, self.emails(doc.name))

		self.edit(FIN, doc.name, disbursed_date="2003-04-10", amount_paid=250, payment_reference="P-131")
		self.act(FIN, doc.name, "Disburse")
		self.assertIn(f"Emergency request {doc.name} disbursed", self.logs(doc.name)[FO_A])

		rejected = self.referred("_TEF132", case=CASE_A2)
		self.edit(PM, rejected.name, rejection_reason="Outside the fund's mandate")
		self.act(PM, rejected.name, "Reject")
		logs = self.logs(rejected.name)
		self.assertIn(f"Emergency request {rejected.name} rejected", logs[FO_A2])
		self.assertNotIn(FO_B, logs)

	def test_pending_workflow_actions_stay_in_their_office(self):
		doc = self.file("_TEF133")
		self.assertTrue(frappe.db.exists("Workflow Action", {"reference_name": doc.name, "status": "Open"}))
		with self.set_user(FO_A):
			self.assertIn(doc.name, frappe.get_list("Workflow Action", pluck="reference_name"))
		with self.set_user(FO_B):
			self.assertNotIn(doc.name, frappe.get_list("Workflow Action", pluck="reference_name"))
			action = frappe.get_doc(
				"Workflow Action", {"reference_name": doc.name, "reference_doctype": DT, "status": "Open"}
			)
			self.assertFalse(action.has_permission("read"))
			with self.assertRaises(frappe.PermissionError):
				apply_workflow(frappe.get_doc(DT, doc.name), "Assess")


class TestAwaitingDecisionReport(EmergencyFundTestCase):
	REPORT = "Emergency Requests Awaiting Decision"

	def run_report(self, user: str, **filters):
		from frappe.desk.query_report import run

		with self.set_user(user):
			out = run(self.REPORT, filters=filters, ignore_prepared_report=True)
		return [row["name"] for row in out["result"] if isinstance(row, dict)], out

	def test_requests_waiting_longer_than_the_settings_days(self):
		f.set_fund_settings(overdue_after_days=3)
		old = self.referred("_TEF140")
		recent = self.referred("_TEF141", case=CASE_A2)
		other_office = self.referred("_TEF142", case=CASE_B1, user=FO_B)
		decided = self.referred("_TEF143", case=CASE_A2, assistance_type="medical")
		for doc, days in ((old, 5), (recent, 1), (other_office, 10), (decided, 9)):
			frappe.db.set_value(
				DT, doc.name, "referred_on", add_days(now_datetime(), -days), update_modified=False
			)
		self.act(PM, decided.name, "Approve")

		names, out = self.run_report(PM)
		self.assertIn(old.name, names)
		self.assertIn(other_office.name, names)
		self.assertNotIn(recent.name, names)  # 1 day: not yet overdue
		self.assertNotIn(decided.name, names)  # decided
		summary = {s["label"]: s["value"] for s in out["report_summary"]}
		self.assertGreaterEqual(summary["Overdue (more than 3 days)"], 2)
		self.assertNotEqual(summary["Median time from referral to decision"], "none decided yet")

		names, _ = self.run_report(PM, older_than_days=0)  # the filter overrides the settings
		self.assertIn(recent.name, names)
		f.set_fund_settings(overdue_after_days=7)
		names, _ = self.run_report(PM)
		self.assertEqual({old.name, other_office.name} & set(names), {other_office.name})

		names, _ = self.run_report(FO_A, older_than_days=0)  # a field office sees its own only
		self.assertIn(old.name, names)
		self.assertNotIn(other_office.name, names)


class TestEmergencyFundBundle(EmergencyFundTestCase):
	"""Requests in a bundle: import sets their docstatus and workflow state, export round-trips."""

	def bundle(self, name: str, rows: list[dict]) -> Path:
		folder = Path(tempfile.mkdtemp(prefix=f"ctm-test-ef-{name}-"))
		self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
		base = {"field_office": f.OFFICE_A, "assistance_type": "shelter", "currency": "USD"}
		write_csv_bundle(
			{
				"projects.csv": [
					{
						"project_code": "_TEF-P1",
						"title": "Return and reintegration",
						"region": "Asia",
						"start_date": "2003-01-01",
						"end_date": "2005-12-31",
						"status": "Active",
						"currency": "USD",
					}
				],
				"disbursements.csv": [{**base, **row} for row in rows],
			},
			folder,
		)
		return folder

	ROWS: ClassVar[list[dict]] = [
		{"disbursement_id": "_TEF-I1", "case_id": CASE_A1, "amount": "100.00", "requested_date": "2003-04-01", "status": "Requested"},
		{"disbursement_id": "_TEF-I2", "case_id": CASE_A2, "amount": "200.00", "requested_date": "2003-04-02", "status": "Approved"},
		{"disbursement_id": "_TEF-I3", "case_id": CASE_A1, "amount": "300.00", "requested_date": "2003-04-03", "status": "Disbursed", "assistance_type": "medical", "disbursed_date": "2003-04-09"},
		{"disbursement_id": "_TEF-I4", "case_id": CASE_A2, "amount": "400.00", "requested_date": "2003-04-04", "status": "Rejected", "assistance_type": "legal"},
		{"disbursement_id": "_TEF-I5", "case_id": CASE_A1, "amount": "50.00", "requested_date": "2003-04-05", "status": "Requested"},
	]  # fmt: skip

	def state(self, name: str):
		return frappe.db.get_value(
			DT, name, ["docstatus", "workflow_state", "status", "approved_amount", "amount_paid"]
		)

	def test_import_sets_docstatus_and_workflow_state(self):
		import_bundle(self.bundle("states", self.ROWS), progress=False, commit=False)
		self.assertEqual(self.state("_TEF-I1")[:3], (0, "Referred to HQ", "Requested"))
		self.assertEqual(self.state("_TEF-I2"), (1, "Approved", "Approved", 200, 0))
		self.assertEqual(self.state("_TEF-I3"), (1, "Disbursed", "Disbursed", 300, 300))
		self.assertEqual(self.state("_TEF-I4")[:3], (1, "Rejected", "Rejected"))
		self.assertEqual(frappe.db.get_value(DT, "_TEF-I5", "duplicate_of"), "_TEF-I1")
		# The imported requests go on through the workflow.
		self.assertEqual(self.act(PM, "_TEF-I1", "Approve").status, "Approved")
		self.edit(FIN, "_TEF-I2", disbursed_date="2003-04-20", amount_paid=200, payment_reference="P")
		self.assertEqual(self.act(FIN, "_TEF-I2", "Disburse").status, "Disbursed")

	def test_reimport_and_round_trip(self):
		source = self.bundle("round", self.ROWS)
		import_bundle(source, progress=False, commit=False)
		before = frappe.db.sql(
			f"select name, modified, docstatus, workflow_state from `tab{DT}` order by name"
		)
		self.assertFalse(import_bundle(source, progress=False, commit=False).changed)
		self.assertEqual(
			frappe.db.sql(f"select name, modified, docstatus, workflow_state from `tab{DT}` order by name"),
			before,
		)
		exported = {r["disbursement_id"]: r for r in export_tables()["disbursements.csv"]}
		for row in self.ROWS:
			out = exported[row["disbursement_id"]]
			for column in ("case_id", "amount", "status", "requested_date"):
				self.assertEqual(out[column], row[column], (row["disbursement_id"], column))

	def test_a_bundle_moves_a_request_forward_only(self):
		import_bundle(self.bundle("forward", self.ROWS), progress=False, commit=False)
		moved = [dict(r) for r in self.ROWS]
		moved[0].update(status="Approved")  # Requested -> Approved: allowed
		moved[1].update(status="Disbursed", disbursed_date="2003-04-15")  # Approved -> Disbursed: allowed
		import_bundle(self.bundle("forward2", moved), progress=False, commit=False)
		self.assertEqual(self.state("_TEF-I1")[:3], (1, "Approved", "Approved"))
		self.assertEqual(self.state("_TEF-I2")[:3], (1, "Disbursed", "Disbursed"))

		back = [dict(r) for r in moved]
		back[0].update(status="Requested")
		back[3].update(status="Approved")
		with self.assertRaises(BundleInvalid) as caught:
			import_bundle(self.bundle("back", back), progress=False, commit=False)
		self.assertEqual(
			[problem_text(p) for p in caught.exception.problems],
			[
				"disbursements.csv:2:status: _TEF-I1 is Approved on the site; a bundle cannot make it "
				"Requested (cancel and amend it on the site)",
				"disbursements.csv:5:status: _TEF-I4 is Rejected on the site; a bundle cannot make it "
				"Approved (cancel and amend it on the site)",
			],
		)
		self.assertEqual(self.state("_TEF-I1")[:3], (1, "Approved", "Approved"))

		self.act(PM, "_TEF-I1", "Cancel")
		with self.assertRaises(BundleInvalid) as caught:
			import_bundle(self.bundle("cancelled", moved), progress=False, commit=False)
		self.assertIn("_TEF-I1 is Cancelled on the site", problem_text(caught.exception.problems[0]))


class TestEmergencyFundFigures(FrappeTestCase):
	"""The dashboard's figures against the engine's ``emergency_fund``, on the demo portfolio
	imported into an emptied site (inside a savepoint rolled back afterwards)."""

	SAVEPOINT = "ctm_test_ef_figures"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tmp = Path(tempfile.mkdtemp(prefix="ctm-test-ef-figures-"))
		cls.demo = DEMO_DIR
		if not DEMO_DIR.is_dir():
			cls.demo = cls.tmp / "demo"
			write_demo(cls.demo)

	@classmethod
	def tearDownClass(cls):
		shutil.rmtree(cls.tmp, ignore_errors=True)
		super().tearDownClass()

	def setUp(self):
		from ctm_portfolio.ctm_portfolio.test_bundle_io import clear_portfolio

		frappe.set_user("Administrator")
		frappe.db.savepoint(self.SAVEPOINT)
		clear_portfolio()
		import_bundle(self.demo, progress=False, commit=False)
		f.set_fund_settings()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point=self.SAVEPOINT)
		frappe.clear_document_cache(DT)

	def engine_fund(self, as_of: datetime.date) -> dict:
		folder = self.tmp / "export"
		shutil.rmtree(folder, ignore_errors=True)
		export_bundle(folder)
		return reconcile(load_bundle(folder), as_of)["emergency_fund"]

	def assertAgree(self, as_of: datetime.date):
		site, engine = ef.fund_figures(as_of), self.engine_fund(as_of)
		for key in ("project_code", "received_usd", "disbursed_usd", "committed_usd", "available_usd"):
			self.assertEqual(site[key], engine[key], key)
		self.assertEqual(site["cases_assisted"], engine["cases_assisted"])
		for key in ("by_assistance_type", "by_field_office"):
			self.assertEqual(site[key], engine[key], key)
		return site

	def test_the_demo_fund_agrees_with_the_engine(self):
		site = self.assertAgree(getdate())
		# The demo's figures (engine/demo_data/README.md).
		self.assertEqual(site["received_usd"], Decimal("258526.60"))
		self.assertEqual(site["disbursed_usd"], Decimal("250743.98"))
		self.assertEqual(site["committed_usd"], Decimal("30396.44"))
		self.assertEqual(site["available_usd"], Decimal("-22613.82"))
		# Each month is rounded once on its own: the months add up to the total within half a cent each.
		months = site["disbursed_by_month"]
		self.assertLessEqual(
			abs(sum((m["disbursed_usd"] for m in months), Decimal(0)) - site["disbursed_usd"]),
			Decimal("0.005") * len(months),
		)
		self.assertAgree(datetime.date(2004, 6, 30))

	def test_the_dashboard_shows_the_figures(self):
		cards = {
			"received": ef.fund_received_card(),
			"disbursed": ef.fund_disbursed_card(),
			"committed": ef.fund_committed_card(),
			"available": ef.fund_available_card(),
		}
		self.assertEqual(cards["received"]["value"], 258526.60)
		self.assertEqual(cards["disbursed"]["value"], 250743.98)
		self.assertEqual(cards["committed"]["value"], 30396.44)
		self.assertEqual(cards["available"]["value"], -22613.82)
		from ctm_portfolio.ctm_portfolio.dashboard_chart_source.ctm_emergency_fund.ctm_emergency_fund import (
			get,
		)

		for chart in (
			"CTM Fund Disbursed by Month",
			"CTM Fund by Field Office",
			"CTM Fund by Assistance Type",
		):
			data = get(chart_name=chart, refresh=1)
			self.assertTrue(data["labels"], chart)
			total = sum(Decimal(str(v)) for v in data["datasets"][0]["values"])
			self.assertLessEqual(
				abs(total - Decimal("250743.98")), Decimal("0.005") * len(data["labels"]), chart
			)
		dashboard = frappe.get_doc("Dashboard", "CTM Emergency Fund")
		self.assertEqual(len(dashboard.charts), 3)
		self.assertEqual(len(dashboard.cards), 4)
		# A field office sees no fund card (they need contributions), and its own offices' charts only.
		user = f.make_user("_t_ef_fo_dash@example.com", ["CTM Field Office"], ("Bangkok",))
		with self.set_user(user):
			with self.assertRaises(frappe.PermissionError):
				ef.fund_received_card()
			offices = {r["field_office"] for r in ef.fund_figures()["by_field_office"]}
			self.assertEqual(offices, {"Bangkok"})

	def test_a_request_walked_through_is_reconciled(self):
		"""Top the fund up, walk one request through the workflow as real users: the engine's
		reconciliation of the exported bundle counts it."""
		make_users()
		f.make_case("_TEF-WALK-CASE", f.OFFICE_A)
		before = self.engine_fund(getdate())
		f.fund_with_available(1000)
		with self.set_user(FO_A):
			doc = f.make_disbursement(
				"_TEF-WALK",
				"_TEF-WALK-CASE",
				f.OFFICE_A,
				ignore_permissions=False,
				amount=700,
				requested_date=getdate(),
				need="Return ticket",
				assessment="Verified",
			)
			apply_workflow(doc, "Assess")
			apply_workflow(frappe.get_doc(DT, doc.name), "Refer to HQ")
		with self.set_user(PM):
			apply_workflow(frappe.get_doc(DT, doc.name), "Approve")
		committed = self.engine_fund(getdate())
		self.assertEqual(committed["committed_usd"] - before["committed_usd"], Decimal("700.00"))
		with self.set_user(FIN):
			paid = frappe.get_doc(DT, doc.name)
			paid.update({"disbursed_date": getdate(), "amount_paid": 650, "payment_reference": "WALK-1"})
			paid.save()
			apply_workflow(frappe.get_doc(DT, doc.name), "Disburse")
		after = self.engine_fund(getdate())
		self.assertEqual(after["committed_usd"], before["committed_usd"])
		self.assertEqual(after["disbursed_usd"] - before["disbursed_usd"], Decimal("650.00"))
		self.assertEqual(after["cases_assisted"], before["cases_assisted"] + 1)
		self.assertEqual(ef.fund_figures()["disbursed_usd"], after["disbursed_usd"])
