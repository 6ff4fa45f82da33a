"""The controllers' validation: a document as bundle cells, checked by the engine.

A controller's ``validate()`` calls :func:`validate_document`. It builds the bundle rows
of the document (its own row and its child-table rows) plus the few related records a
cross-file rule needs (taken from the database), runs the engine's ``validate_tables``
(every rule of the bundle contract), maps each problem on the document's own rows back
to the document field (bundle column -> fieldname through ``bundle_map``) and throws ONE
:class:`CTMValidationError` listing them all, each translated and naming its field.
Problems on related records are not this document's to fix and are left out.

A caller that has already validated the whole bundle with the engine (the bundle import)
may set ``doc.flags.ctm_skip_bundle_validation = True`` to skip this check.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _

from ctm_portfolio.ctm_portfolio.bundle_map import BUNDLE_MAP, FileMap
from ctm_portfolio.ctm_portfolio.countries import country_to_code
from ctm_portfolio.engine import BundleInvalid, Problem, spec, validate_tables

SKIP_FLAG = "ctm_skip_bundle_validation"
LIST_SEPARATOR = ";"

# DocType (parent or child) -> its bundle file.
FILE_OF_DOCTYPE: dict[str, FileMap] = {m.doctype: m for m in BUNDLE_MAP.values()}
# Parent DocType -> the files of its child tables.
CHILD_FILES: dict[str, list[FileMap]] = {}
for _map in BUNDLE_MAP.values():
	if _map.parent:
		CHILD_FILES.setdefault(_map.parent, []).append(_map)

# DocTypes that hold cases' data: refuse fields whose name suggests an identity.
PRIVACY_DOCTYPES = tuple(m.doctype for m in BUNDLE_MAP.values() if m.file in spec.PRIVACY_FILES)


class CTMValidationError(frappe.ValidationError):
	"""A document breaks a rule of the bundle contract; ``messages`` lists every problem."""

	def __init__(self, message: str = "", messages: list[str] | None = None):
		super().__init__(message)
		self.messages = messages or []

	def __str__(self) -> str:
		return "\n".join(self.messages) if self.messages else super().__str__()


# ---------------------------------------------------------------------------
# Cells


def cell(value) -> str:
	"""The bundle text of a field value (never through binary floating point rounding)."""
	if value is None:
		return ""
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, datetime.datetime):
		return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
	if isinstance(value, datetime.date):
		return value.isoformat()
	if isinstance(value, int):
		return str(value)
	if isinstance(value, float):
		if value.is_integer():
			return str(int(value))
		# repr is the shortest text that reads back as the same float: what was typed.
		return format(Decimal(repr(value)), "f")
	if isinstance(value, Decimal):
		return format(value, "f")
	return str(value).strip()


def split_list(text: str | None) -> list[str]:
	"""The items of a ';'-list cell, stripped, empty items dropped."""
	return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


def normalize_list(doc, *fieldnames: str, upper: bool = False) -> None:
	"""Tidy ';'-list fields in place: items stripped, empty items dropped (codes upper-cased)."""
	for fieldname in fieldnames:
		value = doc.get(fieldname)
		if value:
			items = split_list(value)
			doc.set(
				fieldname,
				LIST_SEPARATOR.join(i.upper() for i in items) if upper else LIST_SEPARATOR.join(items),
			)


def row_cells(doc, file_map: FileMap, parent=None) -> dict[str, str]:
	"""The bundle row of a document (or child row: ``parent`` is its parent document)."""
	cells = {}
	for column in spec.FILES[file_map.file].columns:
		if file_map.parent_key and column == file_map.parent_key:
			parent_map = FILE_OF_DOCTYPE[file_map.parent]
			value = parent.get(parent_map.fieldname(parent_map.key)) if parent is not None else None
			cells[column] = cell(value or (parent.name if parent is not None else None))
			continue
		fieldname = file_map.fieldname(column)
		value = doc.get(fieldname)
		if column in file_map.country_lists:
			codes = [
				_country_code(getattr(row, "country", None) or row.get("country")) for row in value or []
			]
			cells[column] = LIST_SEPARATOR.join(c for c in codes if c)
		elif column in file_map.countries:
			cells[column] = _country_code(value)
		else:
			cells[column] = cell(value)
	return cells


def _country_code(name: str | None) -> str:
	if not name:
		return ""
	# A country without a known code keeps its name, so that the engine names it in its message.
	return country_to_code(name) or name


# ---------------------------------------------------------------------------
# The tables of one check


@dataclass(frozen=True)
class Owner:
	"""Where a bundle row of the document being checked lives: the document or one child row."""

	doc: object
	table_field: str | None = None  # the child table's fieldname on the document
	idx: int | None = None  # the child row's 1-based index


class Tables:
	"""Bundle tables under construction; remembers which rows are the checked document's."""

	def __init__(self):
		self.tables: dict[str, list[dict[str, str]]] = {"projects.csv": []}
		self.owners: dict[tuple[str, int], Owner] = {}

	def add(self, file: str, cells: dict[str, str], owner: Owner | None = None) -> int:
		rows = self.tables.setdefault(file, [])
		rows.append(cells)
		number = len(rows) + 1  # the header is row 1
		if owner is not None:
			self.owners[(file, number)] = owner
		return number

	def add_doc(self, doc, own: bool = False, children: bool = True) -> None:
		"""Add a document's row and (``children``) its child-table rows."""
		file_map = FILE_OF_DOCTYPE[doc.doctype]
		self.add(file_map.file, row_cells(doc, file_map), Owner(doc) if own else None)
		if not children:
			return
		for child_map in CHILD_FILES.get(doc.doctype, ()):
			for index, row in enumerate(doc.get(child_map.parentfield) or [], start=1):
				owner = Owner(doc, child_map.parentfield, row.get("idx") or index) if own else None
				self.add(child_map.file, row_cells(row, child_map, parent=doc), owner)

	def add_record(self, doctype: str, name: str | None, children: bool = True) -> None:
		"""Add a related record from the database (nothing when it does not exist)."""
		if name and frappe.db.exists(doctype, name):
			self.add_doc(frappe.get_doc(doctype, name), children=children)

	def add_first_rate(self, currency: str | None) -> None:
		"""The earliest rate of ``currency``: enough for the rule 'a rate on or before the value date'."""
		if not currency or currency == "USD":
			return
		rates = frappe.get_all(
			"CTM Exchange Rate",
			filters={"currency": currency},
			fields=["name", "currency", "rate_date", "usd_per_unit"],
			order_by="rate_date asc",
			limit=1,
		)
		for rate in rates:
			self.add("rates.csv", row_cells(rate, BUNDLE_MAP["rates.csv"]))

	def check(self, doc) -> None:
		try:
			validate_tables(self.tables, source=f"{doc.doctype} {doc.name or ''}".strip())
		except BundleInvalid as invalid:
			messages = [m for m in (self.message(p) for p in invalid.problems) if m]
			if messages:
				throw(doc, messages)

	# -- problem -> message

	def message(self, p: Problem) -> str | None:
		"""The translated message of a problem on the document's rows; None for a related row."""
		text = problem_message(p, self._params(p))
		if p.row is None:
			return text  # a problem of a whole file: not expected from documents, but never hidden
		owner = self.owners.get((p.file, p.row))
		if owner is None:
			related = 2 <= p.row <= len(self.tables.get(p.file, [])) + 1
			return None if related else text
		where = field_label(owner, p.file, p.column)
		return f"{where}: {text}" if where else text

	def _params(self, p: Problem) -> dict:
		params = dict(p.params)
		first = params.get("first")
		if isinstance(first, int):
			# "duplicate ... (first at row N)": N is a bundle row; name the child row instead.
			owner = self.owners.get((p.file, first))
			if owner is not None and owner.idx is not None:
				params["first"] = owner.idx
		return params


# Params of the engine's messages that are English words, translated along with the template.
TRANSLATED_PARAMS = ("what", "doctype")


def problem_message(p: Problem, params: dict | None = None) -> str:
	"""The translated message of a problem: ``_(template).format(**params)``, word params translated too."""
	params = dict(p.params if params is None else params)
	for key in TRANSLATED_PARAMS:
		if isinstance(params.get(key), str):
			params[key] = _(params[key])
	return _(p.template).format(**params)


def field_label(owner: Owner, file: str, column: str | None) -> str:
	"""'Label' of a document field, or 'Label (row N of Table)' of a child row's field."""
	doc = owner.doc
	file_map = BUNDLE_MAP[file]
	if owner.table_field is None:
		if not column:
			return ""
		return _(doc.meta.get_label(file_map.fieldname(column)) or column)
	table_df = doc.meta.get_field(owner.table_field)
	table_label = _(table_df.label if table_df else owner.table_field)
	if not column:
		return _("Row {0} of {1}").format(owner.idx, table_label)
	if column == file_map.parent_key:
		parent_map = FILE_OF_DOCTYPE[doc.doctype]
		return _(doc.meta.get_label(parent_map.fieldname(parent_map.key)))
	child_meta = frappe.get_meta(file_map.doctype)
	label = _(child_meta.get_label(file_map.fieldname(column)) or column)
	return _("{0} (row {1} of {2})").format(label, owner.idx, table_label)


def throw(doc, messages: list[str]) -> None:
	"""Throw one CTMValidationError listing every message (HTML-escaped for the dialog)."""
	title = _("Invalid {0}").format(_(doc.doctype))
	error = CTMValidationError("\n".join(messages), messages)
	frappe.throw(
		[html.escape(m, quote=False) for m in messages],
		exc=error,
		title=title,
		as_list=True,
	)


# ---------------------------------------------------------------------------
# Per DocType: the document's rows and the related records its cross-file rules need


def _project(tables: Tables, doc) -> None:
	if doc.is_emergency_fund:
		# The fund that already exists goes first, so that the rule names this document.
		for other in frappe.get_all(
			"CTM Project",
			filters={"is_emergency_fund": 1, "name": ("!=", doc.name or "")},
			pluck="name",
			order_by="creation asc",
			limit=1,
		):
			tables.add_record("CTM Project", other, children=False)
	tables.add_doc(doc, own=True)
	tables.add_first_rate(doc.currency)


def _donor(tables: Tables, doc) -> None:
	tables.add_doc(doc, own=True)


def _contribution(tables: Tables, doc) -> None:
	tables.add_record("CTM Project", doc.project_code)  # with its modules: earmarks name them
	tables.add_record("CTM Donor", doc.donor_code)
	tables.add_doc(doc, own=True)
	tables.add_first_rate(doc.currency)


def _expenditure(tables: Tables, doc) -> None:
	tables.add_record("CTM Project", doc.project_code)  # with its modules
	if doc.contribution_id:
		tables.add_record("CTM Contribution", doc.contribution_id, children=False)
	tables.add_doc(doc, own=True)
	tables.add_first_rate(doc.currency)


def _case(tables: Tables, doc) -> None:
	if doc.project_code:
		tables.add_record("CTM Project", doc.project_code, children=False)
	tables.add_doc(doc, own=True)


def _disbursement(tables: Tables, doc) -> None:
	tables.add_doc(doc, own=True)
	tables.add_first_rate(doc.currency)


def _rate(tables: Tables, doc) -> None:
	tables.add_doc(doc, own=True)


BUILDERS = {
	"CTM Project": _project,
	"CTM Donor": _donor,
	"CTM Contribution": _contribution,
	"CTM Expenditure": _expenditure,
	"CTM Case": _case,
	"CTM Emergency Disbursement": _disbursement,
	"CTM Exchange Rate": _rate,
}


def validate_document(doc) -> None:
	"""Check ``doc`` against every rule of the bundle contract; throw CTMValidationError listing all."""
	if doc.flags.get(SKIP_FLAG):
		return
	messages = identity_field_messages(doc.doctype) if doc.doctype in PRIVACY_DOCTYPES else []
	if messages:
		throw(doc, messages)
	tables = Tables()
	BUILDERS[doc.doctype](tables, doc)
	tables.check(doc)


# ---------------------------------------------------------------------------
# Privacy: no field that could identify a person


def identity_name(fieldname: str | None, label: str | None = None) -> str | None:
	"""The identity column a field's name or label suggests (``custom_`` prefix ignored); else None."""
	for text in (fieldname, frappe.scrub(label) if label else None):
		if not text:
			continue
		text = text.strip().lower()
		for candidate in (text, text.removeprefix("custom_")):
			if candidate in spec.IDENTITY_COLUMNS:
				return candidate
	return None


def identity_field_messages(doctype: str) -> list[str]:
	"""A message per field of ``doctype`` (custom fields included) that could identify a person."""
	return [
		_("Field {0} could identify a person: a case carries no personal data").format(
			df.label or df.fieldname
		)
		for df in frappe.get_meta(doctype).fields
		if identity_name(df.fieldname, df.label)
	]


def refuse_identity_custom_field(doc, method=None) -> None:
	"""Doc event of Custom Field: refuse a field on a case DocType whose name suggests an identity."""
	if doc.dt in PRIVACY_DOCTYPES and identity_name(doc.fieldname, doc.label):
		frappe.throw(
			_(
				"{0} cannot have a field {1}: it could identify a person, and a case carries no personal data"
			).format(_(doc.dt), doc.label or doc.fieldname),
			CTMValidationError,
			title=_("Personal data refused"),
		)
