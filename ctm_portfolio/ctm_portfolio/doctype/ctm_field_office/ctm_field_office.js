// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

// frappe.ui.form.on("CTM Field Office", {
// 	refresh(frm) {

// 	},
// });
