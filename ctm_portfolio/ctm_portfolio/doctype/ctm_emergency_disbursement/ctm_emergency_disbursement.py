# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

"""A request to the global emergency fund for one case and one assistance type.

The workflow "CTM Emergency Disbursement" (fixtures) moves it; this controller keeps the bundle's
``status`` in step with the workflow state, enforces on the server what the desk shows (each step
and each edit only for its role, a reason to reject, what finance records), and guards the fund
(see :mod:`ctm_portfolio.ctm_portfolio.emergency_fund`).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.naming import make_autoname
from frappe.model.workflow import get_workflow_name
from frappe.utils import cint, getdate, now_datetime

from ctm_portfolio.ctm_portfolio import emergency_fund as ef
from ctm_portfolio.ctm_portfolio.doc_bundle import SKIP_FLAG, validate_document
from ctm_portfolio.ctm_portfolio.permissions import is_office_restricted

NAMING = "ED-.YYYY.-.#####"
# What a user types; editing it needs the role that may edit the request in its current state.
USER_FIELDS = (
	"case_id",
	"field_office",
	"assistance_type",
	"currency",
	"amount",
	"requested_date",
	"need",
	"assessment",
	"implementing_partner",
	"rejection_reason",
	"disbursed_date",
	"amount_paid",
	"payment_reference",
)
# What the workflow records: a new request (an amendment too) has none of it.
DECISION_FIELDS = (
	"referred_on",
	"decided_on",
	"decided_by",
	"decision_time",
	"approved_amount",
	"rejection_reason",
	"disbursed_date",
	"amount_paid",
	"payment_reference",
	"possible_duplicate",
	"duplicate_of",
)
# What the server records, never a user: kept as they were unless a step of the workflow sets them.
RECORDED_FIELDS = (
	"requested_by",
	"referred_on",
	"decided_on",
	"decided_by",
	"decision_time",
	"approved_amount",
)
# Fixed once the request is disbursed (cancel and amend it to correct them).
PAID_FIELDS = ("amount", "amount_paid", "disbursed_date")
OVERRIDE_ROLES = frozenset({"System Manager"})


class CTMEmergencyDisbursement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		amount: DF.Currency
		amount_paid: DF.Currency
		approved_amount: DF.Currency
		assessment: DF.Text | None
		assistance_type: DF.Literal[
			"",
			"protection",
			"shelter",
			"medical",
			"psychosocial",
			"legal",
			"return",
			"reintegration",
			"education",
			"livelihood",
		]
		case_id: DF.Link
		currency: DF.Link
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		decision_time: DF.Duration | None
		disbursed_date: DF.Date | None
		disbursement_id: DF.Data | None
		duplicate_of: DF.Link | None
		field_office: DF.Link
		implementing_partner: DF.Data | None
		need: DF.SmallText | None
		payment_reference: DF.Data | None
		possible_duplicate: DF.Check
		referred_on: DF.Datetime | None
		rejection_reason: DF.SmallText | None
		requested_by: DF.Link | None
		requested_date: DF.Date
		status: DF.Literal["Requested", "Approved", "Disbursed", "Rejected"]
		workflow_state: DF.Link | None
	# end: auto-generated types

	# -- the fund's lock comes first ------------------------------------------------------

	def save(self, *args, **kwargs):
		"""Lock the emergency fund's row before Frappe locks this document's (check_if_latest):
		every approval and disbursement takes the two locks in this order, so two of them never
		wait for each other crosswise."""
		if self.counts_against_fund() and not self.flags.get(SKIP_FLAG):
			ef.lock_fund()
		return super().save(*args, **kwargs)

	def counts_against_fund(self) -> bool:
		return cint(self.docstatus) == 1 and self.workflow_state in (ef.APPROVED, ef.DISBURSED)

	# -- before saving ----------------------------------------------------------------------

	def before_insert(self):
		if not self.disbursement_id:
			self.disbursement_id = make_autoname(NAMING, doc=self)
		if not self.requested_by and frappe.session.user not in ("Administrator", "Guest"):
			self.requested_by = frappe.session.user
		if self.uses_workflow():
			# A request (an amendment too) starts as a draft, with no decision and no payment.
			self.workflow_state = ef.DRAFT
			for fieldname in DECISION_FIELDS:
				self.set(fieldname, None)

	def before_validate(self):
		if not self.uses_workflow():
			return
		if not self.workflow_state and cint(self.docstatus) == 0:
			self.workflow_state = ef.DRAFT
		self.sync_status()

	def validate(self):
		if self.uses_workflow():
			before = self.get_doc_before_save()
			self.keep_recorded_fields(before)
			self.check_edit_rights(before)
			self.check_case()
			# A step of the workflow (a new request is a draft: see before_insert).
			if before is not None and before.workflow_state != self.workflow_state:
				self.on_transition(before.workflow_state)
		validate_document(self)

	def before_submit(self):
		if self.uses_workflow() and self.workflow_state not in ef.DECIDED_STATES:
			frappe.throw(
				_("A request is submitted by its decision: use the workflow actions Approve or Reject"),
				frappe.ValidationError,
				title=_("Not allowed"),
			)

	def before_update_after_submit(self):
		if self.uses_workflow():
			before = self.get_doc_before_save()
			self.sync_status()
			self.keep_recorded_fields(before)
			self.check_edit_rights(before)
			old_state = before.workflow_state if before else None
			if old_state == ef.APPROVED and self.workflow_state == ef.DISBURSED:
				self.on_disburse()
			elif before and old_state == self.workflow_state:
				self.check_paid_fields(before)
		validate_document(self)

	def before_cancel(self):
		if not self.uses_workflow():
			return
		before = self.get_doc_before_save()
		state = before.workflow_state if before else None
		if not self.may_move(state, ef.CANCELLED):
			frappe.throw(
				_("You may not cancel a request that is {0}").format(_(state or "")),
				frappe.PermissionError,
				title=_("Not allowed"),
			)
		self.workflow_state = ef.CANCELLED

	def on_trash(self):
		if cint(self.docstatus) == 2:
			frappe.throw(
				_("A cancelled request is kept as the history of its amendments: it cannot be deleted"),
				frappe.ValidationError,
				title=_("Not allowed"),
			)

	# -- after saving -----------------------------------------------------------------------

	def on_update(self):
		self.refresh_duplicate_flags()

	def on_update_after_submit(self):
		self.refresh_duplicate_flags()

	def on_cancel(self):
		self.refresh_duplicate_flags()

	def after_delete(self):
		ef.refresh_duplicates([self.case_id])

	def refresh_duplicate_flags(self):
		before = self.get_doc_before_save()
		cases = {self.case_id, before.case_id if before else None}
		wanted = ef.refresh_duplicates(cases)
		self.duplicate_of = wanted.get(self.name)
		self.possible_duplicate = 1 if self.duplicate_of else 0

	# -- the workflow -------------------------------------------------------------------------

	def uses_workflow(self) -> bool:
		return bool(get_workflow_name(self.doctype))

	def sync_status(self):
		"""The bundle's status follows the workflow state."""
		if self.workflow_state in ef.STATUS_OF_STATE:
			self.status = ef.STATUS_OF_STATE[self.workflow_state]

	def workflow(self):
		return frappe.get_cached_doc("Workflow", get_workflow_name(self.doctype))

	def may_move(self, state: str | None, next_state: str) -> bool:
		"""Whether the session user holds the role of a transition from ``state`` to ``next_state``."""
		roles = set(frappe.get_roles())
		if roles & OVERRIDE_ROLES:
			return True
		return any(
			t.state == state and t.next_state == next_state and t.allowed in roles
			for t in self.workflow().transitions
		)

	def keep_recorded_fields(self, before) -> None:
		"""The requester, the referral, the decision: recorded by the server, not sent by a user."""
		if before is None or self.flags.get(SKIP_FLAG):
			return
		for fieldname in RECORDED_FIELDS:
			self.set(fieldname, before.get(fieldname))

	def check_edit_rights(self, before) -> None:
		"""Changing what a user types needs the role allowed to edit the request in its state
		(the desk makes the form read-only for the others; this holds on every path)."""
		if before is None or self.flags.get(SKIP_FLAG):
			return
		changed = [f for f in USER_FIELDS if _differs(self.get(f), before.get(f))]
		if not changed:
			return
		roles = set(frappe.get_roles())
		if roles & OVERRIDE_ROLES:
			return
		state = before.workflow_state
		editors = {s.allow_edit for s in self.workflow().states if s.state == state}
		if not roles & editors:
			frappe.throw(
				_("A request that is {0} may be edited by {1} only (you changed: {2})").format(
					_(state or ""),
					", ".join(_(r) for r in sorted(editors)) or _("nobody"),
					", ".join(_(self.meta.get_label(f)) for f in changed),
				),
				frappe.PermissionError,
				title=_("Not allowed"),
			)

	def check_case(self) -> None:
		"""A field-office user files requests for the cases of their own offices."""
		before = self.get_doc_before_save()
		if before is not None and before.case_id == self.case_id:
			return
		if self.case_id and is_office_restricted() and frappe.db.exists("CTM Case", self.case_id):
			if not frappe.has_permission("CTM Case", "read", doc=self.case_id):
				frappe.throw(
					_("Case {0} is not a case of your field office").format(self.case_id),
					frappe.PermissionError,
					title=_("Not allowed"),
				)

	def on_transition(self, old_state: str | None) -> None:
		state = self.workflow_state
		if state == ef.ASSESSED:
			missing = [
				_(self.meta.get_label(f)) for f in ("need", "assessment") if not (self.get(f) or "").strip()
			]
			if missing:
				frappe.throw(
					_(
						"The field office states the need and its assessment before assessing: {0} missing"
					).format(", ".join(missing)),
					frappe.MandatoryError,
					title=_("Missing information"),
				)
		elif state == ef.REFERRED:
			self.referred_on = now_datetime()
			self.decided_on = self.decided_by = self.decision_time = None
		elif state == ef.APPROVED:
			self.on_approve()
		elif state == ef.REJECTED:
			if not (self.rejection_reason or "").strip():
				frappe.throw(
					_("A reason is required to reject a request"),
					frappe.MandatoryError,
					title=_("Reason for Rejection"),
				)
			ef.stamp_decision(self)

	def on_approve(self) -> None:
		"""Refuse an approval above a ceiling or beyond what the fund holds; record the decision."""
		if not self.flags.get(SKIP_FLAG):
			ef.check_fund_and_ceilings(self, self.requested_date, ef._decimal(self.amount))
		self.approved_amount = self.amount
		ef.stamp_decision(self)
		if self.possible_duplicate:
			frappe.msgprint(
				_("Approved although case {0} already has a {1} request, {2}").format(
					self.case_id, _(self.assistance_type), self.duplicate_of
				),
				indicator="orange",
				alert=True,
			)

	def on_disburse(self) -> None:
		"""Finance records the date, the amount paid (at most the approved amount) and the payment
		reference; the amount becomes what was paid, valued at the date of payment."""
		missing = [
			_(self.meta.get_label(f))
			for f in ("disbursed_date", "amount_paid", "payment_reference")
			if not self.get(f) or (f == "payment_reference" and not self.get(f).strip())
		]
		if missing:
			frappe.throw(
				_("To disburse, record {0}").format(", ".join(missing)),
				frappe.MandatoryError,
				title=_("Missing information"),
			)
		paid, approved = ef._decimal(self.amount_paid), ef._decimal(self.approved_amount or self.amount)
		if paid <= 0 or paid > approved:
			frappe.throw(
				_("The amount paid must be more than 0 and at most the approved amount, {0} {1}").format(
					ef._money(approved), self.currency
				),
				frappe.ValidationError,
				title=_("Amount paid"),
			)
		if getdate(self.disbursed_date) > getdate():
			frappe.throw(_("The disbursed date cannot be in the future"), title=_("Disbursed Date"))
		if getdate(self.disbursed_date) < getdate(self.requested_date):
			frappe.throw(
				_("The disbursed date cannot be before the requested date"), title=_("Disbursed Date")
			)
		self.amount = self.amount_paid
		if not self.flags.get(SKIP_FLAG):
			ef.check_fund_and_ceilings(self, self.disbursed_date, paid, ceilings=False)

	def check_paid_fields(self, before) -> None:
		"""A submitted request's amount changes only when it is disbursed; a disbursed one's payment
		is fixed."""
		fixed = PAID_FIELDS if before.workflow_state == ef.DISBURSED else ("amount",)
		changed = [f for f in fixed if _differs(self.get(f), before.get(f))]
		if changed:
			frappe.throw(
				_("{0} cannot be changed on a request that is {1}: cancel and amend it").format(
					", ".join(_(self.meta.get_label(f)) for f in changed), _(before.workflow_state)
				),
				frappe.ValidationError,
				title=_("Not allowed"),
			)


def on_doctype_update():
	"""The index the fund guard's locking read goes through, by a name it can force (Frappe names a
	field's own index differently when it creates the table and when it alters it)."""
	frappe.db.add_index(ef.DISBURSEMENT, ["status", "docstatus"], index_name=ef.COUNTED_INDEX)


def _differs(a, b) -> bool:
	if isinstance(a, int | float) or isinstance(b, int | float):
		return ef._decimal(a) != ef._decimal(b)
	if a in (None, "") and b in (None, ""):
		return False
	return str(a) != str(b)
