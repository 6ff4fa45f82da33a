"""The reconciliation workbook: sheets, formats and figures read back with openpyxl."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ctm_portfolio.engine.reconcile import FINDINGS, reconcile
from ctm_portfolio.engine.validate import load_bundle
from ctm_portfolio.engine.workbook import LABELS, write_workbook

AS_OF = datetime.date(2004, 1, 1)
SHEETS = ["Portfolio", "Regions", "Projects", "Modules", "Targets", "Donors", "Emergency Fund", "Findings"]
MONEY = "#,##0.00"
CENT = Decimal("0.01")

BUNDLE = {
	"projects.csv": """project_code,title,region,start_date,end_date,status,currency,is_emergency_fund
CO1,Programa,Americas and the Caribbean,2003-01-01,2005-12-31,Active,USD,0
EU1,=Formula-looking title,Europe,2003-01-01,2003-06-30,Pipeline,EUR,0
GF,Global fund,Global,2003-01-01,2005-12-31,Active,USD,1
""",
	"modules.csv": """project_code,module,budget
CO1,1,250000
CO1,2,250000
CO1,3,250000
CO1,4,250000
EU1,1,1000.01
GF,1,100
""",
	"targets.csv": """project_code,beneficiary_group,assistance_type,target,period_start,period_end
CO1,women,,3,2003-01-01,2003-12-31
CO1,girls,shelter,10,,
""",
	"donors.csv": """donor_code,name,donor_type
NL,Netherlands Government,Government
US,USA Government,Government
""",
	"contributions.csv": """contribution_id,donor_code,project_code,currency,amount,pledge_date,status
C1,NL,CO1,USD,584936,2003-02-01,Signed
C2,US,CO1,EUR,200000,2003-02-01,Signed
C3,US,GF,USD,50,2003-02-01,Signed
""",
	"earmarks.csv": """contribution_id,module,amount
C1,1,100000
""",
	"receipts.csv": """receipt_id,contribution_id,date,amount
R1,C1,2003-03-01,300000
R2,C2,2003-03-01,100000.50
""",
	"expenditures.csv": """expenditure_id,project_code,module,date,amount,currency,contribution_id
E1,CO1,1,2003-05-01,150000,USD,C1
E2,CO1,2,2003-06-01,12345.67,EUR,
E3,EU1,1,2003-08-01,2000,EUR,
""",
	"rates.csv": """currency,date,usd_per_unit
EUR,2002-01-01,1.1234567891
EUR,2003-06-01,1.15
""",
	"cases.csv": """case_id,project_code,registration_date,gender,age_group,country_of_assistance,assistance
K1,CO1,2003-02-01,female,adult,CO,shelter;medical
K2,CO1,2003-03-01,female,child,CO,shelter
K3,,2003-03-01,male,adult,CO,legal
""",
	"disbursements.csv": """disbursement_id,case_id,field_office,assistance_type,amount,currency,requested_date,status,disbursed_date
D1,K1,Bogota,shelter,30,USD,2003-04-01,Disbursed,2003-04-02
D2,K9,Quito,medical,40.25,USD,2003-04-01,Approved,
D3,K1,Bogota,shelter,10,USD,2003-05-01,Requested,
""",
}


def make_bundle(folder: Path, files: dict[str, str]) -> Path:
	folder.mkdir(parents=True, exist_ok=True)
	for name, text in files.items():
		(folder / name).write_text(text, encoding="utf-8")
	return folder


def reconciled(folder: Path, files: dict[str, str]) -> dict:
	return reconcile(load_bundle(make_bundle(folder, files)), AS_OF)


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
	return reconciled(tmp_path_factory.mktemp("bundle"), BUNDLE)


@pytest.fixture(scope="module")
def xlsx(result, tmp_path_factory) -> Path:
	path = tmp_path_factory.mktemp("out") / "portfolio.xlsx"
	write_workbook(result, path)
	return path


@pytest.fixture(scope="module")
def wb(xlsx):
	return openpyxl.load_workbook(xlsx)


def money(cell) -> Decimal:
	assert cell.number_format == MONEY, cell.coordinate
	assert isinstance(cell.value, int | float), cell.coordinate
	return Decimal(str(cell.value)).quantize(CENT)


def table(ws, header_row: int = 1, first_col: int = 1, last_col: int | None = None) -> list[dict]:
	"""Rows of the table whose header is at ``header_row``, as {header: cell}, up to a blank key."""
	last_col = last_col or ws.max_column
	header = [ws.cell(header_row, c).value for c in range(first_col, last_col + 1)]
	rows = []
	for r in range(header_row + 1, ws.max_row + 1):
		cells = [ws.cell(r, c) for c in range(first_col, last_col + 1)]
		if cells[0].value is None:
			break
		rows.append(dict(zip(header, cells, strict=True)))
	return rows


def figures(ws) -> dict:
	"""The label / value table of a sheet: {label: value cell}."""
	return {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}


def test_sheets_in_order_frozen_and_filtered(wb):
	assert wb.sheetnames == SHEETS
	for ws in wb.worksheets:
		assert ws.freeze_panes == "A2", ws.title
		assert ws.auto_filter.ref, ws.title
		assert ws.auto_filter.ref.startswith("A1:"), ws.title
		assert ws["A1"].font.b, ws.title
		assert ws["A1"].fill.fgColor.rgb.endswith("D9E1F2"), ws.title
		assert ws.page_setup.orientation == "landscape", ws.title
		assert 6 <= ws.column_dimensions["A"].width <= 62, ws.title


def test_buffer_gives_the_same_workbook(result, wb):
	buffer = io.BytesIO()
	write_workbook(result, buffer)
	from_buffer = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
	assert from_buffer.sheetnames == SHEETS
	for name in SHEETS:
		ours = [[c.value for c in row] for row in wb[name].iter_rows()]
		theirs = [[c.value for c in row] for row in from_buffer[name].iter_rows()]
		assert ours == theirs, name


def test_portfolio(result, wb):
	ws = wb["Portfolio"]
	rows = figures(ws)
	p = result["portfolio"]
	assert rows["As of"].value.date() == AS_OF
	assert rows["As of"].number_format == "yyyy-mm-dd"
	assert rows["Currency"].value == "USD"
	assert rows["Projects"].value == p["project_count"] == 3
	for key in ("budget_usd", "pledged_usd", "received_usd", "outstanding_usd", "spent_usd"):
		assert money(rows[LABELS[key]]) == p[key], key
	assert money(rows["Funding gap (USD)"]) == p["funding_gap_usd"]
	assert money(rows["Cash balance (USD)"]) == p["cash_balance_usd"]
	assert rows["Cases assisted"].value == p["cases_assisted"]
	for status, count in p["projects_by_status"].items():
		assert rows[status].value == count
	severities = [f["severity"] for f in result["findings"]]
	assert rows["Errors"].value == severities.count("error") > 0
	assert rows["Warnings"].value == severities.count("warning") > 0


def test_regions_and_chart(result, wb, xlsx):
	rows = table(wb["Regions"], last_col=15)
	assert [r["Region"].value for r in rows] == [r["region"] for r in result["regions"]]
	for row, region in zip(rows, result["regions"], strict=True):
		assert row["Projects"].value == region["project_count"]
		for status, count in region["projects_by_status"].items():
			assert row[status].value == count
		for key in ("budget_usd", "pledged_usd", "spent_usd", "cash_balance_usd", "funding_gap_usd"):
			assert money(row[LABELS[key]]) == region[key], key
	with zipfile.ZipFile(xlsx) as z:
		names = z.namelist()
		assert "xl/charts/chart1.xml" in names
		chart = z.read("xl/charts/chart1.xml").decode()
		drawing = z.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
	assert "<c:barChart>" in chart and 'val="col"' in chart and 'val="clustered"' in chart
	for name in ("Budget (USD)", "Pledged (USD)", "Spent (USD)"):
		assert name in chart
	assert "Budget, pledged and spent by region (USD)" in chart
	assert "drawing" in drawing  # the chart is on the Regions sheet (sheet2)


def test_projects(result, wb):
	rows = table(wb["Projects"])
	assert [r["Project code"].value for r in rows] == ["CO1", "EU1", "GF"]
	for row, project in zip(rows, result["projects"], strict=True):
		assert row["Title"].value == project["title"]
		assert row["Title"].data_type == "s"  # a title like "=..." stays text
		assert row["Region"].value == project["region"]
		assert row["Emergency fund"].value == ("Yes" if project["is_emergency_fund"] else "No")
		for key in ("budget_usd", "pledged_usd", "received_usd", "outstanding_usd", "spent_usd"):
			assert money(row[LABELS[key]]) == project[key], key
		assert money(row["Cash balance (USD)"]) == project["cash_balance_usd"]
		assert row["Burn rate"].number_format == "0.00%"
		if project["burn_rate"] is None:
			assert row["Burn rate"].value is None
		else:
			assert Decimal(str(row["Burn rate"].value)) == project["burn_rate"]
		cost = row["Cost per beneficiary (USD)"]
		if project["cost_per_beneficiary_usd"] is None:
			assert cost.value is None
		else:
			assert money(cost) == project["cost_per_beneficiary_usd"]
	assert result["projects"][0]["cost_per_beneficiary_usd"] is not None
	assert rows[1]["Cost per beneficiary (USD)"].value is None


def test_modules(result, wb):
	rows = table(wb["Modules"])
	expected = [(p["project_code"], m) for p in result["projects"] for m in p["modules"]]
	assert len(rows) == len(expected) == 6
	for row, (code, module) in zip(rows, expected, strict=True):
		assert row["Project code"].value == code
		assert str(row["Module"].value) == module["module"]
		assert money(row["Budget (USD)"]) == module["budget_usd"]
		assert money(row["Earmarked (USD)"]) == module["earmarked_usd"]
		assert money(row["Spent (USD)"]) == module["spent_usd"]
		assert money(row["Variance (USD)"]) == module["budget_usd"] - module["spent_usd"]
	# EU1 spent 2000 EUR at 1.15 against a budget of 1000.01 EUR at 1.1234567891
	assert money(rows[4]["Variance (USD)"]) == Decimal("1123.47") - Decimal("2300.00")


def test_targets(result, wb):
	rows = table(wb["Targets"])
	expected = [t for p in result["projects"] for t in p["targets"]]
	assert len(rows) == len(expected) == 2
	for row, t in zip(rows, expected, strict=True):
		assert row["Period start"].value.date() == t["period_start"]
		assert row["Period end"].value.date() == t["period_end"]
		assert row["Period end"].number_format == "yyyy-mm-dd"
		assert row["Target"].value == t["target"]
		assert row["Assisted"].value == t["assisted"]
		assert row["Shortfall"].value == max(t["target"] - t["assisted"], 0)
		assert row["Attainment"].number_format == "0.00%"
	girls, women = rows  # sorted by beneficiary group
	assert girls["Assistance type"].value == "shelter"
	assert (girls["Assisted"].value, girls["Attainment"].value) == (1, 0.1)
	assert women["Assistance type"].value is None
	assert Decimal(str(women["Attainment"].value)) == Decimal("0.3333")


def test_donors(result, wb):
	rows = table(wb["Donors"])
	assert [r["Donor code"].value for r in rows] == ["NL", "US"]
	for row, donor in zip(rows, result["donors"], strict=True):
		assert row["Name"].value == donor["name"]
		for key in ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd"):
			assert money(row[LABELS[key]]) == donor[key], key


def test_emergency_fund(result, wb):
	ws = wb["Emergency Fund"]
	fund = result["emergency_fund"]
	rows = figures(ws)
	assert rows["Project code"].value == "GF"
	for key in ("received_usd", "disbursed_usd", "committed_usd", "available_usd"):
		assert money(rows[LABELS[key]]) == fund[key], key
	assert money(rows["Available (USD)"]) == Decimal("-70.25")
	assert rows["Cases assisted"].value == fund["cases_assisted"]
	header = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
	by_type = table(ws, header["Assistance type"], last_col=3)
	by_office = table(ws, header["Field office"], last_col=3)
	assert [r["Assistance type"].value for r in by_type] == ["medical", "shelter"]
	assert [r["Field office"].value for r in by_office] == ["Bogota", "Quito"]
	for rows_, items, key in (
		(by_type, fund["by_assistance_type"], "assistance_type"),
		(by_office, fund["by_field_office"], "field_office"),
	):
		for row, item in zip(rows_, items, strict=True):
			assert row[LABELS[key]].value == item[key]
			assert money(row["Disbursed (USD)"]) == item["disbursed_usd"]
			assert money(row["Committed (USD)"]) == item["committed_usd"]


def test_findings(result, wb):
	ws = wb["Findings"]
	rows = table(ws, last_col=6)
	assert ws.auto_filter.ref == f"A1:F{len(rows) + 1}"
	assert [r["Code"].value for r in rows] == [f["code"] for f in result["findings"]]
	assert {"EARMARK_BREACH", "FUND_OVERDRAWN", "UNMATCHED_DISBURSEMENT"} <= {r["Code"].value for r in rows}
	for row, finding in zip(rows, result["findings"], strict=True):
		assert row["Severity"].value == finding["severity"]
		assert row["Entity"].value == finding["entity"]
		assert str(row["ID"].value) == finding["id"]
		assert row["Message"].value == finding["message"]
		if finding["amount_usd"] is None:
			assert row["Amount (USD)"].value is None
		else:
			assert money(row["Amount (USD)"]) == finding["amount_usd"]
	legend = table(ws, first_col=8, last_col=10)
	assert {r["Code"].value: r["Description"].value for r in legend} == {
		code: description for code, (_, description) in FINDINGS.items()
	}


def test_no_emergency_fund(tmp_path):
	files = {**BUNDLE}
	files["projects.csv"] = "\n".join(
		line for line in BUNDLE["projects.csv"].splitlines() if ",1" != line[-2:]
	)
	files["modules.csv"] = "\n".join(l for l in BUNDLE["modules.csv"].splitlines() if not l.startswith("GF"))
	files["contributions.csv"] = "\n".join(
		l for l in BUNDLE["contributions.csv"].splitlines() if not l.startswith("C3")
	)
	del files["disbursements.csv"]
	result = reconciled(tmp_path / "bundle", files)
	assert result["emergency_fund"] is None
	buffer = io.BytesIO()
	write_workbook(result, buffer)
	ws = openpyxl.load_workbook(buffer)["Emergency Fund"]
	assert ws["A2"].value == "No emergency fund in this portfolio"
	assert ws.max_row == 2


def test_empty_portfolio(tmp_path):
	header = BUNDLE["projects.csv"].splitlines()[0] + "\n"
	result = reconciled(tmp_path / "bundle", {"projects.csv": header})
	path = tmp_path / "empty.xlsx"
	write_workbook(result, path)
	wb = openpyxl.load_workbook(path)
	assert wb.sheetnames == SHEETS
	assert wb["Projects"].max_row == 1
	assert money(figures(wb["Portfolio"])["Budget (USD)"]) == Decimal("0.00")
	assert wb["Emergency Fund"]["A2"].value == "No emergency fund in this portfolio"
	with zipfile.ZipFile(path) as z:
		assert not any(name.startswith("xl/charts/") for name in z.namelist())


def test_labels_override(result):
	buffer = io.BytesIO()
	write_workbook(result, buffer, labels={"budget_usd": "Presupuesto (USD)", "sheet_regions": "Regiones"})
	wb = openpyxl.load_workbook(buffer)
	assert wb.sheetnames[1] == "Regiones"
	assert "Presupuesto (USD)" in [c.value for c in wb["Projects"][1]]
