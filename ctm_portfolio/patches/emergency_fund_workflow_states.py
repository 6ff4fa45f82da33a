"""The emergency fund's workflow on a site that already holds disbursements: each request gets the
docstatus and workflow state of its status (before the workflow fixture would make them all drafts)."""

import frappe

from ctm_portfolio.ctm_portfolio.emergency_fund import DISBURSEMENT, sync_states_from_status


def execute():
	names = frappe.get_all(DISBURSEMENT, filters={"workflow_state": ("is", "not set")}, pluck="name")
	sync_states_from_status(names)
