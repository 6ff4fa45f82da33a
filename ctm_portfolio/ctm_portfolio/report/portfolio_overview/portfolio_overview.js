// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

frappe.query_reports["Portfolio Overview"] = {
	filters: ["as_of", "region", "project", "field_office"].map(ctm_portfolio.reports.filter),
	tree: true,
	initial_depth: 0,
	formatter: ctm_portfolio.reports.formatter,
	onload(report) {
		// The workbook covers the whole portfolio: offered to those who may read all of it.
		const doctypes = [
			"CTM Project",
			"CTM Donor",
			"CTM Contribution",
			"CTM Expenditure",
			"CTM Case",
			"CTM Emergency Disbursement",
			"CTM Exchange Rate",
		];
		if (!doctypes.every((doctype) => frappe.model.can_read(doctype))) return;
		report.page.add_inner_button(__("Download reconciliation workbook"), () => {
			const as_of = report.get_filter_value("as_of") || frappe.datetime.get_today();
			window.open(
				"/api/method/ctm_portfolio.ctm_portfolio.portfolio_reports.download_workbook?" +
					new URLSearchParams({ as_of }).toString()
			);
		});
	},
};
