"""The Frappe side of the portfolio bundle: import a bundle into the site, export one from it.

Thin on purpose. The engine (:mod:`ctm_portfolio.engine`) reads and validates the whole
bundle with every rule of the contract; this module adds only what the site alone knows
(Country records; the lengths, options and mandatory fields of the DocTypes; the one
emergency fund across the site), then writes every document in one transaction.

- New documents go in as multi-row INSERTs of parent and child rows (:func:`bulk_insert`:
  what ``frappe.db.bulk_insert`` does, faster), with the standard columns doc.insert() would
  fill and the defaults of the fields a bundle does not carry. A 200,000-case import takes
  about half a minute instead of hours of ``doc.insert()``.
- A changed document is saved through its controller, so a Version row records the change;
  when more than ``UPDATE_BY_DOCUMENT_LIMIT`` documents of one DocType change at once, their
  fields are updated in SQL and their child rows replaced (no Version rows then).
- An unchanged document is not touched: re-importing a bundle writes nothing.
- Import merges: documents of the site the bundle does not name are left alone; a document
  the bundle names gets exactly the child rows (modules, targets, earmarks, receipts,
  countries) the bundle gives it. Fields the bundle does not carry (a project's programme
  manager, description) are kept.
- Emergency disbursements are submittable and moved by a workflow: a request's docstatus and
  workflow state follow its status (Requested: a draft, referred to HQ; Approved, Disbursed,
  Rejected: submitted), set in SQL after the rows are written; a bundle may not take a request
  back from a decision the site holds, nor touch a cancelled one. The export leaves cancelled
  documents out (their amendments replace them).

``bench --site SITE ctm-portfolio import|export|load-demo`` (:mod:`ctm_portfolio.commands`)
are the command-line faces of :func:`import_bundle` and :func:`export_bundle`.
"""

from __future__ import annotations

import time
import types
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

from ctm_portfolio.ctm_portfolio import countries, emergency_fund
from ctm_portfolio.ctm_portfolio.bundle_map import BUNDLE_MAP, FIELD_OFFICE_DOCTYPE, FileMap
from ctm_portfolio.ctm_portfolio.doc_bundle import problem_message
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.bundle import Bundle, cell_text, write_csv_bundle
from ctm_portfolio.engine.errors import BundleInvalid, Problem, problem
from ctm_portfolio.engine.reader import read_bundle
from ctm_portfolio.engine.schemas import MODELS, Row
from ctm_portfolio.engine.validate import validate

CENT = Decimal("0.01")
INSERT_CHUNK = 5_000  # rows per INSERT statement
LOOKUP_CHUNK = 5_000  # names per "name in (...)" look-up
# Beyond this many changed documents of one DocType, update in SQL instead of saving each one.
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
# A disbursement's case need not exist: a missing case is a reconciliation finding.
LINKS_MAY_DANGLE = frozenset({BUNDLE_MAP["disbursements.csv"].doctype})
INT_MAX = 2_147_483_647


# --- outcome ---------------------------------------------------------------------------------


@dataclass
class ImportSummary:
	"""What an import did, per DocType."""

	source: str
	inserted: Counter = field(default_factory=Counter)
	updated: Counter = field(default_factory=Counter)
	unchanged: Counter = field(default_factory=Counter)
	created: Counter = field(default_factory=Counter)  # Currency / CTM Field Office records it needed
	rows: int = 0  # rows in the bundle
	seconds: float = 0.0

	@property
	def changed(self) -> bool:
		return any(sum(c.values()) for c in (self.inserted, self.updated, self.created))

	def lines(self) -> list[str]:
		out = [
			_(
				"Imported {0}: {1} rows in {2} s. Documents inserted: {3}, updated: {4}, unchanged: {5}."
			).format(
				self.source,
				self.rows,
				f"{self.seconds:.1f}",
				sum(self.inserted.values()) + sum(self.created.values()),
				sum(self.updated.values()),
				sum(self.unchanged.values()),
			)
		]
		for doctype in sorted(
			set(self.inserted) | set(self.updated) | set(self.unchanged) | set(self.created)
		):
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
	"""A problem as the engine's CLI prints it (FILE:ROW:COLUMN: message), translated."""
	parts = [p.file]
	if p.row is not None:
		parts.append(str(p.row))
	if p.column:
		parts.append(p.column)
	return ":".join(parts) + ": " + problem_message(p)


# --- bundle columns and fields ---------------------------------------------------------------


def _unwrap(annotation):
	"""The base type of a row model's field, Optional and Annotated stripped."""
	while True:
		origin = typing.get_origin(annotation)
		if origin is typing.Annotated:
			annotation = typing.get_args(annotation)[0]
		elif origin is typing.Union or origin is types.UnionType:
			annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
		else:
			return annotation


def column_kind(file: str, column: str) -> str:
	"""decimal, date, flag, int, list or text, read off the engine's row model."""
	base = _unwrap(MODELS[file].model_fields[column].annotation)
	if base is tuple or typing.get_origin(base) is tuple:
		return "list"
	return {bool: "flag", int: "int", Decimal: "decimal", date: "date"}.get(base, "text")


def _normaliser(kind: str) -> Callable:
	"""A value, from the bundle or from the database, in the one form both are compared in."""
	if kind == "decimal":
		return lambda v: Decimal(0) if v is None or v == "" else Decimal(str(v))
	if kind in ("int", "flag"):
		return lambda v: int(v or 0)
	if kind == "date":
		return lambda v: (v if isinstance(v, date) else date.fromisoformat(str(v))) if v else None
	return lambda v: None if v is None or v == "" else str(v)


@dataclass
class _Field:
	file: str
	column: str  # the bundle column
	fieldname: str
	kind: str
	df: typing.Any  # the DocField
	is_country: bool = False

	def __post_init__(self):
		self.normalise = _normaliser(self.kind)


def _fields(fm: FileMap, doctype: str, columns: Iterable[str], file: str) -> list[_Field]:
	meta = frappe.get_meta(doctype)
	out, missing = [], []
	for column in columns:
		df = meta.get_field(fm.fieldname(column))
		if df is None:
			missing.append(column)
			continue
		out.append(
			_Field(
				file, column, df.fieldname, column_kind(file, column), df, is_country=column in fm.countries
			)
		)
	if missing:
		frappe.throw(
			_("DocType {0} has no field for the columns {1} of {2}").format(doctype, ", ".join(missing), file)
		)
	return out


def _sanitise(value):
	"""What Document._sanitize_content stores for a text that looks like HTML."""
	if value and ("<" in value or ">" in value):
		from frappe.utils.html_utils import sanitize_html

		return sanitize_html(value)
	return value


class _Countries:
	"""ISO alpha-2 code <-> Country record, each looked up once."""

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

	@property
	def missing(self) -> set[str]:
		return {code for code, name in self._names.items() if name is None}


def effective_case_offices(bundle: Bundle) -> dict[str, str | None]:
	"""case_id -> the field office holding the case: its own, else its project's, else that of
	its first disbursement (the earliest requested; on a tie, the lowest disbursement_id)."""
	project_office = {p.project_code: p.field_office for p in bundle.rows["projects.csv"]}
	first: dict[str, str] = {}
	for d in sorted(bundle.rows["disbursements.csv"], key=lambda d: (d.requested_date, d.disbursement_id)):
		first.setdefault(d.case_id, d.field_office)
	return {
		c.case_id: c.field_office or project_office.get(c.project_code) or first.get(c.case_id)
		for c in bundle.rows["cases.csv"]
	}


def canonical_rows(bundle: Bundle) -> dict[str, Counter]:
	"""The rows of each file as a multiset, with what the contract lets a file leave out filled in
	(a case's field office), so that two bundles meaning the same portfolio compare equal."""
	offices = effective_case_offices(bundle)
	out = {}
	for name in spec.FILE_ORDER:
		rows = bundle.rows[name]
		if name == "cases.csv":
			rows = [r.model_copy(update={"field_office": offices[r.case_id]}) for r in rows]
		out[name] = Counter(rows)
	return out


# --- the plan: the documents a bundle describes ------------------------------------------------


@dataclass
class _ChildPlan:
	doctype: str
	parentfield: str
	file: str  # where its rows come from (projects.csv for the list of countries)
	fields: list[_Field]
	ordered: bool  # a list whose order means something (countries); else compared as a multiset
	rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))  # parent -> rows
	numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

	def state(self, rows: list[tuple]):
		normalised = [tuple(f.normalise(v) for f, v in zip(self.fields, row, strict=True)) for row in rows]
		return tuple(normalised) if self.ordered else Counter(normalised)


@dataclass
class _DocPlan:
	file: str
	doctype: str
	fields: list[_Field]
	key_column: str | None
	children: list[_ChildPlan] = field(default_factory=list)
	docs: dict[str, tuple] = field(default_factory=dict)  # name -> values, in bundle order
	numbers: dict[str, int] = field(default_factory=dict)  # name -> its row in the bundle
	new: list[str] = field(default_factory=list)
	changed: list[str] = field(default_factory=list)
	unchanged: int = 0

	def state(self, values: Iterable) -> tuple:
		return tuple(f.normalise(v) for f, v in zip(self.fields, values, strict=True))

	def field_values(self, name: str) -> dict:
		return {f.fieldname: v for f, v in zip(self.fields, self.docs[name], strict=True)}


def _row_numbers(raw, name: str, count: int) -> list[int]:
	"""The bundle row of each validated row (a valid bundle keeps every row, in order)."""
	table = raw.files.get(name)
	numbers = [int(n) for n in table.row_numbers] if table is not None else []
	return numbers if len(numbers) == count else list(range(2, count + 2))


class _Planner:
	"""Turns a validated bundle into documents and checks what only the site can check."""

	def __init__(self, bundle: Bundle, raw):
		self.bundle = bundle
		self.raw = raw
		self.countries = _Countries()
		self.problems: list[Problem] = []
		self.case_office = effective_case_offices(bundle)
		self.plans = [self._plan(file) for file in WRITE_ORDER]

	# values ----------------------------------------------------------------------------
	def _converter(self, f: _Field) -> Callable:
		if f.is_country:
			return self.countries.name
		if f.kind == "list":
			return lambda v: ";".join(v) if v else None
		if f.kind == "decimal":
			# A rate is kept as the text it came as; money as an exact Decimal.
			return cell_text if f.df.fieldtype in ("Data", "Small Text") else (lambda v: v)
		if f.kind == "flag":
			return int
		if f.kind == "text":
			return _sanitise
		return lambda v: v

	def _values(self, fields: list[_Field], rows: list[Row], file: str) -> list[tuple]:
		getters = [(self._converter(f), f.column) for f in fields]
		out = [tuple(convert(getattr(row, column)) for convert, column in getters) for row in rows]
		if file == "cases.csv":
			at = [f.column for f in fields].index("field_office")
			out = [
				(*values[:at], self.case_office[row.case_id], *values[at + 1 :])
				for values, row in zip(out, rows, strict=True)
			]
		return out

	# documents -------------------------------------------------------------------------
	def _plan(self, file: str) -> _DocPlan:
		fm = BUNDLE_MAP[file]
		meta = frappe.get_meta(fm.doctype)
		columns = [c for c in spec.FILES[file].columns if c not in fm.country_lists]
		if fm.key and not meta.get_field(fm.fieldname(fm.key)):
			columns.remove(fm.key)  # the key is only the document's name
		plan = _DocPlan(file, fm.doctype, _fields(fm, fm.doctype, columns, file), fm.key)
		rows = self.bundle.rows[file]
		numbers = _row_numbers(self.raw, file, len(rows))
		name_of = self._namer(fm, plan, meta)
		names = [name_of(row) for row in rows]
		for name, number, values in zip(names, numbers, self._values(plan.fields, rows, file), strict=True):
			plan.docs[name] = values
			plan.numbers[name] = number

		for column in fm.country_lists:
			table = meta.get_field(column)
			child_meta = frappe.get_meta(table.options)
			link = next(df for df in child_meta.fields if df.fieldtype == "Link" and df.options == "Country")
			child = _ChildPlan(
				table.options,
				table.fieldname,
				file,
				[_Field(file, column, link.fieldname, "text", link, is_country=True)],
				ordered=True,
			)
			for name, number, row in zip(names, numbers, rows, strict=True):
				for code in getattr(row, column):
					child.rows[name].append((self.countries.name(code),))
					child.numbers[name].append(number)
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
			values = self._values(child.fields, child_rows, child_file)
			for row, number, vals in zip(child_rows, child_numbers, values, strict=True):
				parent = getattr(row, cfm.parent_key)
				child.rows[parent].append(vals)
				child.numbers[parent].append(number)
			plan.children.append(child)
		return plan

	def _namer(self, fm: FileMap, plan: _DocPlan, meta) -> Callable[[Row], str]:
		if fm.key:
			key = fm.key
			return lambda row: getattr(row, key)
		autoname = meta.autoname or ""
		if not autoname.startswith("format:"):
			frappe.throw(_("Cannot name {0} documents from the bundle").format(fm.doctype))
		pattern = autoname.removeprefix("format:")
		fields = plan.fields
		return lambda row: pattern.format(**{f.fieldname: cell_text(getattr(row, f.column)) for f in fields})

	# what only the site can check -----------------------------------------------------
	def check(self) -> None:
		self._check_countries()
		for plan in self.plans:
			self._check_names(plan)
			self._check_values(plan.file, plan.fields, plan.docs.values(), plan.numbers.values())
			for child in plan.children:
				values = [v for name in child.rows for v in child.rows[name]]
				numbers = [n for name in child.numbers for n in child.numbers[name]]
				self._check_values(child.file, child.fields, values, numbers)
		self._compare_with_site()
		self._check_one_emergency_fund()
		self._check_decided_disbursements()
		if self.problems:
			raise BundleInvalid(self.problems)

	def _check_countries(self) -> None:
		missing = self.countries.missing
		if not missing:
			return
		for file, fm in BUNDLE_MAP.items():
			for column in (*fm.countries, *fm.country_lists):
				rows = self.bundle.rows[file]
				for row, number in zip(rows, _row_numbers(self.raw, file, len(rows)), strict=True):
					value = getattr(row, column)
					for code in value if isinstance(value, tuple) else (value,):
						if code in missing:
							self.problems.append(
								problem(
									file,
									number,
									column,
									"no Country on this site has the code '{code}'",
									code=code,
								)
							)

	def _check_names(self, plan: _DocPlan) -> None:
		column = plan.key_column or plan.fields[0].column
		seen: dict[str, str] = {}
		for name, number in plan.numbers.items():
			if len(name) > frappe.db.VARCHAR_LEN:
				self.problems.append(
					problem(
						plan.file,
						number,
						column,
						"'{value}' is longer than {length} characters, the most a document name may have",
						value=name,
						length=frappe.db.VARCHAR_LEN,
					)
				)
			# The database compares names without regard to case or trailing spaces.
			folded = name.casefold().rstrip()
			if folded in seen:
				self.problems.append(
					problem(
						plan.file,
						number,
						column,
						"'{value}' differs from '{other}' only in case or trailing spaces; the site cannot hold both",
						value=name,
						other=seen[folded],
					)
				)
			else:
				seen[folded] = name

	def _check_values(self, file: str, fields: list[_Field], rows: Iterable[tuple], numbers) -> None:
		"""What Document.validate checks of each field: length, options, mandatory, range."""
		rows, numbers = list(rows), list(numbers)
		type_map = frappe.db.type_map
		for at, f in enumerate(fields):
			df = f.df
			column_type, default_length = type_map.get(df.fieldtype, (None, None))
			max_length = (cint(df.get("length")) or cint(default_length)) if column_type == "varchar" else 0
			options = {o for o in (df.options or "").split("\n") if o} if df.fieldtype == "Select" else set()
			for values, number in zip(rows, numbers, strict=True):
				value = values[at]
				if value is None or value == "":
					if df.reqd and not f.is_country:  # a code without a Country is reported once, above
						self.problems.append(
							problem(
								file,
								number,
								f.column,
								"a value is required by the site's {doctype}",
								doctype=df.parent,
							)
						)
					continue
				if max_length and len(str(value)) > max_length:
					self.problems.append(
						problem(
							file,
							number,
							f.column,
							"longer than {length} characters, the most the site's field holds",
							length=max_length,
						)
					)
				elif options and value not in options:
					self.problems.append(
						problem(
							file,
							number,
							f.column,
							"'{value}' is not an option of the site's field (options: {options})",
							value=value,
							options=", ".join(sorted(options)),
						)
					)
				elif f.kind == "int" and abs(int(value)) > INT_MAX:
					self.problems.append(
						problem(
							file,
							number,
							f.column,
							"the number is too large for the site: '{value}'",
							value=value,
						)
					)

	def _compare_with_site(self) -> None:
		"""Sort each document into new, changed or unchanged; flag names the site holds in another case."""
		for plan in self.plans:
			existing = _existing_parents(plan)
			children = {
				c.parentfield: _existing_children(c, plan.doctype, list(existing)) for c in plan.children
			}
			exact, folded = {}, None
			for found, values in existing.items():
				if found in plan.docs:
					exact[found] = values
					continue
				if folded is None:
					folded = {name.casefold().rstrip(): name for name in plan.docs}
				twin = folded.get(found.casefold().rstrip())
				if twin is not None:
					self.problems.append(
						problem(
							plan.file,
							plan.numbers[twin],
							plan.key_column or plan.fields[0].column,
							"'{value}' differs only in case or trailing spaces from {doctype} '{other}' on the site",
							value=twin,
							doctype=plan.doctype,
							other=found,
						)
					)
			for name, values in plan.docs.items():
				if name not in exact:
					plan.new.append(name)
					continue
				same = plan.state(values) == plan.state(exact[name]) and all(
					c.state(c.rows.get(name, ())) == c.state(children[c.parentfield].get(name, ()))
					for c in plan.children
				)
				if same:
					plan.unchanged += 1
				else:
					plan.changed.append(name)

	def _check_one_emergency_fund(self) -> None:
		plan = next(p for p in self.plans if p.file == "projects.csv")
		fieldname = BUNDLE_MAP["projects.csv"].fieldname("is_emergency_fund")
		at = [f.fieldname for f in plan.fields].index(fieldname)
		flagged = [name for name, values in plan.docs.items() if values[at]]
		if not flagged:
			return
		others = [
			name
			for name in frappe.get_all(plan.doctype, filters={fieldname: 1}, pluck="name")
			if name not in plan.docs
		]
		if others:
			self.problems.append(
				problem(
					"projects.csv",
					plan.numbers[flagged[0]],
					"is_emergency_fund",
					"only one project may be the emergency fund; {first} already is on this site",
					first=others[0],
				)
			)

	def _check_decided_disbursements(self) -> None:
		"""A decision the site holds (or a cancellation) is not undone by a bundle."""
		plan = next(p for p in self.plans if p.file == "disbursements.csv")
		at = [f.fieldname for f in plan.fields].index("status")
		new = set(plan.new)
		site = emergency_fund.site_states(name for name in plan.docs if name not in new)
		for name in sorted(site, key=plan.numbers.__getitem__):
			docstatus, state, status = site[name]
			new_status = plan.docs[name][at]
			if not emergency_fund.bundle_may_set(docstatus, status, new_status):
				self.problems.append(
					problem(
						"disbursements.csv",
						plan.numbers[name],
						"status",
						"{disbursement} is {state} on the site; a bundle cannot make it {status} "
						"(cancel and amend it on the site)",
						disbursement=name,
						state=state or status,
						status=new_status,
					)
				)


def _chunks(items: list, size: int):
	for start in range(0, len(items), size):
		yield items[start : start + size]


def _existing_parents(plan: _DocPlan) -> dict[str, tuple]:
	names = list(plan.docs)
	if not names:
		return {}
	columns = ", ".join(f"`{f.fieldname}`" for f in plan.fields)
	out = {}
	for chunk in _chunks(names, LOOKUP_CHUNK):
		for row in frappe.db.sql(
			f"select `name`, {columns} from `tab{plan.doctype}` where `name` in %(names)s",
			{"names": chunk},
		):
			out[row[0]] = tuple(row[1:])
	return out


def _existing_children(child: _ChildPlan, parenttype: str, parents: list[str]) -> dict[str, list[tuple]]:
	out: dict[str, list[tuple]] = defaultdict(list)
	columns = ", ".join(f"`{f.fieldname}`" for f in child.fields)
	for chunk in _chunks(parents, LOOKUP_CHUNK):
		for row in frappe.db.sql(
			f"""select `parent`, {columns} from `tab{child.doctype}`
			where `parenttype` = %(parenttype)s and `parentfield` = %(parentfield)s and `parent` in %(parents)s
			order by `parent`, `idx`""",
			{"parenttype": parenttype, "parentfield": child.parentfield, "parents": chunk},
		):
			out[row[0]].append(tuple(row[1:]))
	return out


# --- writing -----------------------------------------------------------------------------------


class _Progress:
	def __init__(self, total: int, enabled: bool):
		self.total, self.done = total, 0
		self.enabled = enabled and total > 0 and not frappe.flags.in_test

	def step(self, count: int) -> None:
		if self.enabled:
			update_progress_bar(_("Importing the bundle"), self.done, self.total)
		self.done += count

	def close(self) -> None:
		if self.enabled:
			update_progress_bar(_("Importing the bundle"), self.total - 1, self.total)
			print()


def _defaults(doctype: str, written: set[str]) -> dict:
	"""The defaults doc.insert() would give the fields a bundle does not carry."""
	template = frappe.new_doc(doctype, as_dict=True)
	skip = set(STANDARD_COLUMNS) | set(CHILD_COLUMNS) | written
	return {
		fieldname: template.get(fieldname)
		for fieldname in frappe.get_meta(doctype).get_valid_columns()
		if fieldname not in skip and template.get(fieldname) not in (None, "")
	}


def bulk_insert(doctype: str, columns: list[str], rows: list[tuple]) -> None:
	"""One multi-row INSERT, as ``frappe.db.bulk_insert`` makes, with the values escaped by the
	database driver instead of pypika: pypika renders each value through several Python
	objects, which measured 10x slower than this and dominated the import's time."""
	if not rows:
		return
	head = f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in columns)}) values "
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	frappe.db.sql(head + ", ".join([one] * len(rows)), [value for row in rows for value in row])


class _Writer:
	def __init__(self, progress: _Progress, summary: ImportSummary):
		self.progress = progress
		self.summary = summary
		self.user = frappe.session.user
		self.timestamp = now()
		self._defaults: dict[str, dict] = {}

	def defaults(self, doctype: str, written: list[str]) -> dict:
		if doctype not in self._defaults:
			self._defaults[doctype] = _defaults(doctype, set(written))
		return self._defaults[doctype]

	def insert(self, doctype: str, fieldnames: list[str], rows: Iterable[tuple], child: bool = False) -> None:
		"""Bulk-insert rows of (name, [parent, parenttype, parentfield,] idx, *values)."""
		defaults = self.defaults(doctype, fieldnames)
		extra_fields, extra_values = list(defaults), tuple(defaults.values())
		head = (self.user, self.timestamp, self.timestamp, self.user, 0)
		columns = [*STANDARD_COLUMNS, *(CHILD_COLUMNS if child else ()), *fieldnames, *extra_fields]
		batch = []
		for row in rows:
			# row: (name, idx, *links, *values)
			batch.append((row[0], *head, *row[1:], *extra_values))
			if len(batch) >= INSERT_CHUNK:
				self._flush(doctype, columns, batch)
				batch = []
		if batch:
			self._flush(doctype, columns, batch)

	def _flush(self, doctype: str, columns: list[str], batch: list[tuple]) -> None:
		bulk_insert(doctype, columns, batch)
		self.progress.step(len(batch))

	def insert_plan(self, plan: _DocPlan, names: list[str]) -> None:
		fieldnames = [f.fieldname for f in plan.fields]
		self.insert(plan.doctype, fieldnames, ((name, 0, *plan.docs[name]) for name in names))
		for child in plan.children:
			self.insert(
				child.doctype,
				[f.fieldname for f in child.fields],
				(
					(frappe.generate_hash(length=10), idx, name, plan.doctype, child.parentfield, *values)
					for name in names
					for idx, values in enumerate(child.rows.get(name, ()), start=1)
				),
				child=True,
			)

	def update_by_documents(self, plan: _DocPlan) -> None:
		for name in plan.changed:
			doc = frappe.get_doc(plan.doctype, name)
			doc.update(plan.field_values(name))
			for child in plan.children:
				self._set_child_rows(doc, child, child.rows.get(name, ()))
			doc.flags.ignore_links = plan.doctype in LINKS_MAY_DANGLE
			# The engine has validated the whole bundle: the controller need not redo it per document.
			doc.flags.ctm_skip_bundle_validation = True
			try:
				doc.save(ignore_permissions=True, ignore_version=False)  # a Version row, in tests too
			except frappe.ValidationError as error:
				raise BundleInvalid(
					[
						problem(
							plan.file,
							plan.numbers[name],
							None,
							"the site refused {doctype} {name}: {error}",
							doctype=plan.doctype,
							name=name,
							error=frappe.utils.strip_html(str(error)),
						)
					]
				) from error
			self.progress.step(1)

	@staticmethod
	def _set_child_rows(doc, child: _ChildPlan, rows: Iterable[tuple]) -> None:
		"""Give ``doc`` these child rows, keeping the existing rows that stay (their names too),
		so that the Version row shows only what changed."""
		rows = list(rows)
		fieldnames = [f.fieldname for f in child.fields]
		current = doc.get(child.parentfield) or []
		if child.state([tuple(row.get(f) for f in fieldnames) for row in current]) == child.state(rows):
			return
		kept = defaultdict(list)
		for row in current:
			kept[tuple(f.normalise(row.get(f.fieldname)) for f in child.fields)].append(row)
		new_rows = []
		for values in rows:
			same = kept.get(tuple(f.normalise(v) for f, v in zip(child.fields, values, strict=True)))
			new_rows.append(same.pop(0) if same else dict(zip(fieldnames, values, strict=True)))
		doc.set(child.parentfield, new_rows)

	def update_by_sql(self, plan: _DocPlan) -> None:
		"""Many changed documents: update their fields, replace their child rows."""
		frappe.db.bulk_update(
			plan.doctype,
			{name: plan.field_values(name) for name in plan.changed},
			chunk_size=500,
			modified=self.timestamp,
			modified_by=self.user,
		)
		for child in plan.children:
			for chunk in _chunks(plan.changed, LOOKUP_CHUNK):
				frappe.db.sql(
					f"""delete from `tab{child.doctype}` where `parenttype` = %(parenttype)s
					and `parentfield` = %(parentfield)s and `parent` in %(parents)s""",
					{"parenttype": plan.doctype, "parentfield": child.parentfield, "parents": chunk},
				)
			self.insert(
				child.doctype,
				[f.fieldname for f in child.fields],
				(
					(frappe.generate_hash(length=10), idx, name, plan.doctype, child.parentfield, *values)
					for name in plan.changed
					for idx, values in enumerate(child.rows.get(name, ()), start=1)
				),
				child=True,
			)
		frappe.clear_document_cache(plan.doctype)
		self.progress.step(len(plan.changed))

	def ensure(self, doctype: str, names: set[str], make: Callable[[str], dict]) -> None:
		"""Create the named records of ``doctype`` the site does not have yet."""
		names = {n for n in names if n}
		if not names:
			return
		have = set(frappe.get_all(doctype, filters={"name": ("in", list(names))}, pluck="name"))
		for name in sorted(names - have):
			frappe.get_doc({"doctype": doctype, **make(name)}).insert(ignore_permissions=True)
			self.summary.created[doctype] += 1


def _link_values(plans: list[_DocPlan], target: str) -> set[str]:
	"""Every value the bundle puts in a Link field to ``target``."""
	found = set()
	for plan in plans:
		for at, f in enumerate(plan.fields):
			if f.df.fieldtype == "Link" and f.df.options == target:
				found.update(values[at] for values in plan.docs.values())
	return found


def _check_permissions(plans: list[_DocPlan]) -> None:
	for plan in plans:
		for ptype in ("create", "write"):
			if not frappe.has_permission(plan.doctype, ptype):
				raise frappe.PermissionError(
					_("You may not import the bundle: no {0} permission on {1}").format(
						_(ptype), _(plan.doctype)
					)
				)


def import_bundle(path: str | Path, progress: bool = True, commit: bool = True) -> ImportSummary:
	"""Import the bundle at ``path`` (a folder of CSV files or one .xlsx workbook).

	Raises BundleInvalid (``.problems``, FILE:ROW:COLUMN) when the engine or the site finds the
	bundle invalid: then nothing is written. Any error while writing rolls everything back.
	``commit=False`` leaves the transaction to the caller (tests); an error still undoes the
	import's own writes, back to a savepoint.
	"""
	started = time.perf_counter()
	raw = read_bundle(path)
	bundle = validate(raw)  # = load_bundle(path), keeping the row numbers for the site's problems
	planner = _Planner(bundle, raw)
	plans = planner.plans
	_check_permissions(plans)
	planner.check()

	summary = ImportSummary(source=str(path), rows=sum(len(rows) for rows in bundle.rows.values()))
	total = sum(
		len(p.new) + sum(len(c.rows.get(n, ())) for c in p.children for n in p.new) + len(p.changed)
		for p in plans
	)
	bar = _Progress(total, progress)
	writer = _Writer(bar, summary)
	field_office_meta = frappe.get_meta(FIELD_OFFICE_DOCTYPE)
	office_field = (field_office_meta.autoname or "").removeprefix("field:")

	frappe.db.savepoint(SAVEPOINT)
	try:
		writer.ensure(
			"Currency", _link_values(plans, "Currency"), lambda code: {"currency_name": code, "enabled": 1}
		)
		writer.ensure(
			FIELD_OFFICE_DOCTYPE, _link_values(plans, FIELD_OFFICE_DOCTYPE), lambda n: {office_field: n}
		)
		for plan in plans:
			writer.insert_plan(plan, plan.new)
			# A submitted document cannot be saved with new values: update it in SQL.
			if len(plan.changed) > UPDATE_BY_DOCUMENT_LIMIT or frappe.get_meta(plan.doctype).is_submittable:
				writer.update_by_sql(plan)
			else:
				writer.update_by_documents(plan)
			if plan.doctype == emergency_fund.DISBURSEMENT:
				emergency_fund.sync_states_from_status([*plan.new, *plan.changed])
			summary.inserted[plan.doctype] += len(plan.new)
			summary.updated[plan.doctype] += len(plan.changed)
			summary.unchanged[plan.doctype] += plan.unchanged
	except BaseException:
		try:
			frappe.db.rollback(save_point=SAVEPOINT)
		finally:
			if commit:
				frappe.db.rollback()
		raise
	finally:
		bar.close()
	if commit:
		frappe.db.commit()
	summary.seconds = time.perf_counter() - started
	return summary


# --- export ------------------------------------------------------------------------------------


def _exporter(f: _Field, countries_: _Countries) -> Callable[[typing.Any], str]:
	if f.is_country:
		return countries_.code
	if f.kind == "decimal":
		if f.df.fieldtype in ("Data", "Small Text"):
			return lambda v: "" if v is None else str(v)
		return lambda v: "" if v is None else str(Decimal(str(v)).quantize(CENT))
	if f.kind == "date":
		return lambda v: v.isoformat() if v else ""
	if f.kind == "flag":
		return lambda v: "1" if cint(v) else "0"
	if f.kind == "int":
		return lambda v: "" if v is None else str(cint(v))
	return lambda v: "" if v is None else str(v)


def export_tables(user: str | None = None) -> dict[str, list[dict[str, str]]]:
	"""The site's portfolio as rows of cell texts per bundle file, as ``user`` may read it.

	Parents come through frappe.get_list (the user's permissions apply); child rows only of
	parents the user may read.
	"""
	countries_ = _Countries()
	tables: dict[str, list[dict[str, str]]] = {name: [] for name in spec.FILE_ORDER}
	for file in WRITE_ORDER:
		fm = BUNDLE_MAP[file]
		meta = frappe.get_meta(fm.doctype)
		columns = [c for c in spec.FILES[file].columns if c not in fm.country_lists]
		key_is_name = bool(fm.key and not meta.get_field(fm.fieldname(fm.key)))
		if key_is_name:
			columns.remove(fm.key)
		fields = _fields(fm, fm.doctype, columns, file)
		if not frappe.has_permission(fm.doctype, "read", user=user):
			continue  # the file and its child files stay empty
		records = frappe.get_list(
			fm.doctype,
			fields=["name", *(f.fieldname for f in fields)],
			# A cancelled document is history: its amendment (if any) is the live one.
			filters={"docstatus": ("<", 2)} if meta.is_submittable else None,
			order_by="name asc",
			limit_page_length=0,
			user=user,
		)
		readable = {r.name for r in records}
		writers = [(f.column, f.fieldname, _exporter(f, countries_)) for f in fields]
		out = []
		for record in records:
			cells = {column: write(record.get(fieldname)) for column, fieldname, write in writers}
			if key_is_name:
				cells[fm.key] = record.name
			out.append(cells)

		for column in fm.country_lists:
			table = meta.get_field(column)
			link = next(
				df
				for df in frappe.get_meta(table.options).fields
				if df.fieldtype == "Link" and df.options == "Country"
			)
			lists = defaultdict(list)
			for row in _child_records(table.options, fm.doctype, table.fieldname, [link.fieldname]):
				if row.parent in readable:
					lists[row.parent].append(countries_.code(row.get(link.fieldname)))
			for record, cells in zip(records, out, strict=True):
				cells[column] = ";".join(lists.get(record.name, ()))
		tables[file] = out

		for child_file in CHILD_FILES:
			cfm = BUNDLE_MAP[child_file]
			if cfm.parent != fm.doctype:
				continue
			child_columns = [c for c in spec.FILES[child_file].columns if c != cfm.parent_key]
			child_fields = _fields(cfm, cfm.doctype, child_columns, child_file)
			writers = [(f.column, f.fieldname, _exporter(f, countries_)) for f in child_fields]
			rows = []
			for row in _child_records(
				cfm.doctype, fm.doctype, cfm.parentfield, [f.fieldname for f in child_fields]
			):
				if row.parent in readable:
					cells = {column: write(row.get(fieldname)) for column, fieldname, write in writers}
					cells[cfm.parent_key] = row.parent
					rows.append(cells)
			tables[child_file] = rows

	return tables


def _child_records(doctype: str, parenttype: str, parentfield: str, fieldnames: list[str]) -> list:
	return frappe.get_all(
		doctype,
		filters={"parenttype": parenttype, "parentfield": parentfield},
		fields=["parent", *fieldnames],
		order_by="parent asc, idx asc",
		limit_page_length=0,
	)


def export_bundle(folder: str | Path, user: str | None = None) -> dict[str, int]:
	"""Write the site's portfolio (what ``user``, default the session user, may read) as a CSV
	bundle in ``folder``; return the number of rows per file."""
	tables = export_tables(user)
	write_csv_bundle(tables, folder)
	return {name: len(rows) for name, rows in tables.items()}
