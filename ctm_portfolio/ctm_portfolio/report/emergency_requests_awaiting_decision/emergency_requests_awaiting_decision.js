// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Emergency Requests Awaiting Decision"] = {
	filters: [
		{
			fieldname: "older_than_days",
			label: __("Waiting Longer Than (Days)"),
			fieldtype: "Int",
			description: __(
				"Empty: the days after which a request is overdue (CTM Emergency Fund Settings)"
			),
		},
		...["field_office", "assistance_type"].map(ctm_portfolio.reports.filter),
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_waiting" && data && data.overdue) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
