"""The Frappe side of the portfolio bundle: import a bundle into the site, export one from it.

Thin on purpose. The engine (:mod:`ctm_portfolio.engine`) reads and validates the whole
bundle with every rule of the contract; this module adds only what the site alone knows
(Country records, the lengths, options and mandatory fields of the DocTypes, the one
emergency fund across the site), then writes every document in one transaction.

New documents go in with ``frappe.db.bulk_insert`` (parents and child rows together), which
makes a 200,000-case import a matter of seconds. A changed document is saved through its
controller (a Version row records the change), or, when more than
``UPDATE_BY_DOCUMENT_LIMIT`` documents of one DocType change, replaced in SQL keeping its
owner and creation. An unchanged document is not touched: re-importing a bundle writes
nothing. Import merges: documents of the site that the bundle does not name are left alone,
but a document the bundle names gets exactly the child rows the bundle gives it.

``bench --site SITE ctm-portfolio import|export|load-demo`` (:mod:`ctm_portfolio.commands`)
are the command-line faces of :func:`import_bundle` and :func:`export_bundle`.
"""

from __future__ import annotations

import time
import typing
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import frappe
from frappe import _
from frappe.utils import cint, now, update_progress_bar

from ctm_portfolio.ctm_portfolio import countries
from ctm_portfolio.ctm_portfolio.bundle_map import (
	BUNDLE_MAP,
	FIELD_OFFICE_DOCTYPE,
	PROJECT_COUNTRY_DOCTYPE,
	FileMap,
)
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.bundle import Bundle, cell_text, write_csv_bundle
from ctm_portfolio.engine.errors import BundleInvalid, Problem, problem
from ctm_portfolio.engine.reader import read_bundle
from ctm_portfolio.engine.schemas import MODELS, Row
from ctm_portfolio.engine.validate import validate

CENT = Decimal("0.01")
# Rows per INSERT statement: large enough to amortise the round trip, small enough for max_allowed_packet.
INSERT_CHUNK = 5_000
# Names per "name in (...)" look-up.
LOOKUP_CHUNK = 5_000
# Beyond this many changed documents of one DocType, they are replaced in SQL, not saved one by one.
UPDATE_BY_DOCUMENT_LIMIT = 500
SAVEPOINT = "ctm_bundle_import"

# Parent files in the order their documents are written: what a file refers to comes first.
WRITE_ORDER = (
	"rates.csv",
	"projects.csv",
	"donors.csv",
	"contributions.csv",
	"expenditures.csv",
	"cases.csv",
	"disbursements.csv",
)
CHILD_FILES = tuple(name for name, m in BUNDLE_MAP.items() if m.parent)
STANDARD_COLUMNS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_COLUMNS = ("parent", "parenttype", "parentfield")
# A disbursement's case need not exist (a missing case is a reconciliation finding).
LINKS_MAY_DANGLE = {BUNDLE_MAP["disbursements.csv"].doctype}


# --- the outcome ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
	"""What an import did, per DocType."""

	source: str
	inserted: Counter = field(default_factory=Counter)
	updated: Counter = field(default_factory=Counter)
	unchanged: Counter = field(default_factory=Counter)
	created: Counter = field(default_factory=Counter)  # Currency / CTM Field Office made for the bundle
	rows: int = 0  # rows of the bundle
	seconds: float = 0.0

	@property
	def changed(self) -> bool:
		return bool(sum(self.inserted.values()) or sum(self.updated.values()) or sum(self.created.values()))

	def lines(self) -> list[str]:
		out = [
			_("Imported {0}: {1} rows in {2} s; documents inserted {3}, updated {4}, unchanged {5}").format(
				self.source,
				self.rows,
				f"{self.seconds:.1f}",
				sum(self.inserted.values()),
				sum(self.updated.values()),
				sum(self.unchanged.values()),
			)
		]
		doctypes = sorted(set(self.inserted) | set(self.updated) | set(self.unchanged) | set(self.created))
		for doctype in doctypes:
			out.append(
				"  "
				+ _("{0}: inserted {1}, updated {2}, unchanged {3}").format(
					_(doctype),
					self.inserted[doctype] + self.created[doctype],
					self.updated[doctype],
					self.unchanged[doctype],
				)
			)
		return out

	def __str__(self) -> str:
		return "\n".join(self.lines())


def problem_text(p: Problem) -> str:
	"""A problem as the CLI prints it (FILE:ROW:COLUMN: message), the message translated."""
	parts = [p.file]
	if p.row is not None:
		parts.append(str(p.row))
	if p.column:
		parts.append(p.column)
	return ":".join(parts) + ": " + _(p.template).format(**p.params)


# --- how a bundle column maps onto a field ---------------------------------------------------


def _unwrap(annotation):
	"""The base type of a model field: Optional and Annotated stripped."""
	while True:
		origin = typing.get_origin(annotation)
		if origin is typing.Annotated:
			annotation = typing.get_args(annotation)[0]
		elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
			annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
		else:
			return annotation


def column_kind(file: str, column: str) -> str:
	"""decimal, date, flag, int, list or text: from the engine's row model, the one source."""
	base = _unwrap(MODELS[file].model_fields[column].annotation)
	if base is tuple or typing.get_origin(base) is tuple:
		return "list"
	if base is bool:
		return "flag"
	if base is int:
		return "int"
	if base is Decimal:
		return "decimal"
	if base is date:
		return "date"
	return "text"


def _normaliser(kind: str) -> Callable:
	"""A value (from the bundle or the database) in the one form both compare in."""
	if kind == "decimal":
		return lambda v: Decimal(0) if v is None or v == "" else Decimal(str(v))
	if kind in ("int", "flag"):
		return lambda v: int(v or 0)
	if kind == "date":
		return lambda v: (v if isinstance(v, date) else date.fromisoformat(str(v))) if v else None
	return lambda v: None if v is None or v == "" else str(v)


@dataclass
class _Field:
	column: str  # bundle column
	fieldname: str
	kind: str
	fieldtype: str
	df: object  # the DocField
	normalise: Callable


def _fields(fm: FileMap, doctype: str, columns: Iterable[str], file: str) -> list[_Field]:
	meta = frappe.get_meta(doctype)
	out, missing = [], []
	for column in columns:
		fieldname = fm.fieldname(column)
		df = meta.get_field(fieldname)
		if df is None:
			missing.append(column)
			continue
		kind = column_kind(file, column)
		out.append(_Field(column, fieldname, kind, df.fieldtype, df, _normaliser(kind)))
	if missing:
		frappe.throw(
			_("DocType {0} has no field for the bundle columns {1} of {2}").format(
				doctype, ", ".join(missing), file
			)
		)
	return out


# --- the plan: the documents the bundle describes -----------------------------------------------


@dataclass
class _ChildPlan:
	doctype: str
	parentfield: str
	file: str  # the bundle file its rows come from (projects.csv for the country list)
	fields: list[_Field]
	ordered: bool  # a list whose order means something (countries); else compared as a multiset
	rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
	numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

	def state(self, rows: list[tuple]):
		normalised = [tuple(f.normalise(v) for f, v in zip(self.fields, row, strict=True)) for row in rows]
		return tuple(normalised) if self.ordered else Counter(normalised)


@dataclass
class _DocPlan:
	file: str
	doctype: str
	fields: list[_Field]
	children: list[_ChildPlan]
	docs: dict[str, tuple] = field(default_factory=dict)  # name -> values, in bundle order
	numbers: dict[str, int] = field(default_factory=dict)  # name -> row of the bundle
	key_column: str | None = None

	def state(self, values: tuple) -> tuple:
		return tuple(f.normalise(v) for f, v in zip(self.fields, values, strict=True))

	def child_state(self, name: str) -> dict:
		return {child.parentfield: child.state(child.rows.get(name, [])) for child in self.children}


class _Countries:
	"""ISO alpha-2 code <-> Country record name, each looked up once."""

	def __init__(self):
		self._names: dict[str, str | None] = {}
		self._codes: dict[str, str] = {}

	def name(self, code: str | None) -> str | None:
		if not code:
			return None
		if code not in self._names:
			self._names[code] = countries.code_to_country(code) or None
		return self._names[code]

	def code(self, name: str | None) -> str:
		if not name:
			return ""
		if name not in self._codes:
			self._codes[name] = (countries.country_to_code(name) or "").upper()
		return self._codes[name]


def _row_numbers(raw, name: str, count: int) -> list[int]:
	table = raw.files.get(name)
	numbers = [int(n) for n in table.row_numbers] if table is not None else []
	return numbers if len(numbers) == count else list(range(2, count + 2))


def effective_case_offices(bundle: Bundle) -> dict[str, str | None]:
	"""case_id -> the field office holding the case: its own, else its project's, else that of
	its first disbursement (earliest requested, then lowest disbursement_id)."""
	project_office = {p.project_code: p.field_office for p in bundle.rows["projects.csv"]}
	first_disbursement: dict[str, str] = {}
	for d in sorted(bundle.rows["disbursements.csv"], key=lambda d: (d.requested_date, d.disbursement_id)):
		first_disbursement.setdefault(d.case_id, d.field_office)
	return {
		c.case_id: c.field_office or project_office.get(c.project_code) or first_disbursement.get(c.case_id)
		for c in bundle.rows["cases.csv"]
	}


class _Planner:
	def __init__(self, bundle: Bundle, raw):
		self.bundle = bundle
		self.raw = raw
		self.countries = _Countries()
		self.problems: list[Problem] = []
		self.case_office = effective_case_offices(bundle)
		self.plans = [self._plan(file) for file in WRITE_ORDER]

	# values ----------------------------------------------------------------------------
	def _converter(self, fm: FileMap, f: _Field) -> Callable:
		if f.column in fm.countries:
			return self.countries.name
		if f.kind == "list":
			return lambda v: ";".join(v) if v else None
		if f.kind == "decimal":
			return cell_text if f.fieldtype in ("Data", "Small Text") else (lambda v: v)
		if f.kind == "flag":
			return int
		if f.kind == "text" and f.fieldtype in ("Data", "Small Text", "Text"):
			return _sanitise
		return lambda v: v

	def _values(self, fm: FileMap, fields: list[_Field], rows: list[Row], file: str) -> list[tuple]:
		converters = [self._converter(fm, f) for f in fields]
		columns = [f.column for f in fields]
		out = []
		for row in rows:
			values = [convert(getattr(row, column)) for convert, column in zip(converters, columns, strict=True)]
			out.append(values)
		if file == "cases.csv":
			at = columns.index("field_office")
			for values, row in zip(out, rows, strict=True):
				values[at] = self.case_office[row.case_id]
		return [tuple(v) for v in out]

	# documents -------------------------------------------------------------------------
	def _plan(self, file: str) -> _DocPlan:
		fm = BUNDLE_MAP[file]
		meta = frappe.get_meta(fm.doctype)
		columns = [c for c in spec.FILES[file].columns if c not in fm.country_lists]
		if fm.key and not meta.get_field(fm.fieldname(fm.key)):
			columns.remove(fm.key)  # the key is the name only
		plan = _DocPlan(file, fm.doctype, _fields(fm, fm.doctype, columns, file), [], key_column=fm.key)
		rows = self.bundle.rows[file]
		numbers = _row_numbers(self.raw, file, len(rows))
		values = self._values(fm, plan.fields, rows, file)
		name_of = self._namer(fm, plan, meta)
		for row, number, vals in zip(rows, numbers, values, strict=True):
			name = name_of(row, vals)
			plan.docs[name] = vals
			plan.numbers[name] = number

		for column in fm.country_lists:
			table = meta.get_field(column)
			child_fm = FileMap(file, PROJECT_COUNTRY_DOCTYPE)
			child = _ChildPlan(
				table.options,
				table.fieldname,
				file,
				[_Field(column, "country", "text", "Link", None, _normaliser("text"))],
				ordered=True,
			)
			child.fields[0].df = frappe.get_meta(table.options).get_field("country")
			for row, number in zip(rows, numbers, strict=True):
				name = name_of(row, None)
				for code in getattr(row, column):
					child.rows[name].append((self.countries.name(code),))
					child.numbers[name].append(number)
			del child_fm
			plan.children.append(child)

		for child_file in CHILD_FILES:
			cfm = BUNDLE_MAP[child_file]
			if cfm.parent != fm.doctype:
				continue
			child_columns = [c for c in spec.FILES[child_file].columns if c != cfm.parent_key]
			child = _ChildPlan(
				cfm.doctype,
				cfm.parentfield,
				child_file,
				_fields(cfm, cfm.doctype, child_columns, child_file),
				ordered=False,
			)
			child_rows = self.bundle.rows[child_file]
			child_numbers = _row_numbers(self.raw, child_file, len(child_rows))
			for row, number, vals in zip(
				child_rows,
				child_numbers,
				self._values(cfm, child.fields, child_rows, child_file),
				strict=True,
			):
				parent = getattr(row, cfm.parent_key)
				child.rows[parent].append(vals)
				child.numbers[parent].append(number)
			plan.children.append(child)
		return plan

	def _namer(self, fm: FileMap, plan: _DocPlan, meta) -> Callable:
		if fm.key:
			return lambda row, values: getattr(row, fm.key)
		autoname = meta.autoname or ""
		if not autoname.startswith("format:"):
			frappe.throw(_("Cannot name {0} documents from the bundle").format(fm.doctype))
		pattern = autoname.removeprefix("format:")
		fieldnames = [f.fieldname for f in plan.fields]

		def name_of(row, values):
			by_field = {f.fieldname: cell_text(getattr(row, f.column)) for f in plan.fields}
			return pattern.format(**by_field)

		del fieldnames
		return name_of


def _sanitise(value):
	"""What Document._sanitize_content would store for text that looks like HTML."""
	if value and isinstance(value, str) and ("<" in value or ">" in value):
		from frappe.utils.html_utils import sanitize_html

		return sanitize_html(value)
	return value
