// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

// A possible duplicate (a second live request for the same case and assistance type) is flagged
// before its case: the case is the first column after the status, shown on every screen width.
frappe.listview_settings["CTM Emergency Disbursement"] = {
	add_fields: [
		"workflow_state",
		"status",
		"possible_duplicate",
		"duplicate_of",
		"assistance_type",
	],
	formatters: {
		case_id(value, df, doc) {
			const html = frappe.utils.escape_html(value || "");
			if (!cint(doc.possible_duplicate)) return html;
			const title = __("Case {0} already has a {1} request: {2}", [
				value,
				__(doc.assistance_type || ""),
				doc.duplicate_of || "",
			]);
			return `<span class="indicator-pill orange" title="${frappe.utils.escape_html(
				title
			)}">${__("Duplicate")}</span> ${html}`;
		},
	},
};
