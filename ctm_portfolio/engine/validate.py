"""Validation of a whole bundle: pydantic models per row, then the cross-file rules.

``validate(raw)`` returns a :class:`~.bundle.Bundle` or raises
:class:`~.errors.BundleInvalid` listing every problem, never just the first.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter, ValidationError

from . import spec
from .bundle import Bundle
from .errors import BundleInvalid, Problem, problem
from .reader import RawBundle, RawFile, from_tables, read_bundle
from .schemas import MODELS, Row

_ADAPTERS = {name: TypeAdapter(list[model]) for name, model in MODELS.items()}


def load_bundle(path) -> Bundle:
	"""Read and validate the bundle at ``path``; raise BundleInvalid with every problem."""
	return validate(read_bundle(path))


def validate_tables(tables: dict[str, list[dict[str, str]]], source: str = "<records>") -> Bundle:
	"""Validate rows of cell texts per file (every rule, cross-file ones included)."""
	return validate(from_tables(tables, source))


def validate(raw: RawBundle) -> Bundle:
	problems: list[Problem] = list(raw.problems)
	rows: dict[str, list[Row]] = {}
	numbers: dict[str, list[int]] = {}
	for name in spec.FILE_ORDER:
		table = raw.files.get(name)
		if table is None or not table.usable:
			rows[name], numbers[name] = [], []
			continue
		rows[name], numbers[name] = _validate_rows(table, problems)

	problems.extend(_cross_file_rules(raw, rows, numbers))
	if problems:
		raise BundleInvalid(problems)
	return Bundle(source=raw.source, rows=rows)


def validate_rows(
	name: str, cells: list[dict[str, str]], first_row: int = 2
) -> tuple[list[Row], list[Problem]]:
	"""Validate rows of one file alone (no cross-file rules); for callers holding single records."""
	problems: list[Problem] = []
	table = RawFile(name=name, header=list(spec.FILES[name].columns), rows=cells)
	table.row_numbers = list(range(first_row, first_row + len(cells)))
	good, _ = _validate_rows(table, problems)
	problems.extend(_row_rules(name, good, list(range(first_row, first_row + len(cells)))))
	return good, problems


def _validate_rows(table: RawFile, problems: list[Problem]) -> tuple[list[Row], list[int]]:
	adapter = _ADAPTERS[table.name]
	try:
		return adapter.validate_python(table.rows), table.row_numbers
	except ValidationError:
		pass  # the slow path below finds each bad row and keeps the good ones
	model = MODELS[table.name]
	good, good_numbers = [], []
	for cells, number in zip(table.rows, table.row_numbers, strict=True):
		try:
			good.append(model.model_validate(cells))
			good_numbers.append(number)
		except ValidationError as error:
			for item in error.errors():
				problems.append(_from_pydantic(table.name, number, item))
	return good, good_numbers


def _from_pydantic(name: str, number: int, item: dict) -> Problem:
	column = str(item["loc"][0]) if item["loc"] else None
	ctx = item.get("ctx") or {}
	if item["type"] == "missing":
		return problem(name, number, column, "a value is required")
	if "template" in ctx:
		params = {k: v for k, v in ctx.items() if k != "template"}
		return Problem(name, number, column, ctx["template"], params)
	return problem(name, number, column, "{error}", error=item["msg"])


def _row_rules(name: str, rows: list[Row], numbers: list[int]) -> list[Problem]:
	"""Rules across the cells of one row that a single field cannot say."""
	found = []
	if name == "disbursements.csv":
		for row, number in zip(rows, numbers, strict=True):
			if row.status == "Disbursed" and row.disbursed_date is None:
				found.append(
					problem(name, number, "disbursed_date", "a disbursed row needs its disbursed date")
				)
	return found


def _cross_file_rules(
	raw: RawBundle, rows: dict[str, list[Row]], numbers: dict[str, list[int]]
) -> list[Problem]:
	found: list[Problem] = []
	for name in spec.FILE_ORDER:
		found.extend(_row_rules(name, rows[name], numbers[name]))
		found.extend(_duplicate_keys(name, rows[name], numbers[name]))

	# Keys that exist, taken from the raw cells so that one bad row does not
	# cascade into broken references elsewhere.
	def keys(name: str, *columns: str) -> set | None:
		"""The keys present in ``name``; None when the file could not be read (no cascade)."""
		if not raw.readable(name):
			return None
		table = raw.files.get(name)
		if table is None:
			return set()
		if len(columns) == 1:
			return {r.get(columns[0]) for r in table.rows}
		return {tuple(r.get(c) for c in columns) for r in table.rows}

	projects = keys("projects.csv", "project_code")
	donors = keys("donors.csv", "donor_code")
	contributions_known = keys("contributions.csv", "contribution_id")
	modules = keys("modules.csv", "project_code", "module")
	project_of = {r.project_code: r for r in rows["projects.csv"]}
	contribution_of = {r.contribution_id: r for r in rows["contributions.csv"]}

	def ref(name: str, number: int, column: str, value, known: set, target: str) -> None:
		if value is not None and known is not None and value not in known:
			found.append(
				problem(name, number, column, "'{value}' is not in {target}", value=value, target=target)
			)

	for name in ("modules.csv", "targets.csv", "contributions.csv", "expenditures.csv", "cases.csv"):
		for row, number in zip(rows[name], numbers[name], strict=True):
			ref(name, number, "project_code", row.project_code, projects, "projects.csv")
	for row, number in zip(rows["contributions.csv"], numbers["contributions.csv"], strict=True):
		ref("contributions.csv", number, "donor_code", row.donor_code, donors, "donors.csv")
	for name in ("earmarks.csv", "receipts.csv", "expenditures.csv"):
		for row, number in zip(rows[name], numbers[name], strict=True):
			ref(
				name, number, "contribution_id", row.contribution_id, contributions_known, "contributions.csv"
			)

	for row, number in zip(rows["earmarks.csv"], numbers["earmarks.csv"], strict=True):
		contribution = contribution_of.get(row.contribution_id)
		if contribution and modules is not None and (contribution.project_code, row.module) not in modules:
			found.append(
				problem(
					"earmarks.csv",
					number,
					"module",
					"module '{module}' is not a module of project {project} in modules.csv",
					module=row.module,
					project=contribution.project_code,
				)
			)
	for row, number in zip(rows["expenditures.csv"], numbers["expenditures.csv"], strict=True):
		if (
			modules is not None
			and row.project_code in (projects or ())
			and (row.project_code, row.module) not in modules
		):
			found.append(
				problem(
					"expenditures.csv",
					number,
					"module",
					"module '{module}' is not a module of project {project} in modules.csv",
					module=row.module,
					project=row.project_code,
				)
			)
		contribution = contribution_of.get(row.contribution_id) if row.contribution_id else None
		if contribution and contribution.project_code != row.project_code:
			found.append(
				problem(
					"expenditures.csv",
					number,
					"contribution_id",
					"contribution {contribution} funds project {funded}, not {project}",
					contribution=row.contribution_id,
					funded=contribution.project_code,
					project=row.project_code,
				)
			)

	found.extend(_earmarks_within_amount(rows, numbers, contribution_of))
	found.extend(_one_emergency_fund(rows, numbers))
	found.extend(_rates_present(rows, numbers, project_of, contribution_of))
	return found


def _duplicate_keys(name: str, rows: list[Row], numbers: list[int]) -> list[Problem]:
	key = spec.FILES[name].key
	if not key:
		return []
	found = []
	first: dict = {}
	for row, number in zip(rows, numbers, strict=True):
		value = tuple(getattr(row, column) for column in key)
		if value in first:
			found.append(
				problem(
					name,
					number,
					key[-1],
					"duplicate {key} '{value}' (first at row {first})",
					key=" + ".join(key),
					value=" / ".join(str(v) for v in value),
					first=first[value],
				)
			)
		else:
			first[value] = number
	return found


def _earmarks_within_amount(rows, numbers, contribution_of) -> list[Problem]:
	total: dict[str, Decimal] = defaultdict(Decimal)
	for row in rows["earmarks.csv"]:
		total[row.contribution_id] += row.amount
	found = []
	for row, number in zip(rows["contributions.csv"], numbers["contributions.csv"], strict=True):
		earmarked = total.get(row.contribution_id)
		if earmarked is not None and earmarked > row.amount:
			found.append(
				problem(
					"contributions.csv",
					number,
					"amount",
					"the earmarks of {contribution} add up to {earmarked}, more than its amount {amount}",
					contribution=row.contribution_id,
					earmarked=f"{earmarked:.2f}",
					amount=f"{row.amount:.2f}",
				)
			)
	return found


def _one_emergency_fund(rows, numbers) -> list[Problem]:
	found, first = [], None
	for row, number in zip(rows["projects.csv"], numbers["projects.csv"], strict=True):
		if not row.is_emergency_fund:
			continue
		if first is None:
			first = row.project_code
		else:
			found.append(
				problem(
					"projects.csv",
					number,
					"is_emergency_fund",
					"only one project may be the emergency fund; {first} already is",
					first=first,
				)
			)
	return found


def _rates_present(rows, numbers, project_of, contribution_of) -> list[Problem]:
	"""Every money row outside USD needs a rate dated on or before its value date."""
	earliest: dict[str, date] = {}
	for row in rows["rates.csv"]:
		if row.currency not in earliest or row.date < earliest[row.currency]:
			earliest[row.currency] = row.date
	found: list[Problem] = []
	for row, number in zip(rows["rates.csv"], numbers["rates.csv"], strict=True):
		if row.currency == "USD" and row.usd_per_unit != 1:
			found.append(problem("rates.csv", number, "usd_per_unit", "the rate of USD is always 1"))

	def need(name, number, column, currency, day) -> None:
		if currency == "USD" or currency is None or day is None:
			return
		first = earliest.get(currency)
		if first is None or day < first:
			found.append(
				problem(
					name,
					number,
					column,
					"no rate for {currency} on or before {day} in rates.csv",
					currency=currency,
					day=day.isoformat(),
				)
			)

	for row, number in zip(rows["modules.csv"], numbers["modules.csv"], strict=True):
		project = project_of.get(row.project_code)
		if project:
			need("modules.csv", number, "budget", project.currency, project.start_date)
	for row, number in zip(rows["contributions.csv"], numbers["contributions.csv"], strict=True):
		need("contributions.csv", number, "currency", row.currency, row.pledge_date)
	for row, number in zip(rows["receipts.csv"], numbers["receipts.csv"], strict=True):
		contribution = contribution_of.get(row.contribution_id)
		if contribution:
			need("receipts.csv", number, "date", contribution.currency, row.date)
	for row, number in zip(rows["expenditures.csv"], numbers["expenditures.csv"], strict=True):
		need("expenditures.csv", number, "currency", row.currency, row.date)
	for row, number in zip(rows["disbursements.csv"], numbers["disbursements.csv"], strict=True):
		need("disbursements.csv", number, "currency", row.currency, row.value_date)
	return found
