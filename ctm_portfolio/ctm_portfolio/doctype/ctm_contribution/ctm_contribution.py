# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMContribution(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ctm_portfolio.ctm_portfolio.doctype.ctm_contribution_earmark.ctm_contribution_earmark import (
			CTMContributionEarmark,
		)
		from ctm_portfolio.ctm_portfolio.doctype.ctm_contribution_receipt.ctm_contribution_receipt import (
			CTMContributionReceipt,
		)

		amount: DF.Currency
		contribution_id: DF.Data
		currency: DF.Link
		donor_code: DF.Link
		earmarks: DF.Table[CTMContributionEarmark]
		pledge_date: DF.Date
		project_code: DF.Link
		receipts: DF.Table[CTMContributionReceipt]
		status: DF.Literal["", "Pledged", "Signed", "Cancelled"]
	# end: auto-generated types

	def validate(self):
		validate_document(self)
