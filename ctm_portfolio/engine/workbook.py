"""The reconciliation as an Excel workbook finance staff can send on (xlsxwriter).

``write_workbook(result, target)`` takes the dict of :func:`.reconcile.reconcile` (money
already rounded once to cents) and writes one sheet per part of it. Money is written as a
number converted from its Decimal only at write time; every derived figure (a module's
variance, a target's attainment and shortfall) is computed in Decimal or int first.

Every human text is in :data:`LABELS`; pass ``labels`` to override some or all of them
(a translation). Sheet names are labels too (``sheet_*``), so a translation may rename
them; the default English names are the contract's.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import xlsxwriter

from . import spec
from .reconcile import ERROR, FINDINGS, MONEY_FIGURES, WARNING

LABELS: dict[str, str] = {
	# sheets
	"sheet_portfolio": "Portfolio",
	"sheet_regions": "Regions",
	"sheet_projects": "Projects",
	"sheet_modules": "Modules",
	"sheet_targets": "Targets",
	"sheet_donors": "Donors",
	"sheet_emergency_fund": "Emergency Fund",
	"sheet_findings": "Findings",
	# label / value tables
	"figure": "Figure",
	"value": "Value",
	"as_of": "As of",
	"currency": "Currency",
	"projects_by_status": "Projects by status",
	"findings_by_severity": "Findings by severity",
	"error": "Errors",
	"warning": "Warnings",
	"chart_regions": "Budget, pledged and spent by region (USD)",
	"no_emergency_fund": "No emergency fund in this portfolio",
	"yes": "Yes",
	"no": "No",
	# columns and figures
	"region": "Region",
	"project_count": "Projects",
	"project_code": "Project code",
	"title": "Title",
	"title_language": "Title language",
	"status": "Status",
	"is_emergency_fund": "Emergency fund",
	"budget_usd": "Budget (USD)",
	"pledged_usd": "Pledged (USD)",
	"received_usd": "Received (USD)",
	"outstanding_usd": "Outstanding (USD)",
	"spent_usd": "Spent (USD)",
	"funding_gap_usd": "Funding gap (USD)",
	"cash_balance_usd": "Cash balance (USD)",
	"burn_rate": "Burn rate",
	"cases_assisted": "Cases assisted",
	"cost_per_beneficiary_usd": "Cost per beneficiary (USD)",
	"module": "Module",
	"earmarked_usd": "Earmarked (USD)",
	"variance_usd": "Variance (USD)",
	"beneficiary_group": "Beneficiary group",
	"assistance_type": "Assistance type",
	"period_start": "Period start",
	"period_end": "Period end",
	"target": "Target",
	"assisted": "Assisted",
	"attainment": "Attainment",
	"shortfall": "Shortfall",
	"donor_code": "Donor code",
	"name": "Name",
	"donor_type": "Donor type",
	"disbursed_usd": "Disbursed (USD)",
	"committed_usd": "Committed (USD)",
	"available_usd": "Available (USD)",
	"field_office": "Field office",
	"code": "Code",
	"severity": "Severity",
	"entity": "Entity",
	"id": "ID",
	"message": "Message",
	"amount_usd": "Amount (USD)",
	"description": "Description",
	# project statuses (Regions columns, Portfolio rows)
	**{f"status_{status}": status for status in spec.PROJECT_STATUSES},
	# finding descriptions (the legend)
	**{f"finding_{code}": description for code, (_, description) in FINDINGS.items()},
}

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"
HEADER_FILL = "#D9E1F2"
MIN_WIDTH, MAX_WIDTH = 6, 60
PERCENT_PLACES = Decimal("0.0001")  # a fraction to 4 places = a percentage to 2

# Kinds of cell: how a value is written and formatted.
TEXT, MONEY, COUNT, DATE, PERCENT, FLAG = "text", "money", "count", "date", "percent", "flag"


def write_workbook(result: dict, target, labels: dict | None = None) -> None:
	"""Write ``result`` (from ``reconcile``) as an .xlsx to a path or a binary file-like object."""
	text = {**LABELS, **(labels or {})}
	options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
	if hasattr(target, "write"):
		workbook = xlsxwriter.Workbook(target, {**options, "in_memory": True})
	else:
		workbook = xlsxwriter.Workbook(os.fspath(target), options)
	try:
		_Writer(workbook, text).write(result)
	finally:
		workbook.close()


def attainment(assisted: int, target: int) -> Decimal | None:
	"""Assisted / target as a fraction rounded half-up to 4 places (None when target is 0)."""
	if not target:
		return None
	return (Decimal(assisted) / Decimal(target)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


class _Sheet:
	"""A worksheet with its column widths tracked from what is written into it."""

	def __init__(self, writer: _Writer, name: str):
		self.writer = writer
		self.ws = writer.workbook.add_worksheet(name)
		self.widths: dict[int, int] = {}
		self.ws.set_landscape()
		self.ws.set_paper(9)  # A4
		self.ws.fit_to_pages(1, 0)
		self.ws.repeat_rows(0)
		self.ws.freeze_panes(1, 0)

	def _fit(self, col: int, shown: str) -> None:
		self.widths[col] = max(self.widths.get(col, 0), len(shown))

	def header(self, row: int, col: int, keys: list[str]) -> None:
		fmt = self.writer.fmt["header"]
		for offset, key in enumerate(keys):
			label = self.writer.text[key]
			self.ws.write_string(row, col + offset, label, fmt)
			self._fit(col + offset, label)

	def cell(self, row: int, col: int, value, kind: str) -> None:
		ws, fmt = self.ws, self.writer.fmt
		if value is None or value == "":
			ws.write_blank(row, col, None, fmt.get(kind))
			return
		if kind == MONEY:
			if not isinstance(value, Decimal):
				raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
			ws.write_number(row, col, float(value) if value else 0.0, fmt[MONEY])
			self._fit(col, f"{value:,.2f}")
		elif kind == PERCENT:
			ws.write_number(row, col, float(value) if value else 0.0, fmt[PERCENT])
			self._fit(col, f"{value * 100:.2f}%")
		elif kind == COUNT:
			ws.write_number(row, col, int(value), fmt[COUNT])
			self._fit(col, f"{int(value):,}")
		elif kind == DATE:
			ws.write_datetime(row, col, value, fmt[DATE])
			self._fit(col, "yyyy-mm-dd")
		elif kind == FLAG:
			shown = self.writer.text["yes" if value else "no"]
			ws.write_string(row, col, shown)
			self._fit(col, shown)
		else:
			shown = str(value)
			ws.write_string(row, col, shown)
			self._fit(col, shown)

	def table(self, row: int, col: int, columns: list[tuple[str, str]], rows: list[dict]) -> int:
		"""A header row and one row per dict; returns the last row written."""
		self.header(row, col, [key for key, _ in columns])
		for r, values in enumerate(rows, start=row + 1):
			for c, (key, kind) in enumerate(columns, start=col):
				self.cell(r, c, values.get(key), kind)
		return row + len(rows)

	def label(self, row: int, col: int, text: str, bold: bool = False) -> None:
		self.ws.write_string(row, col, text, self.writer.fmt["bold"] if bold else None)
		self._fit(col, text)

	def finish(self) -> None:
		for col, width in self.widths.items():
			self.ws.set_column(col, col, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))


class _Writer:
	def __init__(self, workbook: xlsxwriter.Workbook, text: dict[str, str]):
		self.workbook = workbook
		self.text = text
		self.fmt = {
			"header": workbook.add_format(
				{"bold": True, "bg_color": HEADER_FILL, "border": 1, "valign": "top"}
			),
			"bold": workbook.add_format({"bold": True}),
			MONEY: workbook.add_format({"num_format": MONEY_FORMAT}),
			COUNT: workbook.add_format({"num_format": COUNT_FORMAT}),
			DATE: workbook.add_format({"num_format": DATE_FORMAT}),
			PERCENT: workbook.add_format({"num_format": PERCENT_FORMAT}),
		}

	def sheet(self, key: str) -> _Sheet:
		return _Sheet(self, self.text[key])

	def write(self, result: dict) -> None:
		self.portfolio(result)
		self.regions(result["regions"])
		self.projects(result["projects"])
		self.modules(result["projects"])
		self.targets(result["projects"])
		self.donors(result["donors"])
		self.emergency_fund(result["emergency_fund"])
		self.findings(result["findings"])

	def figures(self, sheet: _Sheet, rows: list[tuple[str, object, str]]) -> int:
		"""A label / value table (header row 0); returns its last row."""
		sheet.header(0, 0, ["figure", "value"])
		row = 0
		for key, value, kind in rows:
			row += 1
			if kind == "section":
				sheet.label(row, 0, self.text[key], bold=True)
				continue
			sheet.label(row, 0, self.text[key])
			sheet.cell(row, 1, value, kind)
		sheet.ws.autofilter(0, 0, row, 1)
		return row

	def portfolio(self, result: dict) -> None:
		sheet = self.sheet("sheet_portfolio")
		p = result["portfolio"]
		severities = Counter(f["severity"] for f in result["findings"])
		rows: list[tuple[str, object, str]] = [
			("as_of", result["as_of"], DATE),
			("currency", result["currency"], TEXT),
			("project_count", p["project_count"], COUNT),
			*((figure, p[figure], MONEY) for figure in MONEY_FIGURES),
			("cases_assisted", p["cases_assisted"], COUNT),
			("projects_by_status", None, "section"),
			*(
				(f"status_{status}", p["projects_by_status"].get(status, 0), COUNT)
				for status in spec.PROJECT_STATUSES
			),
			("findings_by_severity", None, "section"),
			(ERROR, severities.get(ERROR, 0), COUNT),
			(WARNING, severities.get(WARNING, 0), COUNT),
		]
		self.figures(sheet, rows)
		sheet.finish()

	def regions(self, regions: list[dict]) -> None:
		sheet = self.sheet("sheet_regions")
		statuses = [(f"status_{s}", COUNT) for s in spec.PROJECT_STATUSES]
		columns = [
			("region", TEXT),
			("project_count", COUNT),
			*statuses,
			*((figure, MONEY) for figure in MONEY_FIGURES),
			("cases_assisted", COUNT),
		]
		rows = [
			{**r, **{f"status_{s}": r["projects_by_status"].get(s, 0) for s in spec.PROJECT_STATUSES}}
			for r in regions
		]
		last = sheet.table(0, 0, columns, rows)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		if regions:
			keys = [key for key, _ in columns]
			name = sheet.ws.get_name()
			chart = self.workbook.add_chart({"type": "column"})
			for figure in ("budget_usd", "pledged_usd", "spent_usd"):
				col = keys.index(figure)
				chart.add_series(
					{
						"name": self.text[figure],
						"categories": [name, 1, 0, last, 0],
						"values": [name, 1, col, last, col],
					}
				)
			chart.set_title({"name": self.text["chart_regions"]})
			chart.set_y_axis({"num_format": COUNT_FORMAT, "major_gridlines": {"visible": True}})
			chart.set_legend({"position": "bottom"})
			chart.set_size({"width": 720, "height": 400})
			sheet.ws.insert_chart(1, len(columns) + 1, chart)
		sheet.finish()

	def projects(self, projects: list[dict]) -> None:
		sheet = self.sheet("sheet_projects")
		columns = [
			("project_code", TEXT),
			("title", TEXT),
			("title_language", TEXT),
			("region", TEXT),
			("status", TEXT),
			("currency", TEXT),
			("is_emergency_fund", FLAG),
			*((figure, MONEY) for figure in MONEY_FIGURES),
			("burn_rate", PERCENT),
			("cases_assisted", COUNT),
			("cost_per_beneficiary_usd", MONEY),
		]
		last = sheet.table(0, 0, columns, projects)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		sheet.finish()

	def modules(self, projects: list[dict]) -> None:
		sheet = self.sheet("sheet_modules")
		columns = [
			("project_code", TEXT),
			("module", TEXT),
			("budget_usd", MONEY),
			("earmarked_usd", MONEY),
			("spent_usd", MONEY),
			("variance_usd", MONEY),
		]
		rows = [
			{
				"project_code": p["project_code"],
				**m,
				"variance_usd": m["budget_usd"] - m["spent_usd"],
			}
			for p in projects
			for m in p["modules"]
		]
		last = sheet.table(0, 0, columns, rows)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		sheet.finish()

	def targets(self, projects: list[dict]) -> None:
		sheet = self.sheet("sheet_targets")
		columns = [
			("project_code", TEXT),
			("beneficiary_group", TEXT),
			("assistance_type", TEXT),
			("period_start", DATE),
			("period_end", DATE),
			("target", COUNT),
			("assisted", COUNT),
			("attainment", PERCENT),
			("shortfall", COUNT),
		]
		rows = [
			{
				"project_code": p["project_code"],
				**t,
				"attainment": attainment(t["assisted"], t["target"]),
				"shortfall": max(t["target"] - t["assisted"], 0),
			}
			for p in projects
			for t in p["targets"]
		]
		last = sheet.table(0, 0, columns, rows)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		sheet.finish()

	def donors(self, donors: list[dict]) -> None:
		sheet = self.sheet("sheet_donors")
		columns = [
			("donor_code", TEXT),
			("name", TEXT),
			("donor_type", TEXT),
			("pledged_usd", MONEY),
			("received_usd", MONEY),
			("outstanding_usd", MONEY),
			("spent_usd", MONEY),
		]
		last = sheet.table(0, 0, columns, donors)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		sheet.finish()

	def emergency_fund(self, fund: dict | None) -> None:
		sheet = self.sheet("sheet_emergency_fund")
		if fund is None:
			sheet.header(0, 0, ["figure", "value"])
			sheet.label(1, 0, self.text["no_emergency_fund"])
			sheet.ws.autofilter(0, 0, 1, 1)
			sheet.finish()
			return
		last = self.figures(
			sheet,
			[
				("project_code", fund["project_code"], TEXT),
				("received_usd", fund["received_usd"], MONEY),
				("disbursed_usd", fund["disbursed_usd"], MONEY),
				("committed_usd", fund["committed_usd"], MONEY),
				("available_usd", fund["available_usd"], MONEY),
				("cases_assisted", fund["cases_assisted"], COUNT),
			],
		)
		# The breakdowns below (Excel allows one autofilter per sheet: the figures' above).
		for key, rows in (
			("assistance_type", fund["by_assistance_type"]),
			("field_office", fund["by_field_office"]),
		):
			last += 2
			columns = [(key, TEXT), ("disbursed_usd", MONEY), ("committed_usd", MONEY)]
			last = sheet.table(last, 0, columns, rows)
		sheet.finish()

	def findings(self, findings: list[dict]) -> None:
		sheet = self.sheet("sheet_findings")
		columns = [
			("code", TEXT),
			("severity", TEXT),
			("entity", TEXT),
			("id", TEXT),
			("message", TEXT),
			("amount_usd", MONEY),
		]
		last = sheet.table(0, 0, columns, findings)
		sheet.ws.autofilter(0, 0, last, len(columns) - 1)
		# The legend of codes, to the right of the table.
		col = len(columns) + 1
		legend = [
			{"code": code, "severity": severity, "description": self.text[f"finding_{code}"]}
			for code, (severity, _) in FINDINGS.items()
		]
		sheet.table(0, col, [("code", TEXT), ("severity", TEXT), ("description", TEXT)], legend)
		sheet.finish()
