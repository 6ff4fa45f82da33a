// Copyright (c) 2026, ctm_portfolio developers and contributors
// For license information, please see license.txt

// The workflow "CTM Emergency Disbursement" moves a request; its actions are in the form's
// Actions menu. Rejecting asks for the reason, disbursing for the payment, before the action runs.

frappe.ui.form.on("CTM Emergency Disbursement", {
	refresh(frm) {
		show_duplicate(frm);
		show_fund_position(frm);
	},

	before_workflow_action(frm) {
		const action = frm.selected_workflow_action;
		if (action === "Reject" && !(frm.doc.rejection_reason || "").trim()) {
			return ask_and_save(frm, __("Reason for Rejection"), [
				{
					fieldname: "rejection_reason",
					fieldtype: "Small Text",
					label: __("Reason for Rejection"),
					reqd: 1,
				},
			]);
		}
		if (action === "Disburse") {
			return ask_and_save(frm, __("Record the Disbursement"), [
				{
					fieldname: "disbursed_date",
					fieldtype: "Date",
					label: __("Disbursed Date"),
					reqd: 1,
					default: frm.doc.disbursed_date || frappe.datetime.get_today(),
				},
				{
					fieldname: "amount_paid",
					fieldtype: "Currency",
					label: __("Amount Paid"),
					options: "currency",
					reqd: 1,
					default: frm.doc.amount_paid || frm.doc.approved_amount || frm.doc.amount,
					description: __("At most the approved amount: {0}", [
						format_currency(
							frm.doc.approved_amount || frm.doc.amount,
							frm.doc.currency
						),
					]),
				},
				{
					fieldname: "payment_reference",
					fieldtype: "Data",
					label: __("Payment Reference"),
					reqd: 1,
					default: frm.doc.payment_reference,
				},
			]);
		}
	},
});

// Ask for the values an action needs, save them in the current state, then let the action run
// (Frappe's apply_workflow reads the request from the database). Closing the dialog runs nothing.
function ask_and_save(frm, title, fields) {
	frappe.dom.unfreeze();
	return new Promise((resolve, reject) => {
		const dialog = new frappe.ui.Dialog({
			title: title,
			fields: fields,
			primary_action_label: __(frm.selected_workflow_action),
			primary_action(values) {
				dialog.hide();
				for (const [fieldname, value] of Object.entries(values)) {
					frm.doc[fieldname] = value;
				}
				frm.dirty();
				frm.save(frm.doc.docstatus === 1 ? "Update" : "Save")
					.then(() => {
						frappe.dom.freeze();
						resolve();
					})
					.catch(reject);
			},
		});
		dialog.show();
	});
}

function show_duplicate(frm) {
	if (frm.doc.possible_duplicate && frm.doc.duplicate_of) {
		frm.set_intro(
			__(
				"Possible duplicate: case {0} already has a {1} request, {2}. Check both before deciding.",
				[frm.doc.case_id, __(frm.doc.assistance_type), frm.doc.duplicate_of]
			),
			"orange"
		);
	} else {
		frm.set_intro("");
	}
}

// For the programme manager and finance: what the fund can still pay, next to this request.
function show_fund_position(frm) {
	if (frm.is_new() || !["Referred to HQ", "Approved"].includes(frm.doc.workflow_state)) return;
	if (!frappe.model.can_read("CTM Contribution")) return;
	frappe
		.xcall("ctm_portfolio.ctm_portfolio.emergency_fund.request_position", {
			name: frm.doc.name,
		})
		.then((position) => {
			if (!position || position.available_usd === null) return;
			const available = flt(position.available_usd);
			const color = available >= flt(position.request_usd) ? "green" : "red";
			frm.dashboard.set_headline(
				__("Emergency fund {0}: {1} available; this request: {2}", [
					position.fund,
					format_currency(available, "USD"),
					format_currency(position.request_usd, "USD"),
				]),
				color
			);
		});
}
