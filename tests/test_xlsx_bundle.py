"""A bundle given as one .xlsx workbook is the same bundle as the folder of CSVs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from ctm_portfolio.engine.bundle import read_csv_tables, write_xlsx_bundle
from ctm_portfolio.engine.errors import BundleInvalid
from ctm_portfolio.engine.output import dumps
from ctm_portfolio.engine.reconcile import reconcile
from ctm_portfolio.engine.validate import load_bundle

from .factories import AS_OF, Bundle


def rich_bundle() -> Bundle:
	bundle = Bundle(
		rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.1234567891"}],
		earmarks=[{"contribution_id": "C1", "module": "M1", "amount": "800.50"}],
		expenditures=[
			{
				"expenditure_id": "X1",
				"project_code": "P1",
				"module": "M1",
				"date": "2003-06-01",
				"amount": "900.05",
				"currency": "EUR",
				"contribution_id": "C1",
			}
		],
		cases=[
			{
				"case_id": "K1",
				"project_code": "P1",
				"registration_date": "2003-05-01",
				"gender": "female",
				"age_group": "child",
				"country_of_assistance": "NP",
				"assistance": "return;shelter",
				"route": "NP;IN",
			}
		],
	)
	return bundle


def test_a_text_workbook_equals_the_csv_bundle(tmp_path):
	folder = rich_bundle().write(tmp_path / "csv")
	book = write_xlsx_bundle(read_csv_tables(folder), tmp_path / "bundle.xlsx")
	from_csv, from_xlsx = load_bundle(folder), load_bundle(book)
	assert from_csv.rows == from_xlsx.rows
	assert dumps(reconcile(from_csv, AS_OF)) == dumps(reconcile(from_xlsx, AS_OF))


def test_a_workbook_typed_by_excel_reads_the_same(tmp_path):
	"""Excel stores numbers and dates natively: the reader takes them back as the text typed."""
	folder = rich_bundle().write(tmp_path / "csv")
	tables = read_csv_tables(folder)
	book = openpyxl.Workbook()
	book.remove(book.active)
	for name, rows in tables.items():
		sheet = book.create_sheet(name.removesuffix(".csv"))
		columns = list(rows[0]) if rows else ["project_code"]
		sheet.append(columns)
		for row in rows:
			sheet.append([_typed(column, row[column]) for column in columns])
	path = tmp_path / "typed.xlsx"
	book.save(path)
	assert load_bundle(path).rows == load_bundle(folder).rows


def _typed(column: str, text: str):
	if column.endswith("date") or column == "date":
		return dt.datetime.fromisoformat(text) if text else None
	if column in ("amount", "budget", "usd_per_unit") and text:
		return float(Decimal(text))
	return text or None


def test_workbook_problems_name_the_sheet_as_its_file(tmp_path):
	tables = read_csv_tables(Bundle().set("modules", budget="-3").write(tmp_path / "csv"))
	book = write_xlsx_bundle(tables, tmp_path / "bad.xlsx")
	with pytest.raises(BundleInvalid) as caught:
		load_bundle(book)
	assert [str(p) for p in caught.value.problems] == [
		"modules.csv:2:budget: budget must not be negative: '-3'"
	]


def test_an_unknown_sheet_is_refused(tmp_path):
	tables = read_csv_tables(Bundle().write(tmp_path / "csv"))
	tables_path = write_xlsx_bundle(tables, tmp_path / "b.xlsx")
	book = openpyxl.load_workbook(tables_path)
	book.create_sheet("notes")
	book.save(tables_path)
	with pytest.raises(BundleInvalid) as caught:
		load_bundle(tables_path)
	assert str(caught.value.problems[0]).startswith("notes.csv: unknown sheet 'notes'")


def test_a_damaged_workbook(tmp_path):
	path = tmp_path / "broken.xlsx"
	path.write_bytes(b"not a zip")
	with pytest.raises(BundleInvalid) as caught:
		load_bundle(path)
	assert str(caught.value.problems[0]).startswith("broken.xlsx: not a readable .xlsx workbook")
