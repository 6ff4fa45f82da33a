# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CTMEmergencyFundCeiling(Document):
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
		ceiling_usd: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
