// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

// The emergency fund in USD as of today: what each chart shows follows from its name
// (by month, by field office, by assistance type; see ctm_emergency_fund.py).
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CTM Emergency Fund"] = {
	method: "ctm_portfolio.ctm_portfolio.dashboard_chart_source.ctm_emergency_fund.ctm_emergency_fund.get",
	filters: [],
};
