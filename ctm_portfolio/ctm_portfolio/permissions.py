"""Field-office restriction of cases and emergency disbursements, by every path.

A *field-office user* has the role CTM Field Office and none of the roles that see the
whole portfolio (CTM Programme Manager, CTM Finance Officer, CTM HQ Reviewer, System
Manager). Their offices are the standard User Permission records that allow
"CTM Field Office" (for all DocTypes, or applicable for the DocType in question).

Such a user sees only the rows whose ``field_office`` is one of their offices; a row
with an empty field_office is not visible to them. This is enforced strictly:

- ``permission_query_conditions`` (hooks): every list query — desk list and report view,
  /api/resource, frappe.client.get_list / get_value, reportview get / get_count / export,
  sidebar group-by counts, link search — gets ``field_office in (<offices>)``;
- ``has_permission`` (hooks): every single-document check — desk form, frappe.client.get,
  /api/resource/<doctype>/<name>, print, attachments, create/write/delete — is denied
  outside their offices;
- ``frappe.client.get_count`` (overridden: Frappe v15 counts without a permission check)
  counts through the permission-checked list query for this app's DocTypes, and
  ``frappe.client.validate_link`` (overridden) does not confirm that another office's case exists;
- sharing (DocShare) would bypass both hooks in Frappe, so a case or disbursement cannot be
  shared with everyone, nor with a field-office user outside their offices;
- the pending actions of the emergency fund's workflow (Workflow Action, listed to every holder
  of the next step's role) name their request: a field-office user sees only those of requests
  of their offices (both hooks, on Workflow Action).
"""

from __future__ import annotations

import frappe
from frappe import _

FIELD_OFFICE_DOCTYPE = "CTM Field Office"
FIELD_OFFICE_ROLE = "CTM Field Office"
OFFICE_DOCTYPES = ("CTM Case", "CTM Emergency Disbursement")
PORTFOLIO_ROLES = frozenset(
	{"CTM Programme Manager", "CTM Finance Officer", "CTM HQ Reviewer", "System Manager"}
)
MODULE = "CTM Portfolio"


def is_office_restricted(user: str | None = None) -> bool:
	"""Whether ``user`` sees only the cases and disbursements of their own field offices."""
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	return FIELD_OFFICE_ROLE in roles and not roles & PORTFOLIO_ROLES


def permitted_offices(user: str | None = None, doctype: str | None = None) -> list[str]:
	"""The field offices ``user`` holds (User Permission records), as they apply to ``doctype``."""
	user = user or frappe.session.user
	offices = frappe.permissions.get_user_permissions(user).get(FIELD_OFFICE_DOCTYPE, [])
	return sorted(
		{
			p.get("doc")
			for p in offices
			if p.get("doc") and (not p.get("applicable_for") or p.get("applicable_for") == doctype)
		}
	)


def office_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of CTM Case and CTM Emergency Disbursement."""
	user = user or frappe.session.user
	if not doctype or not is_office_restricted(user):
		return ""
	offices = permitted_offices(user, doctype)
	if not offices:
		return "1=0"
	values = ", ".join(frappe.db.escape(office) for office in offices)
	return f"`tab{doctype}`.`field_office` in ({values})"


def has_office_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of CTM Case and CTM Emergency Disbursement: deny outside the user's offices.

	Returns False to deny, None to leave the decision to the role permissions (a controller
	hook can only deny).
	"""
	user = user or frappe.session.user
	if not is_office_restricted(user):
		return None
	if doc.get("field_office") and doc.get("field_office") in permitted_offices(user, doc.doctype):
		return None
	return False


def workflow_action_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of Workflow Action: the actions on cases and disbursements
	of the user's offices only (Frappe's own condition, by role, still applies)."""
	user = user or frappe.session.user
	if not is_office_restricted(user):
		return ""
	table = "`tabWorkflow Action`"
	ours = ", ".join(frappe.db.escape(d) for d in OFFICE_DOCTYPES)
	allowed = []
	for office_doctype in OFFICE_DOCTYPES:
		offices = permitted_offices(user, office_doctype)
		if offices:
			values = ", ".join(frappe.db.escape(office) for office in offices)
			allowed.append(
				f"({table}.`reference_doctype` = {frappe.db.escape(office_doctype)} and {table}.`reference_name` in "
				f"(select `name` from `tab{office_doctype}` where `field_office` in ({values})))"
			)
	return f"(ifnull({table}.`reference_doctype`, '') not in ({ours}) {''.join(' or ' + a for a in allowed)})"


def has_workflow_action_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
):
	"""``has_permission`` of Workflow Action: deny an action on another office's case or disbursement."""
	user = user or frappe.session.user
	if doc.get("reference_doctype") not in OFFICE_DOCTYPES or not is_office_restricted(user):
		return None
	office = frappe.db.get_value(doc.reference_doctype, doc.reference_name, "field_office")
	if office and office in permitted_offices(user, doc.reference_doctype):
		return None
	return False


def validate_share(doc, method=None) -> None:
	"""Doc event of DocShare: sharing must not open a case or disbursement beyond the offices."""
	if doc.share_doctype not in OFFICE_DOCTYPES:
		return
	if doc.everyone:
		frappe.throw(
			_("A {0} cannot be shared with everyone: it is visible to its field office only").format(
				_(doc.share_doctype)
			),
			frappe.PermissionError,
		)
	if doc.user and is_office_restricted(doc.user):
		office = frappe.db.get_value(doc.share_doctype, doc.share_name, "field_office")
		if not office or office not in permitted_offices(doc.user, doc.share_doctype):
			frappe.throw(
				_("{0} {1} cannot be shared with {2}: it belongs to a field office they do not hold").format(
					_(doc.share_doctype), doc.share_name, doc.user
				),
				frappe.PermissionError,
			)


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	"""``frappe.client.get_count`` (overridden): permission-checked for this app's DocTypes.

	Frappe v15's own get_count calls ``frappe.db.count`` with no permission check at all;
	for this app's DocTypes the count goes through ``frappe.get_list`` (role permissions,
	User Permissions, permission query conditions). Other DocTypes keep Frappe's behaviour.
	"""
	from frappe.client import get_count as frappe_get_count
	from frappe.utils import get_safe_filters

	if not frappe.db.exists("DocType", doctype) or frappe.get_meta(doctype).module != MODULE:
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=["count(distinct `name`) as count"],
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].count if rows else 0


@frappe.whitelist()
def validate_link(doctype: str, docname: str, fields=None):
	"""``frappe.client.validate_link`` (overridden): a case or disbursement of another field office
	does not exist for a field-office user (Frappe's own check tells any reader that the name exists).
	"""
	from frappe.client import validate_link as frappe_validate_link

	values = frappe_validate_link(doctype, docname, fields)
	if doctype in OFFICE_DOCTYPES and values and values.get("name") and is_office_restricted():
		office = frappe.db.get_value(doctype, values.get("name"), "field_office")
		if not office or office not in permitted_offices(frappe.session.user, doctype):
			return frappe._dict()
	return values
