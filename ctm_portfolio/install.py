"""Install and uninstall steps. The roles themselves are fixtures (fixtures/role.json, see hooks)."""

import frappe

from ctm_portfolio.hooks import (
	CTM_ROLES,
	EMERGENCY_WORKFLOW,
	EMERGENCY_WORKFLOW_ACTIONS,
	EMERGENCY_WORKFLOW_STATES,
)

FIELD_OFFICE_DOCTYPE = "CTM Field Office"


def before_uninstall() -> None:
	"""Leave nothing of the app behind: its roles (and who held them), the field-office User Permissions,
	the emergency fund's workflow (with its pending actions, and the states and actions no other
	workflow uses)."""
	frappe.db.delete("User Permission", {"allow": FIELD_OFFICE_DOCTYPE})
	remove_emergency_workflow()
	for role in CTM_ROLES:
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, force=True, ignore_permissions=True)
	frappe.clear_cache()


def remove_emergency_workflow() -> None:
	"""The workflow fixture has no module: uninstall-app would leave it (and its records) behind."""
	doctype = frappe.db.get_value("Workflow", EMERGENCY_WORKFLOW, "document_type")
	if doctype:
		actions = frappe.get_all("Workflow Action", filters={"reference_doctype": doctype}, pluck="name")
		if actions:
			frappe.db.delete("Workflow Action Permitted Role", {"parent": ("in", actions)})
			frappe.db.delete("Workflow Action", {"name": ("in", actions)})
		frappe.delete_doc("Workflow", EMERGENCY_WORKFLOW, force=True, ignore_permissions=True)
	used_states = set(frappe.get_all("Workflow Document State", pluck="state")) | set(
		frappe.get_all("Workflow Transition", pluck="next_state")
	)
	for state in EMERGENCY_WORKFLOW_STATES:
		if state not in used_states and frappe.db.exists("Workflow State", state):
			frappe.delete_doc("Workflow State", state, force=True, ignore_permissions=True)
	used_actions = set(frappe.get_all("Workflow Transition", pluck="action"))
	for action in EMERGENCY_WORKFLOW_ACTIONS:
		if action not in used_actions and frappe.db.exists("Workflow Action Master", action):
			frappe.delete_doc("Workflow Action Master", action, force=True, ignore_permissions=True)
	frappe.cache.hdel("workflow", doctype or "")
