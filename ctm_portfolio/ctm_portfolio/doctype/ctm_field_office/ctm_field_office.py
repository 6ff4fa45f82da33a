# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CTMFieldOffice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		country: DF.Link | None
		office_name: DF.Data
	# end: auto-generated types
	pass
