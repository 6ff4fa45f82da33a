// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Emergency Fund Reconciliation"] = {
	filters: [
		ctm_portfolio.reports.filter("as_of"),
		{
			fieldname: "view",
			label: __("Show"),
			fieldtype: "Select",
			options: [
				{ value: "Field Office", label: __("By field office") },
				{ value: "Assistance Type", label: __("By assistance type") },
				{ value: "Exceptions", label: __("Unmatched and duplicate disbursements") },
			],
			default: "Field Office",
			reqd: 1,
		},
		ctm_portfolio.reports.filter("field_office"),
		ctm_portfolio.reports.filter("assistance_type"),
	],
	formatter: ctm_portfolio.reports.formatter,
};
