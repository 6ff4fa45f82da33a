"""Install and uninstall steps. The roles themselves are fixtures (fixtures/role.json, see hooks)."""

import frappe

from ctm_portfolio.hooks import CTM_ROLES

FIELD_OFFICE_DOCTYPE = "CTM Field Office"


def before_uninstall() -> None:
	"""Leave nothing of the app behind: its roles (and who held them) and the field-office User Permissions."""
	frappe.db.delete("User Permission", {"allow": FIELD_OFFICE_DOCTYPE})
	for role in CTM_ROLES:
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, force=True, ignore_permissions=True)
	frappe.clear_cache()
