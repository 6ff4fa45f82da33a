// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Reconciliation Findings"] = {
	filters: [
		ctm_portfolio.reports.filter("as_of"),
		ctm_portfolio.reports.filter("code"),
		{
			fieldname: "severity",
			label: __("Severity"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "error", label: __("Error") },
				{ value: "warning", label: __("Warning") },
			],
		},
		...["region", "project", "donor", "field_office"].map(ctm_portfolio.reports.filter),
	],
	formatter(value, row, column, data, default_formatter) {
		value = ctm_portfolio.reports.formatter(value, row, column, data, default_formatter);
		if (column.fieldname === "severity" && data) {
			const colour = data.severity_key === "error" ? "red" : "orange";
			value = `<span class="indicator-pill ${colour}">${value}</span>`;
		}
		return value;
	},
};
