// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Budget vs Actual by Module"] = {
	filters: ["as_of", "region", "project", "field_office"].map(ctm_portfolio.reports.filter),
	tree: true,
	initial_depth: 0,
	formatter: ctm_portfolio.reports.formatter,
};
