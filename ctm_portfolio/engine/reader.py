"""Reading a bundle (a folder of CSV files, or one .xlsx workbook) into raw text rows.

The reader only splits text into cells and checks the form of files and headers;
what a cell means is checked by :mod:`.schemas` and :mod:`.validate`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import spec
from .errors import Problem, problem


@dataclass
class RawFile:
	"""One file's cells as text ("" = not given), only the columns the contract knows."""

	name: str
	header: list[str]
	frame: pd.DataFrame
	row_numbers: np.ndarray  # of each row in ``frame``; the header is row 1
	usable: bool = True  # False when a required column is missing: rows are not checked

	def __len__(self) -> int:
		return len(self.frame)


@dataclass
class RawBundle:
	source: str
	files: dict[str, RawFile] = field(default_factory=dict)
	problems: list[Problem] = field(default_factory=list)
	broken: set[str] = field(default_factory=set)  # files present but unreadable

	def readable(self, name: str) -> bool:
		table = self.files.get(name)
		return name not in self.broken and (table is None or table.usable)


def read_bundle(path: str | Path) -> RawBundle:
	path = Path(path)
	raw = RawBundle(source=str(path))
	if not path.exists():
		raw.problems.append(problem(str(path), None, None, "no such file or folder"))
	elif path.is_dir():
		_read_folder(path, raw)
	elif path.suffix.lower() == ".xlsx":
		_read_workbook(path, raw)
	else:
		raw.problems.append(
			problem(path.name, None, None, "not a bundle: give a folder of CSV files or one .xlsx workbook")
		)
	if not raw.problems:
		for name in spec.REQUIRED_FILES:
			if name not in raw.files:
				raw.problems.append(
					problem(name, None, None, "required file is missing: this is not a bundle")
				)
	return raw


def from_tables(tables: dict[str, list[dict[str, str]]], source: str = "<records>") -> RawBundle:
	"""A bundle given as rows of cell texts per file (e.g. built from documents), read as a file would be."""
	raw = RawBundle(source=source)
	for name, rows in tables.items():
		if name not in spec.FILES:
			raw.problems.append(
				problem(
					name, None, None, "unknown file: a bundle holds only {files}", files=", ".join(spec.FILES)
				)
			)
			continue
		columns = list(spec.FILES[name].columns)
		records = iter([columns, *([row.get(c, "") or "" for c in columns] for row in rows)])
		_take_table(name, records, raw)
	for name in spec.REQUIRED_FILES:
		if name not in raw.files:
			raw.problems.append(problem(name, None, None, "required file is missing: this is not a bundle"))
	return raw


def _read_folder(folder: Path, raw: RawBundle) -> None:
	names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
	if not names:
		raw.problems.append(
			problem(folder.name or str(folder), None, None, "not a bundle: the folder holds no CSV files")
		)
		return
	for name in names:
		if name not in spec.FILES:
			raw.problems.append(
				problem(
					name, None, None, "unknown file: a bundle holds only {files}", files=", ".join(spec.FILES)
				)
			)
			continue
		data = (folder / name).read_bytes()
		if _take_csv_fast(name, data, raw):
			continue
		text = _decode(name, data, raw)
		if text is None:
			raw.broken.add(name)
		else:
			_take_table(name, csv.reader(io.StringIO(text, newline="")), raw)


def _decode(name: str, data: bytes, raw: RawBundle) -> str | None:
	try:
		return data.decode("utf-8-sig")
	except UnicodeDecodeError as error:
		row = data.count(b"\n", 0, error.start) + 1
		raw.problems.append(
			problem(
				name,
				row,
				None,
				"the file is not UTF-8 text (byte 0x{byte} at offset {offset}); save it as UTF-8",
				byte=f"{data[error.start]:02x}",
				offset=error.start,
			)
		)
		return None


def _take_csv_fast(name: str, data: bytes, raw: RawBundle) -> bool:
	"""Read a well-formed UTF-8 CSV with pandas' C parser; False sends it to the careful path,
	which names the problem (not UTF-8, a row with too many cells, an odd header...)."""
	first_line = data.split(b"\n", 1)[0]
	try:
		header = next(csv.reader([first_line.decode("utf-8-sig").rstrip("\r")]))
	except (StopIteration, csv.Error, UnicodeDecodeError):
		return False
	if not header or len(set(header)) != len(header) or "" in header:
		return False
	try:
		# header=None: the C parser then refuses a row with more cells than the header.
		frame = pd.read_csv(
			io.BytesIO(data),
			encoding="utf-8-sig",
			header=None,
			dtype=object,
			keep_default_na=False,
			na_filter=False,
			skip_blank_lines=False,
			engine="c",
		)
	except (pd.errors.ParserError, ValueError):  # UnicodeDecodeError is a ValueError
		return False  # e.g. a row with too many cells: the careful path names it
	if frame.shape[1] != len(header) or list(frame.iloc[0]) != header:
		return False
	frame = frame.iloc[1:]
	frame.columns = header
	if frame.iloc[:, -1].isna().to_numpy().any():  # a row with fewer cells than the header
		frame = frame.fillna("")
	# Blank lines: only rows whose first cell is empty can be blank.
	filled = np.ones(len(frame), dtype=bool)
	maybe = np.flatnonzero(frame.iloc[:, 0].to_numpy() == "")
	if len(maybe):
		filled[maybe] = (frame.iloc[maybe] != "").to_numpy().any(axis=1)
	numbers = np.arange(2, len(frame) + 2, dtype=np.int64)[filled]
	_store(name, header, frame[filled], numbers, raw)
	return True


def _take_table(name: str, records, raw: RawBundle) -> None:
	"""Take a table (an iterator of lists of cell texts) into ``raw.files[name]``, row by row."""
	try:
		header = next(records)
	except StopIteration:
		header = []
	except csv.Error as error:
		raw.problems.append(problem(name, 1, None, "unreadable CSV: {error}", error=str(error)))
		raw.broken.add(name)
		return
	if not any(cell.strip() for cell in header):
		raw.problems.append(problem(name, None, None, "the file is empty: it needs at least a header row"))
		raw.broken.add(name)
		return

	width = len(header)
	kept: list[list[str]] = []
	numbers: list[int] = []
	row_number = 1
	try:
		for cells in records:
			row_number += 1
			if not cells or not any(cells):
				continue  # a blank line
			if len(cells) > width:
				raw.problems.append(
					problem(
						name,
						row_number,
						None,
						"the row has {cells} cells but the header has {width} columns",
						cells=len(cells),
						width=width,
					)
				)
				continue
			kept.append(cells + [""] * (width - len(cells)))
			numbers.append(row_number)
	except csv.Error as error:
		raw.problems.append(problem(name, row_number + 1, None, "unreadable CSV: {error}", error=str(error)))
	# Positional columns, so that a header naming a column twice still reads.
	frame = (
		pd.DataFrame(kept, columns=range(width), dtype=object) if kept else pd.DataFrame(columns=range(width))
	)
	_store(name, header, frame, np.asarray(numbers, dtype=np.int64), raw, positional=True)


def _store(
	name: str, header: list[str], frame: pd.DataFrame, numbers: np.ndarray, raw: RawBundle, positional=False
) -> None:
	file_spec = spec.FILES[name]
	usable = _check_header(name, file_spec, header, raw)
	known = [c for c in file_spec.columns if c in header]
	if positional:
		frame = frame[[header.index(c) for c in known]]
		frame.columns = known
	else:
		frame = frame[known]
	frame = frame.reset_index(drop=True)
	if any(dtype.kind != "O" for dtype in frame.dtypes):
		frame = frame.astype(object)
	raw.files[name] = RawFile(name=name, header=header, frame=frame, row_numbers=numbers, usable=usable)


def _check_header(name: str, file_spec: spec.FileSpec, header: list[str], raw: RawBundle) -> bool:
	seen: set[str] = set()
	for column in header:
		if column == "":
			raw.problems.append(problem(name, 1, None, "a column has no name"))
		elif column in seen:
			raw.problems.append(problem(name, 1, column, "the column appears twice"))
		elif name in spec.PRIVACY_FILES and column.strip().lower() in spec.IDENTITY_COLUMNS:
			raw.problems.append(
				problem(
					name,
					1,
					column,
					"column '{column}' could identify a person: a bundle carries no personal data",
					column=column,
				)
			)
		elif column not in file_spec.columns and not file_spec.allow_extra_columns:
			raw.problems.append(
				problem(
					name,
					1,
					column,
					"unknown column (the columns of {file} are: {columns})",
					file=name,
					columns=", ".join(file_spec.columns),
				)
			)
		seen.add(column)
	missing = [column for column in file_spec.required if column not in seen]
	for column in missing:
		raw.problems.append(problem(name, 1, column, "required column is missing"))
	return not missing


def _read_workbook(path: Path, raw: RawBundle) -> None:
	from openpyxl import load_workbook
	from openpyxl.utils.exceptions import InvalidFileException

	try:
		workbook = load_workbook(path, read_only=True, data_only=True)
	except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
		raw.problems.append(
			problem(
				path.name,
				None,
				None,
				"not a readable .xlsx workbook: {error}",
				error=str(error) or type(error).__name__,
			)
		)
		return
	try:
		for sheet in workbook.worksheets:
			name = f"{sheet.title}.csv"
			if name not in spec.FILES:
				raw.problems.append(
					problem(
						name,
						None,
						None,
						"unknown sheet '{sheet}': a bundle holds only {files}",
						sheet=sheet.title,
						files=", ".join(f.stem for f in spec.FILES.values()),
					)
				)
				continue
			records = ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
			_take_table(name, _trim(records), raw)
	finally:
		workbook.close()


def _trim(records):
	"""Drop the empty cells Excel leaves to the right of the header and of each row."""
	width = None
	for cells in records:
		if width is None:
			width = len(cells)
			while width and cells[width - 1] == "":
				width -= 1
		row = cells[:width]
		extra = [c for c in cells[width:] if c != ""]
		yield row + extra


def _cell_text(value) -> str:
	"""The text a cell holds, as a CSV cell would hold it (no float arithmetic)."""
	if value is None:
		return ""
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, dt.datetime):
		if value.time() == dt.time(0):
			return value.date().isoformat()
		return value.isoformat()
	if isinstance(value, dt.date):
		return value.isoformat()
	if isinstance(value, int):
		return str(value)
	if isinstance(value, float):
		# repr gives the shortest text that reads back as the same number: what was typed.
		return str(int(value)) if value.is_integer() else repr(value)
	return str(value)
