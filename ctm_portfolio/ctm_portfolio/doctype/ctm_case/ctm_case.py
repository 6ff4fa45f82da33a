# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import normalize_list, validate_document


class CTMCase(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		age_group: DF.Literal["", "child", "adult", "unknown"]
		assistance: DF.SmallText | None
		case_id: DF.Data
		citizenship: DF.Link | None
		country_of_assistance: DF.Link
		exploitation: DF.SmallText | None
		field_office: DF.Link | None
		gender: DF.Literal["", "female", "male", "other", "unknown"]
		project_code: DF.Link | None
		registration_date: DF.Date
		route: DF.SmallText | None
	# end: auto-generated types

	def validate(self):
		normalize_list(self, "exploitation", "assistance")
		normalize_list(self, "route", upper=True)
		validate_document(self)
