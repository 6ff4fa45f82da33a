"""Pydantic models of the bundle's rows: one model per file, one rule per field.

Every user-facing message is a constant template with ``{placeholders}`` so that
the Frappe layer can translate it (``_(template).format(**params)``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from . import spec
from .iso import COUNTRIES, CURRENCIES

LIST_SEPARATOR = ";"


def invalid(template: str, **params) -> PydanticCustomError:
	"""An error whose message is a translatable template; the template travels in ctx."""
	return PydanticCustomError("ctm", template, {"template": template, **params})


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> date:
	if not _DATE.match(text):
		raise invalid("'{value}' is not a date in the form YYYY-MM-DD", value=text)
	try:
		return date.fromisoformat(text)
	except ValueError:
		raise invalid("'{value}' is not a real calendar date", value=text) from None


def _as_text(value) -> str:
	if not isinstance(value, str):
		raise invalid("expected text, got '{value}'", value=str(value))
	return value


def parse_date(value) -> date:
	if isinstance(value, date):
		return value
	return _parse_date(_as_text(value))


def _decimal_validator(places: int, minimum: str, what: str):
	"""Build a validator of a plain decimal with at most ``places`` places, > 0 or >= 0."""
	plain = re.compile(rf"^[0-9]+(\.[0-9]{{1,{places}}})?$")

	def refuse(text: str) -> PydanticCustomError:
		if text.startswith("-") and _NUMBER.match(text[1:]):
			return invalid("{what} must not be negative: '{value}'", what=what, value=text)
		if _NUMBER.match(text):
			return invalid(
				"{what} has more than {places} decimal places: '{value}'",
				what=what,
				places=places,
				value=text,
			)
		return invalid(
			"'{value}' is not a plain decimal number (digits and one '.', no separators)", value=text
		)

	def parse(text: str) -> Decimal:
		if not plain.match(text):
			raise refuse(text)
		value = Decimal(text)
		if minimum == "gt0" and not value:
			raise invalid("{what} must be greater than 0: '{value}'", what=what, value=text)
		return value

	def validate(value) -> Decimal:
		if isinstance(value, Decimal):
			return parse(format(value, "f"))
		return parse(_as_text(value))

	def cents(texts) -> tuple[np.ndarray, np.ndarray]:
		"""Many texts at once: which are valid, and their value in cents (money only).

		The same rule as ``parse``, without making Decimals: a text this accepts, ``parse``
		accepts with the same value; the rest go through ``parse`` one by one for their message."""
		ok = np.zeros(len(texts), dtype=bool)
		value = np.zeros(len(texts), dtype=np.int64)
		match = plain.match
		for i, text in enumerate(texts):
			if len(text) <= 15 and match(text):  # 15 digits: int64 cents with room to spare
				whole, _, fraction = text.partition(".")
				amount = int(whole) * 100 + (
					int(fraction) * (10 if len(fraction) == 1 else 1) if fraction else 0
				)
				if amount or minimum != "gt0":
					ok[i] = True
					value[i] = amount
		return ok, value

	if places == 2:
		validate.cents = cents
	return PlainValidator(validate)


_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def _vocabulary(words: tuple[str, ...], what: str):
	allowed = frozenset(words)
	expected = ", ".join(words)

	def validate(value) -> str:
		if value in allowed:
			return value
		raise invalid(
			"'{value}' is not a valid {what} (expected one of: {expected})",
			value=str(value),
			what=what,
			expected=expected,
		)

	return PlainValidator(validate)


def _code_validator(codes: frozenset[str], what: str):
	def validate(value) -> str:
		if value in codes:
			return value
		raise invalid("'{value}' is not an {what} code", value=str(value), what=what)

	return PlainValidator(validate)


def _list_validator(words: frozenset[str], what: str):
	@lru_cache(maxsize=65536)
	def parse(text: str) -> tuple[str, ...]:
		items = tuple(part for part in text.split(LIST_SEPARATOR))
		for item in items:
			if item not in words:
				raise invalid("'{value}' in the list is not a valid {what}", value=item, what=what)
		return items

	def validate(value) -> tuple[str, ...]:
		if isinstance(value, (tuple, list)):
			value = LIST_SEPARATOR.join(value)
		return parse(_as_text(value))

	return PlainValidator(validate)


def _integer_validator():
	@lru_cache(maxsize=4096)
	def parse(text: str) -> int:
		if not re.match(r"^-?[0-9]+$", text):
			raise invalid("'{value}' is not a whole number", value=text)
		number = int(text)
		if number <= 0:
			raise invalid("must be a whole number greater than 0: '{value}'", value=text)
		return number

	def validate(value) -> int:
		if isinstance(value, int) and not isinstance(value, bool):
			return parse(str(value))
		return parse(_as_text(value))

	return PlainValidator(validate)


def _flag(value) -> bool:
	if value in ("0", "1"):
		return value == "1"
	if isinstance(value, bool):
		return value
	raise invalid("'{value}' is not 0 or 1", value=str(value))


def _text(value) -> str:
	return _as_text(value)


Text = Annotated[str, PlainValidator(_text)]
Date = Annotated[date, PlainValidator(parse_date)]
Amount = Annotated[Decimal, _decimal_validator(2, "gt0", "amount")]
Budget = Annotated[Decimal, _decimal_validator(2, "ge0", "budget")]
Rate = Annotated[Decimal, _decimal_validator(10, "gt0", "rate")]
PositiveInt = Annotated[int, _integer_validator()]
Flag = Annotated[bool, PlainValidator(_flag)]
Country = Annotated[str, _code_validator(COUNTRIES, "ISO 3166-1 alpha-2 country")]
Currency = Annotated[str, _code_validator(CURRENCIES, "ISO 4217 currency")]
CountryList = Annotated[tuple[str, ...], _list_validator(COUNTRIES, "ISO 3166-1 alpha-2 country code")]
ExploitationList = Annotated[
	tuple[str, ...], _list_validator(frozenset(spec.EXPLOITATION_TYPES), "exploitation")
]
AssistanceList = Annotated[
	tuple[str, ...], _list_validator(frozenset(spec.ASSISTANCE_TYPES), "assistance type")
]
Region = Annotated[str, _vocabulary(spec.REGIONS, "region")]
ProjectStatus = Annotated[str, _vocabulary(spec.PROJECT_STATUSES, "project status")]
DonorType = Annotated[str, _vocabulary(spec.DONOR_TYPES, "donor type")]
ContributionStatus = Annotated[str, _vocabulary(spec.CONTRIBUTION_STATUSES, "contribution status")]
BeneficiaryGroup = Annotated[str, _vocabulary(spec.BENEFICIARY_GROUPS, "beneficiary group")]
Gender = Annotated[str, _vocabulary(spec.GENDERS, "gender")]
AgeGroup = Annotated[str, _vocabulary(spec.AGE_GROUPS, "age group")]
AssistanceType = Annotated[str, _vocabulary(spec.ASSISTANCE_TYPES, "assistance type")]
DisbursementStatus = Annotated[str, _vocabulary(spec.DISBURSEMENT_STATUSES, "disbursement status")]
Language = Annotated[str, _vocabulary(spec.TITLE_LANGUAGES, "title language")]


class Row(BaseModel):
	model_config = ConfigDict(extra="ignore", frozen=True)


class ProjectRow(Row):
	project_code: Text
	title: Text
	title_language: Language = "en"
	region: Region
	countries: CountryList = ()
	field_office: Text | None = None
	start_date: Date
	end_date: Date
	status: ProjectStatus
	currency: Currency
	is_emergency_fund: Flag = False

	@field_validator("end_date")
	@classmethod
	def _end_not_before_start(cls, value: date, info: ValidationInfo) -> date:
		start = info.data.get("start_date")
		if start is not None and value < start:
			raise invalid(
				"end date {value} is before the start date {other}",
				value=value.isoformat(),
				other=start.isoformat(),
			)
		return value


class ModuleRow(Row):
	project_code: Text
	module: Text
	budget: Budget


class TargetRow(Row):
	project_code: Text
	beneficiary_group: BeneficiaryGroup
	assistance_type: AssistanceType | None = None
	target: PositiveInt
	period_start: Date | None = None
	period_end: Date | None = None


class DonorRow(Row):
	donor_code: Text
	name: Text
	donor_type: DonorType
	country: Country | None = None


class ContributionRow(Row):
	contribution_id: Text
	donor_code: Text
	project_code: Text
	currency: Currency
	amount: Amount
	pledge_date: Date
	status: ContributionStatus


class EarmarkRow(Row):
	contribution_id: Text
	module: Text
	amount: Amount


class ReceiptRow(Row):
	receipt_id: Text
	contribution_id: Text
	date: Date
	amount: Amount


class ExpenditureRow(Row):
	expenditure_id: Text
	project_code: Text
	module: Text
	date: Date
	amount: Amount
	currency: Currency
	contribution_id: Text | None = None


class CaseRow(Row):
	case_id: Text
	project_code: Text | None = None
	registration_date: Date
	gender: Gender
	age_group: AgeGroup
	citizenship: Country | None = None
	country_of_assistance: Country
	exploitation: ExploitationList = ()
	assistance: AssistanceList = ()
	route: CountryList = ()
	field_office: Text | None = None


class DisbursementRow(Row):
	disbursement_id: Text
	case_id: Text
	field_office: Text
	assistance_type: AssistanceType
	amount: Amount
	currency: Currency
	requested_date: Date
	status: DisbursementStatus
	disbursed_date: Date | None = None

	@property
	def value_date(self) -> date:
		if self.status == "Disbursed" and self.disbursed_date is not None:
			return self.disbursed_date
		return self.requested_date


class RateRow(Row):
	currency: Currency
	date: Date
	usd_per_unit: Rate


MODELS: dict[str, type[Row]] = {
	"projects.csv": ProjectRow,
	"modules.csv": ModuleRow,
	"targets.csv": TargetRow,
	"donors.csv": DonorRow,
	"contributions.csv": ContributionRow,
	"earmarks.csv": EarmarkRow,
	"receipts.csv": ReceiptRow,
	"expenditures.csv": ExpenditureRow,
	"cases.csv": CaseRow,
	"disbursements.csv": DisbursementRow,
	"rates.csv": RateRow,
}
