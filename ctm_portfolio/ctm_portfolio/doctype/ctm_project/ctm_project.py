# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ctm_portfolio.ctm_portfolio.doc_bundle import validate_document


class CTMProject(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ctm_portfolio.ctm_portfolio.doctype.ctm_beneficiary_target.ctm_beneficiary_target import (
			CTMBeneficiaryTarget,
		)
		from ctm_portfolio.ctm_portfolio.doctype.ctm_budget_module.ctm_budget_module import CTMBudgetModule
		from ctm_portfolio.ctm_portfolio.doctype.ctm_project_country.ctm_project_country import (
			CTMProjectCountry,
		)

		countries: DF.TableMultiSelect[CTMProjectCountry]
		currency: DF.Link
		description: DF.SmallText | None
		end_date: DF.Date
		field_office: DF.Link | None
		is_emergency_fund: DF.Check
		modules: DF.Table[CTMBudgetModule]
		programme_manager: DF.Link | None
		project_code: DF.Data
		region: DF.Literal["", "Africa", "Americas and the Caribbean", "Asia", "Europe", "Global"]
		start_date: DF.Date
		status: DF.Literal["Pipeline", "Active", "Suspended", "Closed"]
		targets: DF.Table[CTMBeneficiaryTarget]
		title: DF.Data
		title_language: DF.Literal["en", "fr", "es"]
	# end: auto-generated types

	def validate(self):
		validate_document(self)
