// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

// What the CTM Portfolio reports share (included in every desk page by hooks.app_include_js, as
// ERPNext includes its financial statements' helpers). A row's `_routes` maps a column to
// {doctype, name} (a form) or {doctype, filters} (a list).
frappe.provide("ctm_portfolio.reports");
Object.assign(ctm_portfolio.reports, {
	url(route) {
		const slug = frappe.router.slug(route.doctype);
		if (route.name) return `/app/${slug}/${encodeURIComponent(route.name)}`;
		const params = new URLSearchParams();
		for (const [field, value] of Object.entries(route.filters || {})) {
			params.set(field, Array.isArray(value) ? JSON.stringify(value) : value);
		}
		return `/app/${slug}?${params.toString()}`;
	},
	formatter(value, row, column, data, default_formatter) {
		if (value === null || value === undefined) return ""; // not applicable to this row
		if (column.fieldtype === "Data" && typeof value === "string") {
			value = frappe.utils.escape_html(value);
		}
		let shown = default_formatter(value, row, column, data);
		const route = data && data._routes && data._routes[column.fieldname];
		return route && shown ? `<a href="${ctm_portfolio.reports.url(route)}">${shown}</a>` : shown;
	},
	// The contract's vocabularies, from the engine's spec (hooks.boot_session).
	vocabulary(name) {
		return ((frappe.boot && frappe.boot.ctm_portfolio) || {})[name] || [];
	},
	filter(fieldname) {
		const vocabulary = ctm_portfolio.reports.vocabulary;
		return {
			as_of: {
				fieldname,
				label: __("As of"),
				fieldtype: "Date",
				default: frappe.datetime.get_today(),
				reqd: 1,
			},
			region: {
				fieldname,
				label: __("Region"),
				fieldtype: "Select",
				options: ["", ...vocabulary("regions")],
			},
			project: { fieldname, label: __("Project"), fieldtype: "Link", options: "CTM Project" },
			field_office: {
				fieldname,
				label: __("Field Office"),
				fieldtype: "Link",
				options: "CTM Field Office",
			},
			donor: { fieldname, label: __("Donor"), fieldtype: "Link", options: "CTM Donor" },
			assistance_type: {
				fieldname,
				label: __("Assistance Type"),
				fieldtype: "Select",
				options: [{ value: "", label: "" }].concat(
					vocabulary("assistance_types").map((value) => ({ value, label: __(value) }))
				),
			},
			code: {
				fieldname,
				label: __("Code"),
				fieldtype: "Select",
				options: ["", ...vocabulary("finding_codes")],
			},
		}[fieldname];
	},
});
