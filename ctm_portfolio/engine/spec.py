"""The portfolio bundle contract (docs: ``portfolio-bundle.md``) as data.

Every file, column and vocabulary of the bundle is declared once, here; the
validators, the reader, the workbook and the Frappe layer all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

REGIONS = ("Africa", "Americas and the Caribbean", "Asia", "Europe", "Global")
PROJECT_STATUSES = ("Pipeline", "Active", "Suspended", "Closed")
DONOR_TYPES = ("Government", "Multilateral", "Private", "Foundation", "Other")
CONTRIBUTION_STATUSES = ("Pledged", "Signed", "Cancelled")
BENEFICIARY_GROUPS = (
	"women",
	"men",
	"girls",
	"boys",
	"children",
	"adults",
	"women_and_children",
	"all",
)
GENDERS = ("female", "male", "other", "unknown")
AGE_GROUPS = ("child", "adult", "unknown")
EXPLOITATION_TYPES = (
	"sexual_exploitation",
	"forced_labour",
	"forced_begging",
	"forced_criminality",
	"forced_marriage",
	"forced_adoption",
	"organ_removal",
	"other",
)
ASSISTANCE_TYPES = (
	"protection",
	"shelter",
	"medical",
	"psychosocial",
	"legal",
	"return",
	"reintegration",
	"education",
	"livelihood",
)
DISBURSEMENT_STATUSES = ("Requested", "Approved", "Disbursed", "Rejected")
TITLE_LANGUAGES = ("en", "fr", "es")

# Columns whose name suggests a person's identity: refused in cases and disbursements.
IDENTITY_COLUMNS = frozenset(
	{
		"name",
		"first_name",
		"last_name",
		"full_name",
		"surname",
		"birth_date",
		"date_of_birth",
		"dob",
		"passport",
		"passport_number",
		"national_id",
		"phone",
		"email",
		"address",
	}
)
PRIVACY_FILES = frozenset({"cases.csv", "disbursements.csv"})


@dataclass(frozen=True)
class FileSpec:
	name: str
	required: tuple[str, ...]
	optional: tuple[str, ...] = ()
	key: tuple[str, ...] = ()
	allow_extra_columns: bool = False

	@property
	def columns(self) -> tuple[str, ...]:
		return self.required + self.optional

	@property
	def stem(self) -> str:
		return self.name.removesuffix(".csv")


FILES: dict[str, FileSpec] = {
	spec.name: spec
	for spec in (
		FileSpec(
			"projects.csv",
			("project_code", "title", "region", "start_date", "end_date", "status", "currency"),
			("title_language", "countries", "field_office", "is_emergency_fund"),
			key=("project_code",),
		),
		FileSpec("modules.csv", ("project_code", "module", "budget"), key=("project_code", "module")),
		FileSpec(
			"targets.csv",
			("project_code", "beneficiary_group", "target"),
			("assistance_type", "period_start", "period_end"),
		),
		FileSpec("donors.csv", ("donor_code", "name", "donor_type"), ("country",), key=("donor_code",)),
		FileSpec(
			"contributions.csv",
			("contribution_id", "donor_code", "project_code", "currency", "amount", "pledge_date", "status"),
			key=("contribution_id",),
		),
		FileSpec("earmarks.csv", ("contribution_id", "module", "amount"), key=("contribution_id", "module")),
		FileSpec("receipts.csv", ("receipt_id", "contribution_id", "date", "amount"), key=("receipt_id",)),
		FileSpec(
			"expenditures.csv",
			("expenditure_id", "project_code", "module", "date", "amount", "currency"),
			("contribution_id",),
			key=("expenditure_id",),
		),
		FileSpec(
			"cases.csv",
			("case_id", "registration_date", "gender", "age_group", "country_of_assistance"),
			# field_office: an optional column this app adds (the contract allows extra columns in
			# cases.csv); it says which field office holds the case, for field-office permissions.
			("project_code", "citizenship", "exploitation", "assistance", "route", "field_office"),
			key=("case_id",),
			allow_extra_columns=True,
		),
		FileSpec(
			"disbursements.csv",
			(
				"disbursement_id",
				"case_id",
				"field_office",
				"assistance_type",
				"amount",
				"currency",
				"requested_date",
				"status",
			),
			("disbursed_date",),
			key=("disbursement_id",),
		),
		FileSpec("rates.csv", ("currency", "date", "usd_per_unit"), key=("currency", "date")),
	)
}
FILE_ORDER: tuple[str, ...] = tuple(FILES)
REQUIRED_FILES = ("projects.csv",)
