"""A validated bundle: typed rows per file, and the frames reconciliation works on."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import spec
from .schemas import LIST_SEPARATOR, Row

MONEY_COLUMNS = frozenset({"budget", "amount"})
DATE_COLUMNS = frozenset(
	{
		"start_date",
		"end_date",
		"period_start",
		"period_end",
		"pledge_date",
		"date",
		"registration_date",
		"requested_date",
		"disbursed_date",
	}
)


@dataclass
class Bundle:
	"""A valid bundle. ``frames`` hold one DataFrame per file (dates as day ordinals, -1 for
	none; money as integer cents in ``<column>_cents``; other cells as Python values, None
	for "not given"); ``rows`` gives the same rows as pydantic models, made on first use."""

	source: str
	frames: dict[str, pd.DataFrame] = field(default_factory=dict)
	row_numbers: dict[str, np.ndarray] = field(default_factory=dict)

	def __getitem__(self, name: str) -> list[Row]:
		return self.rows[name]

	@cached_property
	def rows(self) -> dict[str, list[Row]]:
		return {name: _models(name, frame) for name, frame in self.frames.items()}

	def row_count(self) -> int:
		return sum(len(frame) for frame in self.frames.values())


def _models(name: str, frame: pd.DataFrame) -> list[Row]:
	from .schemas import MODELS

	model = MODELS[name]
	if not len(frame):
		return []
	columns = {}
	for column in model.model_fields:
		if column in MONEY_COLUMNS:
			columns[column] = [Decimal(int(c)).scaleb(-2) for c in frame[f"{column}_cents"]]
		elif column in DATE_COLUMNS:
			columns[column] = [date.fromordinal(int(d)) if d >= 0 else None for d in frame[column]]
		else:
			columns[column] = frame[column].tolist()
	names = list(columns)
	return [
		model.model_construct(**dict(zip(names, values, strict=True)))
		for values in zip(*columns.values(), strict=True)
	]


def to_cells(row: Row) -> dict[str, str]:
	"""A row as the CSV cells of the contract (empty string for "not given")."""
	out = {}
	for column in spec.FILES[_file_of(row)].columns:
		out[column] = cell_text(getattr(row, column))
	return out


def cell_text(value) -> str:
	if value is None:
		return ""
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, date):
		return value.isoformat()
	if isinstance(value, Decimal):
		return format(value, "f")
	if isinstance(value, tuple):
		return LIST_SEPARATOR.join(value)
	return str(value)


def _file_of(row: Row) -> str:
	from .schemas import MODELS

	for name, model in MODELS.items():
		if type(row) is model:
			return name
	raise TypeError(f"not a bundle row: {type(row).__name__}")


def write_csv_bundle(tables: dict[str, list[dict[str, str]]], folder: str | Path) -> list[Path]:
	"""Write tables of cell texts as a CSV bundle; only non-empty optional files are skipped."""
	folder = Path(folder)
	folder.mkdir(parents=True, exist_ok=True)
	written = []
	for name in spec.FILE_ORDER:
		if name not in tables:
			continue
		path = folder / name
		columns = spec.FILES[name].columns
		with path.open("w", encoding="utf-8", newline="") as handle:
			writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="raise")
			writer.writeheader()
			for record in tables[name]:
				writer.writerow({c: record.get(c, "") for c in columns})
		written.append(path)
	return written


def write_xlsx_bundle(tables: dict[str, list[dict[str, str]]], path: str | Path) -> Path:
	"""Write tables of cell texts as a one-workbook bundle: a sheet per file, every cell as text."""
	import xlsxwriter

	path = Path(path)
	path.parent.mkdir(parents=True, exist_ok=True)
	workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
	try:
		for name in spec.FILE_ORDER:
			if name not in tables:
				continue
			sheet = workbook.add_worksheet(spec.FILES[name].stem)
			columns = spec.FILES[name].columns
			sheet.write_row(0, 0, columns)
			for i, record in enumerate(tables[name], start=1):
				sheet.write_row(i, 0, [record.get(c, "") for c in columns])
	finally:
		workbook.close()
	return path


def read_csv_tables(folder: str | Path) -> dict[str, list[dict[str, str]]]:
	"""The cell texts of a CSV bundle folder (no validation): for tools and tests."""
	tables = {}
	for name in spec.FILE_ORDER:
		path = Path(folder) / name
		if path.exists():
			with path.open(encoding="utf-8-sig", newline="") as handle:
				tables[name] = list(csv.DictReader(handle))
	return tables
