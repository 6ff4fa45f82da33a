"""How the portfolio bundle maps onto the app's DocTypes: one table, used by import,
export, controllers and reports. Pure data: importable without a Frappe site.

Each bundle file maps to a DocType (or a child table of one); ``fields`` maps the
bundle column to the DocType fieldname where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileMap:
	file: str
	doctype: str
	parent: str | None = None  # the parent DocType when this file is a child table
	parentfield: str | None = None  # the child table's fieldname on the parent
	parent_key: str | None = None  # the bundle column naming the parent document
	key: str | None = None  # the bundle column that is the document name
	fields: dict[str, str] = field(default_factory=dict)  # bundle column -> fieldname, where they differ
	countries: tuple[str, ...] = ()  # columns holding ISO alpha-2 codes (stored as Country names)
	country_lists: tuple[str, ...] = ()  # lists of ISO codes kept as a child table of Country links

	def fieldname(self, column: str) -> str:
		return self.fields.get(column, column)


BUNDLE_MAP: dict[str, FileMap] = {
	m.file: m
	for m in (
		FileMap("projects.csv", "CTM Project", key="project_code", country_lists=("countries",)),
		FileMap(
			"modules.csv",
			"CTM Budget Module",
			parent="CTM Project",
			parentfield="modules",
			parent_key="project_code",
		),
		FileMap(
			"targets.csv",
			"CTM Beneficiary Target",
			parent="CTM Project",
			parentfield="targets",
			parent_key="project_code",
		),
		FileMap(
			"donors.csv", "CTM Donor", key="donor_code", fields={"name": "donor_name"}, countries=("country",)
		),
		FileMap("contributions.csv", "CTM Contribution", key="contribution_id"),
		FileMap(
			"earmarks.csv",
			"CTM Contribution Earmark",
			parent="CTM Contribution",
			parentfield="earmarks",
			parent_key="contribution_id",
		),
		FileMap(
			"receipts.csv",
			"CTM Contribution Receipt",
			parent="CTM Contribution",
			parentfield="receipts",
			parent_key="contribution_id",
			fields={"date": "receipt_date"},
		),
		FileMap(
			"expenditures.csv", "CTM Expenditure", key="expenditure_id", fields={"date": "expenditure_date"}
		),
		FileMap(
			"cases.csv",
			"CTM Case",
			key="case_id",
			countries=("citizenship", "country_of_assistance"),
		),
		FileMap("disbursements.csv", "CTM Emergency Disbursement", key="disbursement_id"),
		FileMap("rates.csv", "CTM Exchange Rate", fields={"date": "rate_date"}),
	)
}

# Child table of CTM Project holding its countries (a Table MultiSelect of Country).
PROJECT_COUNTRY_DOCTYPE = "CTM Project Country"
FIELD_OFFICE_DOCTYPE = "CTM Field Office"
