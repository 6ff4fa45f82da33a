# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMExchangeRate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link
		rate_date: DF.Date
		usd_per_unit: DF.Data
	# end: auto-generated types

	def validate(self):
		if self.usd_per_unit:
			self.usd_per_unit = self.usd_per_unit.strip()
		validate_document(self)
