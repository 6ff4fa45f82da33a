# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CTMEmergencyFundSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from ctm_portfolio.ctm_portfolio.doctype.ctm_emergency_fund_ceiling.ctm_emergency_fund_ceiling import (
			CTMEmergencyFundCeiling,
		)
		from frappe.types import DF

		ceiling_per_case_usd: DF.Currency
		ceilings: DF.Table[CTMEmergencyFundCeiling]
		currency: DF.Link | None
		overdue_after_days: DF.Int
	# end: auto-generated types

	def validate(self):
		self.currency = "USD"
		seen = set()
		for row in self.ceilings:
			if row.assistance_type in seen:
				frappe.throw(
					_("Row {0}: assistance type {1} already has a ceiling").format(
						row.idx, _(row.assistance_type)
					),
					title=_("Duplicate ceiling"),
				)
			seen.add(row.assistance_type)
