# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CTMBeneficiaryTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

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
		beneficiary_group: DF.Literal[
			"", "women", "men", "girls", "boys", "children", "adults", "women_and_children", "all"
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		period_end: DF.Date | None
		period_start: DF.Date | None
		target: DF.Int
	# end: auto-generated types
	pass
