"""Records for the Frappe tests: a small valid portfolio that each test bends one way.

``new_*`` returns an unsaved document, ``make_*`` inserts it (as the current user, with
``ignore_permissions`` unless asked otherwise). Codes are prefixed ``_T`` so that test
records never meet real ones; every test class runs inside a transaction that Frappe's
FrappeTestCase rolls back.
"""

from __future__ import annotations

import frappe

OFFICE_A = "_T Office Kathmandu"
OFFICE_B = "_T Office Dhaka"


def _insert(doc, ignore_permissions=True):
	doc.insert(ignore_permissions=ignore_permissions)
	return doc


def make_office(name: str = OFFICE_A, country: str = "Nepal"):
	if frappe.db.exists("CTM Field Office", name):
		return frappe.get_doc("CTM Field Office", name)
	return _insert(frappe.get_doc({"doctype": "CTM Field Office", "office_name": name, "country": country}))


def make_rate(currency: str = "EUR", rate_date: str = "2000-01-01", usd_per_unit: str = "1.1"):
	name = f"{currency}-{rate_date}"
	if frappe.db.exists("CTM Exchange Rate", name):
		return frappe.get_doc("CTM Exchange Rate", name)
	return _insert(new_rate(currency, rate_date, usd_per_unit))


def new_rate(currency: str = "EUR", rate_date: str = "2000-01-01", usd_per_unit: str = "1.1"):
	return frappe.get_doc(
		{
			"doctype": "CTM Exchange Rate",
			"currency": currency,
			"rate_date": rate_date,
			"usd_per_unit": usd_per_unit,
		}
	)


def new_project(code: str = "_TP1", **values):
	doc = {
		"doctype": "CTM Project",
		"project_code": code,
		"title": "Return and reintegration",
		"region": "Asia",
		"countries": [{"country": "Nepal"}, {"country": "India"}],
		"start_date": "2003-01-01",
		"end_date": "2005-12-31",
		"status": "Active",
		"currency": "USD",
		"modules": [{"module": "M1", "budget": 1000}, {"module": "M2", "budget": 1000}],
		"targets": [{"beneficiary_group": "women", "target": 10}],
	}
	doc.update(values)
	return frappe.get_doc(doc)


def make_project(code: str = "_TP1", **values):
	return _insert(new_project(code, **values))


def new_donor(code: str = "_TD1", **values):
	return frappe.get_doc(
		{
			"doctype": "CTM Donor",
			"donor_code": code,
			"donor_name": "Donor one",
			"donor_type": "Government",
			"country": "Netherlands",
			**values,
		}
	)


def make_donor(code: str = "_TD1", **values):
	if frappe.db.exists("CTM Donor", code):
		return frappe.get_doc("CTM Donor", code)
	return _insert(new_donor(code, **values))


def new_contribution(cid: str = "_TC1", project: str = "_TP1", donor: str = "_TD1", **values):
	doc = {
		"doctype": "CTM Contribution",
		"contribution_id": cid,
		"donor_code": donor,
		"project_code": project,
		"currency": "USD",
		"amount": 2000,
		"pledge_date": "2003-01-15",
		"status": "Signed",
		"earmarks": [{"module": "M1", "amount": 500}],
		"receipts": [{"receipt_id": f"{cid}-R1", "receipt_date": "2003-02-01", "amount": 1000}],
	}
	doc.update(values)
	return frappe.get_doc(doc)


def make_contribution(cid: str = "_TC1", project: str = "_TP1", donor: str = "_TD1", **values):
	return _insert(new_contribution(cid, project, donor, **values))


def new_expenditure(eid: str = "_TE1", project: str = "_TP1", **values):
	doc = {
		"doctype": "CTM Expenditure",
		"expenditure_id": eid,
		"project_code": project,
		"module": "M1",
		"expenditure_date": "2003-06-01",
		"amount": 100,
		"currency": "USD",
	}
	doc.update(values)
	return frappe.get_doc(doc)


def make_expenditure(eid: str = "_TE1", project: str = "_TP1", **values):
	return _insert(new_expenditure(eid, project, **values))


def new_case(case_id: str = "_TCASE1", office: str | None = OFFICE_A, **values):
	doc = {
		"doctype": "CTM Case",
		"case_id": case_id,
		"field_office": office,
		"registration_date": "2003-03-01",
		"gender": "female",
		"age_group": "adult",
		"citizenship": "Nepal",
		"country_of_assistance": "India",
		"exploitation": "sexual_exploitation",
		"assistance": "shelter;medical",
		"route": "NP;IN",
	}
	doc.update(values)
	return frappe.get_doc(doc)


def make_case(case_id: str = "_TCASE1", office: str | None = OFFICE_A, ignore_permissions=True, **values):
	return _insert(new_case(case_id, office, **values), ignore_permissions)


def new_disbursement(did: str = "_TDIS1", case_id: str = "_TCASE1", office: str = OFFICE_A, **values):
	doc = {
		"doctype": "CTM Emergency Disbursement",
		"disbursement_id": did,
		"case_id": case_id,
		"field_office": office,
		"assistance_type": "shelter",
		"amount": 250,
		"currency": "USD",
		"requested_date": "2003-04-01",
		"status": "Requested",
	}
	doc.update(values)
	return frappe.get_doc(doc)


def make_disbursement(
	did: str = "_TDIS1", case_id: str = "_TCASE1", office: str = OFFICE_A, ignore_permissions=True, **values
):
	"""A request filed as a draft; with a ``status`` other than Requested, then put in that state
	as a bundle import does (:func:`set_disbursement_state`: no workflow, no guard)."""
	status = values.pop("status", "Requested")
	# What the workflow records (a new request starts without it): set with the state.
	recorded = {k: values.pop(k) for k in WORKFLOW_RECORDED if k in values}
	doc = _insert(new_disbursement(did, case_id, office, **values), ignore_permissions)
	if status != "Requested" or recorded:
		doc = set_disbursement_state(doc.name, status, **recorded)
	return doc


WORKFLOW_RECORDED = (
	"disbursed_date",
	"amount_paid",
	"payment_reference",
	"approved_amount",
	"rejection_reason",
	"referred_on",
	"decided_on",
	"decided_by",
	"decision_time",
)


def set_disbursement_state(name: str, status: str, **values):
	"""Give a request ``status`` (and ``values``) and the docstatus and workflow state that go with it,
	in SQL, as the bundle import does."""
	from ctm_portfolio.ctm_portfolio.emergency_fund import sync_states_from_status

	frappe.db.set_value(DISBURSEMENT, name, {"status": status, **values}, update_modified=False)
	sync_states_from_status([name])
	return frappe.get_doc(DISBURSEMENT, name)


DISBURSEMENT = "CTM Emergency Disbursement"
FUND = "_TFUND"
FUND_DONOR = "_TD-FUND"


def fund_with_available(available) -> str:
	"""Make the site's emergency fund (a test project when there is none) have ``available`` USD for
	an approval (up to a cent more: amounts have cents, the fund's exact figures need not), by a
	receipt of a test contribution or a test approved request. Returns the fund's project code."""
	from decimal import ROUND_CEILING, Decimal

	from ctm_portfolio.ctm_portfolio.emergency_fund import fund_position, fund_project

	fund = fund_project()
	if not fund:
		fund = make_project(
			FUND, is_emergency_fund=1, region="Global", modules=[{"module": "M1", "budget": 1000}], targets=[]
		).name
	need = (Decimal(str(available)) - fund_position().available).quantize(
		Decimal("0.01"), rounding=ROUND_CEILING
	)
	number = frappe.db.count("CTM Contribution", {"name": ("like", "_TC-FUND-%")}) + 1
	if need > 0:
		make_donor(FUND_DONOR)
		make_contribution(
			f"_TC-FUND-{number}",
			fund,
			FUND_DONOR,
			amount=need,
			earmarks=[],
			receipts=[{"receipt_id": f"_TC-FUND-{number}-R1", "receipt_date": "2003-02-01", "amount": need}],
		)
	elif need < 0:
		if not frappe.db.exists("CTM Case", "_TCASE-FUND"):
			make_office(OFFICE_A)
			make_case("_TCASE-FUND", OFFICE_A)
		make_disbursement(f"_TDIS-FUND-{number}", "_TCASE-FUND", OFFICE_A, amount=-need, status="Approved")
	return fund


def set_fund_settings(overdue_after_days: int = 3, per_case: str | int = 0, ceilings: dict | None = None):
	"""CTM Emergency Fund Settings: the overdue days, the ceiling per case and per assistance type (USD)."""
	settings = frappe.get_single("CTM Emergency Fund Settings")
	settings.overdue_after_days = overdue_after_days
	settings.ceiling_per_case_usd = per_case
	settings.set("ceilings", [{"assistance_type": t, "ceiling_usd": c} for t, c in (ceilings or {}).items()])
	settings.save(ignore_permissions=True)
	return settings


def make_user(email: str, roles: list[str], offices: tuple[str, ...] = ()) -> str:
	"""A desk user with ``roles`` and a User Permission for each field office in ``offices``."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.flags.ignore_permissions = True
	user.add_roles(*roles)
	for office in offices:
		if not frappe.db.exists(
			"User Permission", {"user": email, "allow": "CTM Field Office", "for_value": office}
		):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": email,
					"allow": "CTM Field Office",
					"for_value": office,
					"apply_to_all_doctypes": 1,
				}
			).insert(ignore_permissions=True)
	frappe.clear_cache(user=email)
	return email


ROLES = ("CTM Programme Manager", "CTM Finance Officer", "CTM Field Office", "CTM HQ Reviewer")
RIGHTS = ("read", "write", "create", "delete", "report", "export", "print")


def role_user(role: str) -> str:
	"""A user holding ``role`` only (a field-office user also holds office A)."""
	email = "_t_ctm_" + frappe.scrub(role) + "@example.com"
	offices = ()
	if role == "CTM Field Office":
		make_office(OFFICE_A)
		offices = (OFFICE_A,)
	return make_user(email, [role], offices)


def rights(user: str, doctype: str) -> set[str]:
	"""The DocType-level rights ``user`` has on ``doctype``."""
	return {ptype for ptype in RIGHTS if frappe.has_permission(doctype, ptype, user=user)}


def assert_invalid(test, doc, *fragments: str):
	"""Saving ``doc`` raises CTMValidationError whose message holds every fragment; returns its messages."""
	from ctm_portfolio.ctm_portfolio.doc_bundle import CTMValidationError

	with test.assertRaises(CTMValidationError) as caught:
		doc.insert(ignore_permissions=True) if doc.is_new() else doc.save(ignore_permissions=True)
	text = str(caught.exception)
	for fragment in fragments:
		test.assertIn(fragment, text)
	return caught.exception.messages
