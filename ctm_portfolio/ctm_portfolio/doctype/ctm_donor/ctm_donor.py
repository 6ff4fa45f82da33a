# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMDonor(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		country: DF.Link | None
		donor_code: DF.Data
		donor_name: DF.Data
		donor_type: DF.Literal["", "Government", "Multilateral", "Private", "Foundation", "Other"]
	# end: auto-generated types

	def validate(self):
		validate_document(self)
