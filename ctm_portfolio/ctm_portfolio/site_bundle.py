"""The site's portfolio as the engine's frames, read with a few SQL queries, then reconciled.

One source of truth: the desk's reports show what :func:`ctm_portfolio.engine.reconcile` makes
of the site's data, never a second computation. This module only reads that data:

- **What a user may see.** Each DocType is read only when the user has read permission on it
  (a file of a DocType they may not read stays empty, as in :func:`bundle_io.export_tables`),
  and only its rows the user may read: the conditions Frappe's list view applies (role
  permissions, User Permissions, ``permission_query_conditions`` — a field-office user's cases
  and disbursements are those of their offices). Child rows (modules, targets, earmarks,
  receipts) come with the readable parents only. So the frames hold what
  ``bundle_io.export_bundle`` writes for the same user, and reconciling them gives the figures
  ``ctm-portfolio reconcile`` gives on that export, to the cent (a Frappe test holds the two).
- **SQL does the reading, pandas the rest; no Python loop over rows.** Each table is one
  ``SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS(...))``: the database formats every row as one
  line of delimited text — dates as day ordinals (``TO_DAYS() - 365``), money as integer
  cents — and pandas' C parser reads the text into the frame. Measured on the benchmark
  portfolio's 200,000 cases: 0.3-0.4 s in MariaDB and 0.3 s to parse, where fetching the same
  rows through the driver took 1.6-2.3 s, and aggregating in SQL does not pay: a ``GROUP BY``
  of what targets need (project, registration date, gender, age group, assistance) took 8.4 s
  and gave 199,189 groups (the registration dates are spread); expenditures grouped by
  (project, module, currency, date, contribution) took 3.2 s for 99,277 groups of 100,000.
  A table too big for one packet is read in hash buckets; a value holding a separator falls
  back to plain rows.
- **Narrowing.** Dated rows after the as-of date are left out in SQL (the engine leaves them
  out too). A project filter (region, project, field office) narrows everything tied to a
  project to those projects — modules, targets, contributions with their earmarks and
  receipts, expenditures, cases — so that roll-ups (a region's total) stay exact sums rounded
  once; donors, rates and the fund's disbursements are read whole, and a disbursement's case
  is looked up among all the readable cases. A report reads only the files it shows
  (``files``): a figure depends only on its own files (e.g. a module's spending on
  expenditures, never on cases).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

import frappe
import numpy as np
import pandas as pd
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Count
from frappe.utils import getdate
from pypika.enums import SqlTypes
from pypika.functions import Cast
from pypika.terms import AggregateFunction, Function, LiteralValue, Term

from ctm_portfolio.engine import spec
from ctm_portfolio.engine.bundle import Bundle
from ctm_portfolio.engine.reconcile import FRAME_COLUMNS, reconcile

PROJECT = "CTM Project"
MODULE = "CTM Budget Module"
TARGET = "CTM Beneficiary Target"
DONOR = "CTM Donor"
CONTRIBUTION = "CTM Contribution"
EARMARK = "CTM Contribution Earmark"
RECEIPT = "CTM Contribution Receipt"
EXPENDITURE = "CTM Expenditure"
CASE = "CTM Case"
DISBURSEMENT = "CTM Emergency Disbursement"
RATE = "CTM Exchange Rate"

EVERYTHING = frozenset(spec.FILE_ORDER)
# The DocType whose read permission a file needs (a child file: its parent's).
FILE_DOCTYPE = {
	"projects.csv": PROJECT,
	"modules.csv": PROJECT,
	"targets.csv": PROJECT,
	"donors.csv": DONOR,
	"contributions.csv": CONTRIBUTION,
	"earmarks.csv": CONTRIBUTION,
	"receipts.csv": CONTRIBUTION,
	"expenditures.csv": EXPENDITURE,
	"cases.csv": CASE,
	"disbursements.csv": DISBURSEMENT,
	"rates.csv": RATE,
}

# Kinds of frame column: how the database writes a value and the frame holds it.
TEXT = "text"  # str, None for empty
DAY = "day"  # day ordinal, -1 for none
CENTS = "cents"  # integer cents
INT = "int"
FLAG = "flag"  # bool
LIST = "list"  # tuple of the ;-separated words
RATE_TEXT = "rate"  # Decimal of the stored text
INT_KINDS = frozenset({DAY, CENTS, INT, FLAG})

FIELD_SEP = "\x1f"  # ASCII unit separator
ROW_SEP = "\x1e"  # ASCII record separator
END = "E"  # the last field of every packed row: a row cut short lacks it
PACK_MARGIN = 0.8  # fill a packet to at most this share of the limit
MAX_BUCKETS = 4096
DAY_OFFSET = 365  # TO_DAYS('0001-01-01') = 366 = date(1, 1, 1).toordinal() + 365


class SiteDataError(frappe.ValidationError):
	pass


# --- SQL terms --------------------------------------------------------------------------------


class _Sql(Criterion):
	"""A condition written in SQL by Frappe itself (a DocType's permission conditions)."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		# frappe.qb runs queries with parameters: a literal % must be doubled.
		return "(" + self.sql.replace("%", "%%") + ")"


class _Packed(AggregateFunction):
	"""GROUP_CONCAT(CONCAT_WS(<field sep>, ...) SEPARATOR <row sep>): the rows as one text."""

	def __init__(self, terms: list[Term]):
		super().__init__("GROUP_CONCAT", Function("CONCAT_WS", LiteralValue(f"'{FIELD_SEP}'"), *terms))

	def get_special_params_sql(self, **kwargs) -> str:
		return f"SEPARATOR '{ROW_SEP}'"


def _expr(term: Term, kind: str) -> Term:
	"""``term`` as the text the frame reads (no NULL: CONCAT_WS would skip it)."""
	if kind == DAY:
		return Function("IFNULL", Function("TO_DAYS", term) - DAY_OFFSET, -1)
	if kind == CENTS:
		return Function("IFNULL", Cast(Function("ROUND", term * 100), SqlTypes.SIGNED), 0)
	if kind in (INT, FLAG):
		return Function("IFNULL", term, 0)
	return Function("IFNULL", term, "")


@dataclass(frozen=True)
class Col:
	"""A frame column: its name, the term it is read from, its kind."""

	name: str
	term: Term
	kind: str


# --- reading a table --------------------------------------------------------------------------


class _Reader:
	"""Reads queries into frames through packed text; counts what it did (for benchmarks).

	The queries run one after the other on the site's connection, in the calling thread; reading
	each answer's text into a frame (pure pandas, no Frappe) runs on one worker thread meanwhile,
	so that the database and the driver work on the next table while pandas reads the last one
	(the driver waits on its socket and pandas' tokenizer runs, both without the GIL)."""

	def __init__(self):
		self.queries = 0
		self.rows = 0
		self.db_seconds = 0.0  # in the database and the driver (the rest: parsing into frames)
		self._limit: int | None = None
		self._saved: int | None = None
		self._pool: ThreadPoolExecutor | None = None

	def __enter__(self):
		self._saved, packet = frappe.db.sql("select @@session.group_concat_max_len, @@max_allowed_packet")[0]
		self._limit = max(int(packet) - 4096, 1 << 16)
		frappe.db.sql(f"set session group_concat_max_len = {int(self._limit)}")
		self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctm-site-bundle")
		return self

	def __exit__(self, *exc):
		if self._pool is not None:
			self._pool.shutdown(wait=True, cancel_futures=True)
		if self._saved is not None:
			frappe.db.sql(f"set session group_concat_max_len = {int(self._saved)}")

	def frame_later(
		self, query, table: Term, cols: list[Col], order_by: list[Term] | None = None
	) -> Callable[[], pd.DataFrame]:
		"""Runs the queries for the rows of ``query`` (a frappe.qb query with FROM and WHERE) now and
		reads their text on the worker thread; returns what gives the frame of ``cols`` (call it in
		this thread: it may need the database again)."""
		packed = [*(_expr(c.term, c.kind) for c in cols), LiteralValue(f"'{END}'")]
		buckets = 1
		while True:
			parts = []
			for bucket in range(buckets):
				q = query
				if buckets > 1:
					q = q.where(Function("MOD", Function("CRC32", table.name), buckets) == bucket)
				concat = _Packed(packed)
				if order_by:
					concat = _OrderedPacked(packed, order_by)
				started = time.perf_counter()
				count, text = q.select(Count("*"), concat).run()[0]
				self.db_seconds += time.perf_counter() - started
				self.queries += 1
				parts.append((int(count), text))
			if not any(self._cut(count, text) for count, text in parts):
				break
			if buckets >= MAX_BUCKETS:
				frame = self.plain(query, cols, order_by)
				return lambda: frame
			biggest = max(_bytes(text) for _count, text in parts) or self._limit
			buckets = min(
				MAX_BUCKETS, max(buckets * 2, math.ceil(buckets * biggest / (self._limit * PACK_MARGIN)))
			)
		read = self._pool.submit(_read_parts, parts, cols)

		def result() -> pd.DataFrame:
			frame = read.result()
			if frame is None:  # a value holds a separator: read plain rows instead
				return self.plain(query, cols, order_by)
			self.rows += len(frame)
			return frame

		return result

	def _cut(self, count: int, text: str | None) -> bool:
		"""Whether the database cut the packed rows short (at group_concat_max_len, in bytes)."""
		return bool(count) and (text is None or _bytes(text) >= self._limit)

	def plain(self, query, cols: list[Col], order_by: list[Term] | None = None) -> pd.DataFrame:
		"""The same rows fetched one by one through the driver (the slow, always-safe path)."""
		q = query.select(*(_expr(c.term, c.kind).as_(f"c{i}") for i, c in enumerate(cols)))
		for term in order_by or ():
			q = q.orderby(term)
		started = time.perf_counter()
		rows = q.run()
		self.db_seconds += time.perf_counter() - started
		self.queries += 1
		self.rows += len(rows)
		frame = pd.DataFrame(list(rows), columns=[c.name for c in cols])
		for c in cols:
			frame[c.name] = frame[c.name].astype(np.int64 if c.kind in INT_KINDS else object)
		return _typed(frame, cols)


class _OrderedPacked(_Packed):
	"""GROUP_CONCAT(... ORDER BY ... SEPARATOR ...)."""

	def __init__(self, terms: list[Term], order_by: list[Term]):
		super().__init__(terms)
		self.order_by = order_by

	def get_special_params_sql(self, **kwargs) -> str:
		order = ", ".join(t.get_sql(**kwargs) for t in self.order_by)
		return f"ORDER BY {order} SEPARATOR '{ROW_SEP}'"


def _bytes(text: str | None) -> int:
	"""The length of ``text`` in UTF-8 (what group_concat_max_len counts)."""
	if not text:
		return 0
	return len(text) if text.isascii() else len(text.encode("utf-8"))


def _read_parts(parts: list[tuple[int, str | None]], cols: list[Col]) -> pd.DataFrame | None:
	"""The packed rows of every part as one frame of ``cols``; None when some do not read back whole."""
	frames = []
	for count, text in parts:
		if not count:
			continue
		frame = _parse(text, cols, count)
		if frame is None:
			return None
		frames.append(frame)
	if not frames:
		return empty_frame(cols)
	frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
	return _typed(frame, cols)


def _parse(text: str, cols: list[Col], count: int) -> pd.DataFrame | None:
	"""The packed rows as a frame of texts and integers; None when they do not read back whole.

	The rows read back whole when the text holds exactly the separators ``count`` rows of
	``cols`` (and the end marker) make: then no value holds a separator, every row has all its
	fields, and the end marker (not read into the frame) is where it should be."""
	if text.count(ROW_SEP) != count - 1 or text.count(FIELD_SEP) != count * len(cols):
		return None
	names = [c.name for c in cols]
	try:
		frame = pd.read_csv(
			io.BytesIO(text.encode("utf-8")),  # bytes parse a quarter faster than the str
			sep=FIELD_SEP,
			lineterminator=ROW_SEP,
			header=None,
			names=[*names, "_end"],
			usecols=names,
			dtype={c.name: (np.int64 if c.kind in INT_KINDS else object) for c in cols},
			keep_default_na=False,
			na_filter=False,
			skip_blank_lines=False,
			quoting=csv.QUOTE_NONE,
			engine="c",
		)
	except (ValueError, pd.errors.ParserError):
		return None
	return frame if len(frame) == count else None


def empty_frame(cols: list[Col]) -> pd.DataFrame:
	"""A frame of ``cols`` without rows, with the column types of a read one."""
	frame = pd.DataFrame(
		{c.name: pd.Series([], dtype=np.int64 if c.kind in INT_KINDS else object) for c in cols}
	)
	return _typed(frame, cols)


def _typed(frame: pd.DataFrame, cols: list[Col]) -> pd.DataFrame:
	"""Texts and integers as the engine's frames hold them."""
	for c in cols:
		values = frame[c.name]
		if c.kind == TEXT:
			array = values.to_numpy(dtype=object, copy=True)
			array[array == ""] = None
			frame[c.name] = pd.Series(array, index=frame.index, dtype=object)
		elif c.kind == FLAG:
			frame[c.name] = values.astype(bool)
		elif c.kind in (LIST, RATE_TEXT):
			codes, texts = pd.factorize(values.to_numpy(dtype=object))
			if c.kind == LIST:
				converted = [tuple(w for w in t.split(";") if w) if t else () for t in texts]
			else:
				converted = [Decimal(t.strip()) if t.strip() else None for t in texts]
			out = np.empty(len(converted), dtype=object)
			out[:] = converted
			frame[c.name] = pd.Series(out[codes] if len(codes) else out[:0], index=frame.index, dtype=object)
	return frame


# --- what the user may read -------------------------------------------------------------------


def readable_files(user: str | None = None) -> frozenset[str]:
	"""The bundle files whose DocType ``user`` may read."""
	allowed = {d: frappe.has_permission(d, "read", user=user) for d in set(FILE_DOCTYPE.values())}
	return frozenset(name for name, doctype in FILE_DOCTYPE.items() if allowed[doctype])


def permitted(doctype: str, user: str | None = None) -> Criterion | None:
	"""The rows of ``doctype`` ``user`` may read, as a condition on its table (None: every row).
	The caller has checked read permission on the DocType."""
	conditions = DatabaseQuery(doctype, user=user or frappe.session.user).build_match_conditions(
		as_condition=True
	)
	return _Sql(conditions) if conditions else None


def _where(query, *conditions):
	for condition in conditions:
		if condition is not None:
			query = query.where(condition)
	return query


# --- the portfolio ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilter:
	"""Narrows the portfolio to some projects (a None: not narrowed by it)."""

	region: str | None = None
	project: str | None = None
	field_office: str | None = None
	field_offices: tuple[str, ...] | None = None  # any of these offices (a field-office user's)

	def __bool__(self) -> bool:
		return any((self.region, self.project, self.field_office)) or self.field_offices is not None

	def criterion(self, project: Term) -> Criterion | None:
		conditions = []
		if self.region:
			conditions.append(project.region == self.region)
		if self.project:
			conditions.append(project.name == self.project)
		if self.field_office:
			conditions.append(project.field_office == self.field_office)
		if self.field_offices is not None:
			conditions.append(
				project.field_office.isin(list(self.field_offices))
				if self.field_offices
				else project.name.isnull()  # no office: no project
			)
		return Criterion.all(conditions) if conditions else None


class _Tables:
	def __init__(self):
		qb = frappe.qb
		self.P, self.M, self.T = qb.DocType(PROJECT), qb.DocType(MODULE), qb.DocType(TARGET)
		self.D, self.C = qb.DocType(DONOR), qb.DocType(CONTRIBUTION)
		self.EM, self.R = qb.DocType(EARMARK), qb.DocType(RECEIPT)
		self.X, self.K = qb.DocType(EXPENDITURE), qb.DocType(CASE)
		self.Y, self.FX = qb.DocType(DISBURSEMENT), qb.DocType(RATE)


def _key(table: Term, doctype: str, fieldname: str) -> Term:
	"""A file's key column: its field when the DocType has one (a submittable document's amendment
	is named ``<name>-1`` but keeps the key), else the document's name; as the export reads it."""
	return table[fieldname] if frappe.get_meta(doctype).get_field(fieldname) else table.name


def _columns(name: str, t: _Tables) -> tuple[Term, list[Col], list[Term] | None]:
	"""The table a file is read from, its columns (the engine's, plus a project's field office),
	and the order its rows keep (that of an export, where order can show: child rows, rates)."""
	P, M, T, D, C, EM, R, X, K, Y, FX = (t.P, t.M, t.T, t.D, t.C, t.EM, t.R, t.X, t.K, t.Y, t.FX)
	if name == "projects.csv":
		return (
			P,
			[
				Col("project_code", _key(P, PROJECT, "project_code"), TEXT),
				Col("title", P.title, TEXT),
				Col("title_language", P.title_language, TEXT),
				Col("region", P.region, TEXT),
				Col("field_office", P.field_office, TEXT),
				Col("start_date", P.start_date, DAY),
				Col("end_date", P.end_date, DAY),
				Col("status", P.status, TEXT),
				Col("currency", P.currency, TEXT),
				Col("is_emergency_fund", P.is_emergency_fund, FLAG),
			],
			[P.name],
		)
	if name == "modules.csv":
		return (
			M,
			[
				Col("project_code", M.parent, TEXT),
				Col("module", M.module, TEXT),
				Col("budget_cents", M.budget, CENTS),
			],
			[M.parent, M.idx],
		)
	if name == "targets.csv":
		return (
			T,
			[
				Col("project_code", T.parent, TEXT),
				Col("beneficiary_group", T.beneficiary_group, TEXT),
				Col("assistance_type", T.assistance_type, TEXT),
				Col("target", T.target, INT),
				Col("period_start", T.period_start, DAY),
				Col("period_end", T.period_end, DAY),
			],
			[T.parent, T.idx],
		)
	if name == "donors.csv":
		return (
			D,
			[
				Col("donor_code", _key(D, DONOR, "donor_code"), TEXT),
				Col("name", D.donor_name, TEXT),
				Col("donor_type", D.donor_type, TEXT),
			],
			[D.name],
		)
	if name == "contributions.csv":
		return (
			C,
			[
				Col("contribution_id", _key(C, CONTRIBUTION, "contribution_id"), TEXT),
				Col("donor_code", C.donor_code, TEXT),
				Col("project_code", C.project_code, TEXT),
				Col("currency", C.currency, TEXT),
				Col("amount_cents", C.amount, CENTS),
				Col("pledge_date", C.pledge_date, DAY),
				Col("status", C.status, TEXT),
			],
			[C.name],
		)
	if name == "earmarks.csv":
		return (
			EM,
			[
				Col("contribution_id", EM.parent, TEXT),
				Col("module", EM.module, TEXT),
				Col("amount_cents", EM.amount, CENTS),
			],
			[EM.parent, EM.idx],
		)
	if name == "receipts.csv":
		return (
			R,
			[
				Col("contribution_id", R.parent, TEXT),
				Col("date", R.receipt_date, DAY),
				Col("amount_cents", R.amount, CENTS),
			],
			[R.parent, R.idx],
		)
	if name == "expenditures.csv":
		return (
			X,
			[
				Col("expenditure_id", _key(X, EXPENDITURE, "expenditure_id"), TEXT),
				Col("project_code", X.project_code, TEXT),
				Col("module", X.module, TEXT),
				Col("date", X.expenditure_date, DAY),
				Col("amount_cents", X.amount, CENTS),
				Col("currency", X.currency, TEXT),
				Col("contribution_id", X.contribution_id, TEXT),
			],
			None,
		)
	if name == "cases.csv":
		return (
			K,
			[
				Col("case_id", _key(K, CASE, "case_id"), TEXT),
				Col("project_code", K.project_code, TEXT),
				Col("registration_date", K.registration_date, DAY),
				Col("gender", K.gender, TEXT),
				Col("age_group", K.age_group, TEXT),
				Col("assistance", K.assistance, LIST),
			],
			None,
		)
	if name == "disbursements.csv":
		return (
			Y,
			[
				Col("disbursement_id", _key(Y, DISBURSEMENT, "disbursement_id"), TEXT),
				Col("case_id", Y.case_id, TEXT),
				Col("field_office", Y.field_office, TEXT),
				Col("assistance_type", Y.assistance_type, TEXT),
				Col("amount_cents", Y.amount, CENTS),
				Col("currency", Y.currency, TEXT),
				Col("requested_date", Y.requested_date, DAY),
				Col("status", Y.status, TEXT),
				Col("disbursed_date", Y.disbursed_date, DAY),
			],
			None,
		)
	if name == "rates.csv":
		return (
			FX,
			[
				Col("currency", FX.currency, TEXT),
				Col("date", FX.rate_date, DAY),
				Col("usd_per_unit", FX.usd_per_unit, RATE_TEXT),
			],
			[FX.currency, FX.rate_date],
		)
	raise KeyError(name)


def _on_or_before(term: Term, day: datetime.date) -> Criterion:
	# A missing date counts as on or before, as the engine's -1 does (the DocTypes require these dates).
	return (term <= day) | term.isnull()


def _query(name: str, t: _Tables, as_of: datetime.date, user: str, projects: ProjectFilter, cases: str):
	"""FROM and WHERE of a file: the rows ``user`` may read, narrowed."""
	qb = frappe.qb
	P, C, X, K, Y = t.P, t.C, t.X, t.K, t.Y
	narrowing = projects.criterion(P)
	selected = qb.from_(P).select(P.name).where(narrowing) if narrowing is not None else None

	def perm(doctype: str):
		"""The rows ``user`` may read; of a submittable DocType, not the cancelled ones (history,
		which the export leaves out too: an amendment replaces them)."""
		condition = permitted(doctype, user)
		if frappe.get_meta(doctype).is_submittable:
			live = frappe.qb.DocType(doctype).docstatus < 2
			condition = live if condition is None else condition & live
		return condition

	def child(table: Term, parent: Term, doctype: str, parentfield: str, *more):
		return _where(
			qb.from_(table).join(parent).on(table.parent == parent.name),
			table.parenttype == doctype,
			table.parentfield == parentfield,
			perm(doctype),
			*more,
		)

	by_contribution = C.project_code.isin(selected) if selected is not None else None
	if name == "projects.csv":
		return _where(qb.from_(P), perm(PROJECT), narrowing)
	if name == "modules.csv":
		return child(t.M, P, PROJECT, "modules", narrowing)
	if name == "targets.csv":
		return child(t.T, P, PROJECT, "targets", narrowing)
	if name == "donors.csv":
		return _where(qb.from_(t.D), perm(DONOR))
	if name == "contributions.csv":
		return _where(qb.from_(C), perm(CONTRIBUTION), by_contribution)
	if name == "earmarks.csv":
		return child(t.EM, C, CONTRIBUTION, "earmarks", by_contribution)
	if name == "receipts.csv":
		return child(
			t.R, C, CONTRIBUTION, "receipts", by_contribution, _on_or_before(t.R.receipt_date, as_of)
		)
	if name == "expenditures.csv":
		return _where(
			qb.from_(X),
			perm(EXPENDITURE),
			_on_or_before(X.expenditure_date, as_of),
			X.project_code.isin(selected) if selected is not None else None,
		)
	if name == "cases.csv":
		# A disbursement's case is looked up among every readable case, whatever the project filter.
		named = K.name.isin(qb.from_(Y).select(Y.case_id).where(Y.case_id.isnotnull()))
		scope = None
		if cases == NAMED_CASES:
			scope = named
		elif selected is not None:
			scope = K.project_code.isin(selected)
			if cases == ALL_CASES_AND_NAMED:
				scope = scope | named
		return _where(qb.from_(K), perm(CASE), _on_or_before(K.registration_date, as_of), scope)
	if name == "disbursements.csv":
		return _where(qb.from_(Y), perm(DISBURSEMENT))
	if name == "rates.csv":
		return _where(qb.from_(t.FX), perm(RATE))
	raise KeyError(name)


ALL_CASES, ALL_CASES_AND_NAMED, NAMED_CASES = "all", "all+named", "named"


@dataclass
class SiteBundle:
	"""The engine's bundle of the site as a user may see it, and what was read."""

	bundle: Bundle
	as_of: datetime.date
	readable: frozenset[str]  # files whose DocType the user may read
	files: frozenset[str]  # files read (the others are empty)
	projects: ProjectFilter
	named_cases_only: bool = False
	queries: int = 0
	rows: int = 0
	db_seconds: float = 0.0

	@property
	def frames(self) -> dict[str, pd.DataFrame]:
		return self.bundle.frames

	def shows(self, *files: str) -> bool:
		"""Whether every one of ``files`` was read (the user may read its DocType)."""
		return all(f in self.files for f in files)


def load(
	as_of: datetime.date | str | None = None,
	files: frozenset[str] | set[str] = EVERYTHING,
	projects: ProjectFilter | None = None,
	named_cases_only: bool = False,
	user: str | None = None,
) -> SiteBundle:
	"""The site's portfolio as the engine's frames, as ``user`` (default: the session user) may see it.

	``files``: the bundle files to read (the others are empty frames). ``projects``: narrow to
	those projects. ``named_cases_only``: of the caseload, read only the cases a disbursement
	names (what the emergency fund's reconciliation needs), not every case.
	"""
	as_of = getdate(as_of) if as_of else getdate()
	user = user or frappe.session.user
	projects = projects or ProjectFilter()
	readable = readable_files(user)
	wanted = frozenset(files) & readable
	if named_cases_only:
		cases = NAMED_CASES
	else:
		cases = ALL_CASES_AND_NAMED if "disbursements.csv" in wanted else ALL_CASES
	t = _Tables()
	frames: dict[str, pd.DataFrame] = {}
	pending: dict[str, Callable[[], pd.DataFrame]] = {}
	with _Reader() as reader:
		for name in spec.FILE_ORDER:
			table, cols, order_by = _columns(name, t)
			if name == "cases.csv" and "disbursements.csv" not in wanted:
				# The engine needs a case's id only to match disbursements: without them, 15 % less
				# text to read (the frame's rows are still one per case, with no id).
				cols = [Col(c.name, LiteralValue("''"), TEXT) if c.name == "case_id" else c for c in cols]
			if name in wanted:
				query = _query(name, t, as_of, user, projects, cases)
				pending[name] = reader.frame_later(query, table, cols, order_by)
			else:
				frames[name] = empty_frame(cols)
		for name, frame in pending.items():
			frames[name] = frame()
	frames = {name: frames[name] for name in spec.FILE_ORDER}
	bundle = Bundle(source=f"site:{frappe.local.site}", frames=frames)
	return SiteBundle(
		bundle,
		as_of,
		readable,
		wanted,
		projects,
		named_cases_only,
		reader.queries,
		reader.rows,
		reader.db_seconds,
	)


@dataclass
class SiteReconciliation:
	"""The engine's result (``details=True``) on a :class:`SiteBundle`, and the seconds each part
	took: ``db`` (the queries, in the database and the driver), ``load`` (db and reading the text
	into frames), ``engine`` (reconcile)."""

	site: SiteBundle
	result: dict
	seconds: dict = field(default_factory=dict)

	def shows(self, *files: str) -> bool:
		return self.site.shows(*files)


def reconcile_site(
	as_of: datetime.date | str | None = None,
	files: frozenset[str] | set[str] = EVERYTHING,
	projects: ProjectFilter | None = None,
	named_cases_only: bool = False,
	user: str | None = None,
) -> SiteReconciliation:
	"""The engine's reconciliation (with details) of the site as ``user`` may see it; see :func:`load`."""
	started = time.perf_counter()
	site = load(as_of, files, projects, named_cases_only, user)
	loaded = time.perf_counter()
	try:
		result = reconcile(site.bundle, site.as_of, details=True)
	except ValueError as error:  # a money row with no rate in force on its value date
		frappe.throw(
			_("Cannot reconcile: {0}. Add the missing {1}.").format(error, _(RATE)),
			exc=SiteDataError,
			title=_("Missing exchange rate"),
		)
	done = time.perf_counter()
	seconds = {"db": site.db_seconds, "load": loaded - started, "engine": done - loaded}
	return SiteReconciliation(site, result, seconds)
