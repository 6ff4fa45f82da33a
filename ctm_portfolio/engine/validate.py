"""Validation of a whole bundle: the pydantic row models' fields on every cell, then
the rules across the cells of a row, then the cross-file rules.

``validate(raw)`` returns a :class:`~.bundle.Bundle` or raises
:class:`~.errors.BundleInvalid` listing every problem, never just the first.

Speed: a cell's validity depends on its text alone, so each column's *distinct*
texts are validated once by the model field's own pydantic validator and the result
is mapped back onto the rows; the rules across rows and files run on pandas columns.
The result is the same as validating each row with ``Model.model_validate`` (a test
holds the two to each other).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from pydantic import PlainValidator, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from . import spec
from .bundle import DATE_COLUMNS, MONEY_COLUMNS, Bundle
from .errors import BundleInvalid, Problem, problem
from .reader import RawBundle, RawFile, from_tables, read_bundle
from .schemas import MODELS, Text


def load_bundle(path) -> Bundle:
	"""Read and validate the bundle at ``path``; raise BundleInvalid with every problem."""
	return validate(read_bundle(path))


def validate_tables(tables: dict[str, list[dict[str, str]]], source: str = "<records>") -> Bundle:
	"""Validate rows of cell texts per file (every rule, cross-file ones included)."""
	return validate(from_tables(tables, source))


@dataclass
class _Checked:
	"""One file after its cells are checked: typed columns, row numbers, rows without problems."""

	name: str
	raw: pd.DataFrame  # cell texts
	typed: pd.DataFrame  # the engine's frame (dates as day ordinals, money as cents)
	numbers: np.ndarray
	ok: np.ndarray  # rows whose every cell is valid

	def where(self, mask) -> tuple[np.ndarray, pd.DataFrame]:
		mask = np.asarray(mask, dtype=bool) & self.ok
		return self.numbers[mask], self.typed[mask]


def validate(raw: RawBundle) -> Bundle:
	problems: list[Problem] = list(raw.problems)
	checked: dict[str, _Checked] = {}
	for name in spec.FILE_ORDER:
		table = raw.files.get(name)
		if table is None or not table.usable:
			table = RawFile(name, [], pd.DataFrame(columns=[]), np.zeros(0, dtype=np.int64))
		checked[name] = _check_cells(table, problems)
	_row_rules(checked, problems)
	_cross_file_rules(raw, checked, problems)
	if problems:
		raise BundleInvalid(problems)
	return Bundle(
		source=raw.source,
		frames={name: c.typed for name, c in checked.items()},
		row_numbers={name: c.numbers for name, c in checked.items()},
	)


# -- cells ---------------------------------------------------------------------------------


def _field_type(annotation):
	"""The field's own type, without the ``| None`` of an optional field."""
	if typing.get_origin(annotation) in (typing.Union, types.UnionType):
		arms = [a for a in typing.get_args(annotation) if a is not type(None)]
		if len(arms) == 1:
			return arms[0]
	return annotation


def _cell_validator(field):
	"""The callable pydantic runs on a cell of this field (None for free text).

	A field whose type is one PlainValidator is validated by that very function (pydantic
	would call it and nothing else); any other type goes through a pydantic TypeAdapter.
	"""
	kind = _field_type(field.annotation)
	if field.metadata:
		kind = typing.Annotated[(kind, *field.metadata)]
	if kind == Text:
		return None
	plain = [m for m in field.metadata if isinstance(m, PlainValidator)]
	if len(field.metadata) == 1 and plain:
		return plain[0].func
	inner = typing.get_args(kind)[1:] if typing.get_origin(kind) is typing.Annotated else ()
	if len(inner) == 1 and isinstance(inner[0], PlainValidator):
		return inner[0].func
	return TypeAdapter(kind).validate_python


_VALIDATORS = {
	(name, column): _cell_validator(field)
	for name, model in MODELS.items()
	for column, field in model.model_fields.items()
}


def from_pydantic(name: str, number: int | None, column: str | None, error: dict) -> Problem:
	"""A Problem from one pydantic error dict; keeps the translatable template."""
	ctx = error.get("ctx") or {}
	if error["type"] == "missing":
		return problem(name, number, column, "a value is required")
	if "template" in ctx:
		return Problem(
			name, number, column, ctx["template"], {k: v for k, v in ctx.items() if k != "template"}
		)
	return problem(name, number, column, "{error}", error=error["msg"])


def _check_cells(table: RawFile, problems: list[Problem]) -> _Checked:
	name = table.name
	model = MODELS[name]
	frame, numbers = table.frame, table.row_numbers
	rows = len(frame)
	bad = np.zeros(rows, dtype=bool)
	typed: dict[str, np.ndarray] = {}
	for column, field in model.model_fields.items():
		if column in frame.columns:
			values = frame[column].to_numpy(dtype=object)
		else:
			values = np.full(rows, "", dtype=object)
		required = field.is_required()
		default = None if required else field.default
		validator = _VALIDATORS[(name, column)]
		if validator is None:  # free text: only "given or not"
			empty = values == ""
			out = values.copy()
			out[empty] = default
			typed[column] = out
			if required and empty.any():
				for number in numbers[empty]:
					problems.append(problem(name, int(number), column, "a value is required"))
				bad |= empty
			continue
		# Each distinct text once: ``codes`` points every row at its text in ``texts``.
		codes, texts = pd.factorize(values)
		out = _frame_values(column, len(texts))
		wrong: dict[int, Problem] = {}
		empty_code = -1
		store = _STORE.get(column)
		vector = getattr(validator, "cents", None) if column in MONEY_COLUMNS else None
		done = np.zeros(len(texts), dtype=bool)
		if vector is not None and len(texts):
			done, cents = vector(texts)
			out[done] = cents[done]
		for i in np.flatnonzero(~done):
			text = texts[i]
			if text == "":
				empty_code = i
				out[i] = _frame_value(column, default)
				continue
			try:
				value = validator(text)
				out[i] = value if store is None else store(value)
			except PydanticCustomError as error:
				wrong[i] = _custom(name, column, error)
				out[i] = _frame_value(column, default)
			except ValidationError as error:
				wrong[i] = from_pydantic(name, None, column, error.errors()[0])
				out[i] = _frame_value(column, default)
		typed[column] = out[codes] if rows else out[:0]
		if required and empty_code >= 0:
			empty = codes == empty_code
			for number in numbers[empty]:
				problems.append(problem(name, int(number), column, "a value is required"))
			bad |= empty
		if wrong:
			invalid = np.isin(codes, list(wrong))
			for code, number in zip(codes[invalid], numbers[invalid], strict=True):
				p = wrong[code]
				problems.append(Problem(name, int(number), column, p.template, p.params))
			bad |= invalid
	frame_out = pd.DataFrame(
		{(f"{c}_cents" if c in MONEY_COLUMNS else c): pd.Series(v, dtype=v.dtype) for c, v in typed.items()},
		index=pd.RangeIndex(rows),
	)
	return _Checked(name, frame, frame_out, numbers, ~bad)


def _custom(name: str, column: str, error: PydanticCustomError) -> Problem:
	context = dict(error.context or {})
	template = context.pop("template", None)
	if template is None:
		return problem(name, None, column, "{error}", error=error.message())
	return Problem(name, None, column, template, context)


def _frame_values(column: str, size: int) -> np.ndarray:
	if column in MONEY_COLUMNS or column in DATE_COLUMNS:
		return np.zeros(size, dtype=np.int64)
	return np.empty(size, dtype=object)


def _cents(value) -> int:
	return int(value.scaleb(2))


def _day(value) -> int:
	return value.toordinal()


# How a valid cell's value is stored in the engine's frames, by column.
_STORE = {c: _cents for c in MONEY_COLUMNS} | {c: _day for c in DATE_COLUMNS}


def _frame_value(column: str, value):
	"""A cell's value as the engine's frames hold it: cents for money, day ordinals for dates."""
	if column in MONEY_COLUMNS:
		return int(value.scaleb(2)) if value is not None else 0
	if column in DATE_COLUMNS:
		return value.toordinal() if isinstance(value, date) else -1
	return value


# -- rules across the cells of a row -----------------------------------------------------


def _row_rules(checked: dict[str, _Checked], problems: list[Problem]) -> None:
	projects = checked["projects.csv"]
	numbers, frame = projects.where(projects.typed["end_date"] < projects.typed["start_date"])
	for number, start, end in zip(numbers, frame["start_date"], frame["end_date"], strict=True):
		problems.append(
			problem(
				"projects.csv",
				int(number),
				"end_date",
				"end date {value} is before the start date {other}",
				value=date.fromordinal(int(end)).isoformat(),
				other=date.fromordinal(int(start)).isoformat(),
			)
		)
	d = checked["disbursements.csv"]
	numbers, _ = d.where((d.typed["status"] == "Disbursed") & (d.typed["disbursed_date"] < 0))
	for number in numbers:
		problems.append(
			problem(
				"disbursements.csv", int(number), "disbursed_date", "a disbursed row needs its disbursed date"
			)
		)


# -- rules across files ----------------------------------------------------------------------


def _cross_file_rules(raw: RawBundle, checked: dict[str, _Checked], problems: list[Problem]) -> None:
	for name in spec.FILE_ORDER:
		_duplicate_keys(checked[name], problems)

	def keys(name: str, *columns: str) -> set | None:
		"""Keys present in ``name`` (from the cell texts, so that one bad row does not cascade
		into broken references elsewhere); None when the file could not be read."""
		if not raw.readable(name):
			return None
		frame = checked[name].raw
		if any(c not in frame.columns for c in columns):
			return set()
		if len(columns) == 1:
			return set(frame[columns[0]])
		return set(_pair(frame[columns[0]], frame[columns[1]]))

	projects = keys("projects.csv", "project_code")
	modules = keys("modules.csv", "project_code", "module")

	def refs(name: str, column: str, known: set | None, target: str) -> None:
		if known is None:
			return
		c = checked[name]
		values = c.typed[column]
		numbers, frame = c.where(values.notna() & ~values.isin(known))
		for number, value in zip(numbers, frame[column], strict=True):
			problems.append(
				problem(name, int(number), column, "'{value}' is not in {target}", value=value, target=target)
			)

	for name in ("modules.csv", "targets.csv", "contributions.csv", "expenditures.csv", "cases.csv"):
		refs(name, "project_code", projects, "projects.csv")
	refs("contributions.csv", "donor_code", keys("donors.csv", "donor_code"), "donors.csv")
	contributions_known = keys("contributions.csv", "contribution_id")
	for name in ("earmarks.csv", "receipts.csv", "expenditures.csv"):
		refs(name, "contribution_id", contributions_known, "contributions.csv")

	contributions = checked["contributions.csv"]
	live = contributions.typed[contributions.ok]
	project_of = pd.Series(live["project_code"].to_numpy(), index=live["contribution_id"].to_numpy())

	def module_of_project(name: str, project: pd.Series) -> None:
		if modules is None:
			return
		c = checked[name]
		known_project = project.notna() & project.isin(projects or ())
		outside = known_project & ~_pair(project, c.typed["module"]).isin(modules)
		numbers, frame = c.where(outside)
		for number, module, code in zip(numbers, frame["module"], project[outside & c.ok], strict=True):
			problems.append(
				problem(
					name,
					int(number),
					"module",
					"module '{module}' is not a module of project {project} in modules.csv",
					module=module,
					project=code,
				)
			)

	earmarks = checked["earmarks.csv"]
	module_of_project("earmarks.csv", earmarks.typed["contribution_id"].map(project_of))
	x = checked["expenditures.csv"]
	module_of_project("expenditures.csv", x.typed["project_code"])
	funded = x.typed["contribution_id"].map(project_of)
	numbers, frame = x.where(funded.notna() & (funded != x.typed["project_code"]))
	for number, row_contribution, project in zip(
		numbers, frame["contribution_id"], frame["project_code"], strict=True
	):
		problems.append(
			problem(
				"expenditures.csv",
				int(number),
				"contribution_id",
				"contribution {contribution} funds project {funded}, not {project}",
				contribution=row_contribution,
				funded=project_of[row_contribution],
				project=project,
			)
		)

	_earmarks_within_amount(contributions, earmarks, problems)
	_one_emergency_fund(checked["projects.csv"], problems)
	_rates_present(checked, problems)


def _pair(first: pd.Series, second: pd.Series) -> pd.Series:
	"""One text key of two columns (object dtype: no string-dtype conversion)."""
	left = pd.Series(first, dtype=object).fillna("").to_numpy()
	right = pd.Series(second, dtype=object).fillna("").to_numpy()
	return pd.Series(left + "\x1f" + right, index=first.index, dtype=object)


def _duplicate_keys(c: _Checked, problems: list[Problem]) -> None:
	key = spec.FILES[c.name].key
	if not key or not all(k in c.raw.columns for k in key) or not len(c.raw):
		return
	frame = c.raw[list(key)]
	if len(key) == 1:
		repeated = frame[key[0]].duplicated(keep="first").to_numpy()
	else:
		repeated = frame.duplicated(keep="first").to_numpy()
	if not repeated.any():
		return
	first: dict[tuple, int] = {}
	for values, number in zip(frame.itertuples(index=False), c.numbers, strict=True):
		first.setdefault(tuple(values), int(number))
	for values, number in zip(frame[repeated].itertuples(index=False), c.numbers[repeated], strict=True):
		problems.append(
			problem(
				c.name,
				int(number),
				key[-1],
				"duplicate {key} '{value}' (first at row {first})",
				key=" + ".join(key),
				value=" / ".join(values),
				first=first[tuple(values)],
			)
		)


def _earmarks_within_amount(contributions: _Checked, earmarks: _Checked, problems: list[Problem]) -> None:
	e = earmarks.typed[earmarks.ok]
	if e.empty:
		return
	total = e.groupby("contribution_id")["amount_cents"].sum()
	c = contributions.typed
	earmarked = c["contribution_id"].map(total)
	numbers, frame = contributions.where(earmarked.notna() & (earmarked > c["amount_cents"]))
	for number, cid, amount in zip(numbers, frame["contribution_id"], frame["amount_cents"], strict=True):
		problems.append(
			problem(
				"contributions.csv",
				int(number),
				"amount",
				"the earmarks of {contribution} add up to {earmarked}, more than its amount {amount}",
				contribution=cid,
				earmarked=_cents_text(int(total[cid])),
				amount=_cents_text(int(amount)),
			)
		)


def _cents_text(cents: int) -> str:
	return f"{cents // 100}.{cents % 100:02d}"


def _one_emergency_fund(projects: _Checked, problems: list[Problem]) -> None:
	numbers, frame = projects.where(projects.typed["is_emergency_fund"] == True)  # noqa: E712
	for number in numbers[1:]:
		problems.append(
			problem(
				"projects.csv",
				int(number),
				"is_emergency_fund",
				"only one project may be the emergency fund; {first} already is",
				first=frame["project_code"].iloc[0],
			)
		)


def _rates_present(checked: dict[str, _Checked], problems: list[Problem]) -> None:
	"""Every money row outside USD needs a rate dated on or before its value date."""
	rates = checked["rates.csv"]
	numbers, _ = rates.where((rates.typed["currency"] == "USD") & (rates.typed["usd_per_unit"] != 1))
	for number in numbers:
		problems.append(problem("rates.csv", int(number), "usd_per_unit", "the rate of USD is always 1"))
	valid_rates = rates.typed[rates.ok]
	earliest = valid_rates.groupby("currency")["date"].min()

	def need(name: str, column: str, currency: pd.Series, day: pd.Series) -> None:
		c = checked[name]
		first = currency.map(earliest)
		missing = currency.notna() & (currency != "USD") & (day >= 0) & (first.isna() | (day < first))
		numbers, _ = c.where(missing)
		for number, code, value in zip(numbers, currency[missing & c.ok], day[missing & c.ok], strict=True):
			problems.append(
				problem(
					name,
					int(number),
					column,
					"no rate for {currency} on or before {day} in rates.csv",
					currency=code,
					day=date.fromordinal(int(value)).isoformat(),
				)
			)

	projects = checked["projects.csv"]
	p = projects.typed[projects.ok].drop_duplicates("project_code").set_index("project_code")
	m = checked["modules.csv"].typed
	need(
		"modules.csv",
		"budget",
		m["project_code"].map(p["currency"]),
		m["project_code"].map(p["start_date"]).fillna(-1),
	)
	contributions = checked["contributions.csv"]
	c = contributions.typed
	need("contributions.csv", "currency", c["currency"], c["pledge_date"])
	by_id = c[contributions.ok].drop_duplicates("contribution_id").set_index("contribution_id")
	r = checked["receipts.csv"].typed
	need("receipts.csv", "date", r["contribution_id"].map(by_id["currency"]), r["date"])
	x = checked["expenditures.csv"].typed
	need("expenditures.csv", "currency", x["currency"], x["date"])
	d = checked["disbursements.csv"].typed
	value_day = pd.Series(
		np.where(d["status"] == "Disbursed", d["disbursed_date"], d["requested_date"]), index=d.index
	)
	need("disbursements.csv", "currency", d["currency"], value_day)
