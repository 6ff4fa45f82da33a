// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Beneficiary Target Attainment"] = {
	filters: [
		...["as_of", "region", "project", "field_office"].map(ctm_portfolio.reports.filter),
		{
			fieldname: "beneficiary_group",
			label: __("Beneficiary Group"),
			fieldtype: "Select",
			options: [{ value: "", label: "" }].concat(
				["women", "men", "girls", "boys", "children", "adults", "women_and_children", "all"].map(
					(value) => ({ value, label: __(value) })
				)
			),
		},
	],
	formatter: ctm_portfolio.reports.formatter,
};
