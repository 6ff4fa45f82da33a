# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMEmergencyDisbursement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		assistance_type: DF.Literal[
			"",
			"protection",
			"shelter",
			"medical",
			"psychosocial",
			"legal",
			"return",
			"reintegration",
			"education",
			"livelihood",
		]
		case_id: DF.Link
		currency: DF.Link
		disbursed_date: DF.Date | None
		disbursement_id: DF.Data
		field_office: DF.Link
		requested_date: DF.Date
		status: DF.Literal["Requested", "Approved", "Disbursed", "Rejected"]
	# end: auto-generated types

	def validate(self):
		validate_document(self)
