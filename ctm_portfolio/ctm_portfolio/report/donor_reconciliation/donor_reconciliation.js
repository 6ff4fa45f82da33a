// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Donor Reconciliation"] = {
	filters: ["as_of", "donor", "region", "project", "field_office"].map(ctm_portfolio.reports.filter),
	tree: true,
	initial_depth: 0,
	formatter: ctm_portfolio.reports.formatter,
};
