"""Small bundles for tests: a minimal valid portfolio that each test bends one way."""

from __future__ import annotations

import copy
import csv
from datetime import date
from pathlib import Path

from ctm_portfolio.engine import spec
from ctm_portfolio.engine.reconcile import reconcile
from ctm_portfolio.engine.validate import load_bundle

AS_OF = date(2004, 12, 31)

BASE: dict[str, list[dict[str, str]]] = {
	"projects.csv": [
		{
			"project_code": "P1",
			"title": "Return and reintegration",
			"region": "Asia",
			"countries": "NP;IN",
			"start_date": "2003-01-01",
			"end_date": "2005-12-31",
			"status": "Active",
			"currency": "USD",
		},
	],
	"modules.csv": [
		{"project_code": "P1", "module": "M1", "budget": "1000.00"},
		{"project_code": "P1", "module": "M2", "budget": "1000.00"},
	],
	"targets.csv": [],
	"donors.csv": [{"donor_code": "D1", "name": "Donor one", "donor_type": "Government", "country": "NL"}],
	"contributions.csv": [
		{
			"contribution_id": "C1",
			"donor_code": "D1",
			"project_code": "P1",
			"currency": "USD",
			"amount": "2000.00",
			"pledge_date": "2003-01-15",
			"status": "Signed",
		}
	],
	"earmarks.csv": [],
	"receipts.csv": [
		{"receipt_id": "R1", "contribution_id": "C1", "date": "2003-02-01", "amount": "2000.00"}
	],
	"expenditures.csv": [],
	"cases.csv": [],
	"disbursements.csv": [],
	"rates.csv": [],
}


class Bundle:
	"""A bundle being built: ``tables`` maps file name to rows of cell texts."""

	def __init__(self, **tables: list[dict[str, str]]):
		self.tables = copy.deepcopy(BASE)
		for stem, rows in tables.items():
			self.tables[f"{stem}.csv"] = rows

	def add(self, stem: str, **cells: str) -> Bundle:
		self.tables[f"{stem}.csv"].append({k: str(v) for k, v in cells.items()})
		return self

	def set(self, stem: str, index: int = 0, **cells: str) -> Bundle:
		self.tables[f"{stem}.csv"][index].update({k: str(v) for k, v in cells.items()})
		return self

	def write(self, folder: Path, header: dict[str, list[str]] | None = None) -> Path:
		folder.mkdir(parents=True, exist_ok=True)
		for name, rows in self.tables.items():
			if name != "projects.csv" and not rows:
				continue
			columns = (header or {}).get(name) or _columns(name, rows)
			with (folder / name).open("w", encoding="utf-8", newline="") as handle:
				writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
				writer.writeheader()
				for row in rows:
					writer.writerow({c: row.get(c, "") for c in columns})
		return folder

	def reconcile(self, folder: Path, as_of: date = AS_OF) -> dict:
		return reconcile(load_bundle(self.write(folder)), as_of)


def _columns(name: str, rows: list[dict[str, str]]) -> list[str]:
	wanted = list(spec.FILES[name].required)
	for row in rows:
		for column in row:
			if column not in wanted:
				wanted.append(column)
	return wanted


def codes(result: dict) -> list[str]:
	return [f["code"] for f in result["findings"]]


def finding(result: dict, code: str) -> dict:
	found = [f for f in result["findings"] if f["code"] == code]
	assert len(found) == 1, f"expected one {code}, got {found}"
	return found[0]
