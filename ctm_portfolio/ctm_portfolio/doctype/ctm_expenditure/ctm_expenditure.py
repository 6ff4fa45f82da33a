# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMExpenditure(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		contribution_id: DF.Link | None
		currency: DF.Link
		expenditure_date: DF.Date
		expenditure_id: DF.Data
		module: DF.Data
		project_code: DF.Link
	# end: auto-generated types

	def validate(self):
		validate_document(self)
