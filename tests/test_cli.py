"""The headless command: exit codes, output forms, the JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ctm_portfolio.engine.cli import main

from .factories import Bundle


def run(capsys, *argv: str) -> tuple[int, str, str]:
	code = main(list(argv))
	out = capsys.readouterr()
	return code, out.out, out.err


def test_validate_a_valid_bundle(tmp_path, capsys):
	folder = Bundle().write(tmp_path)
	code, out, _ = run(capsys, "validate", str(folder))
	assert code == 0
	assert "the bundle is valid" in out


def test_validate_prints_every_problem_and_exits_2(tmp_path, capsys):
	folder = Bundle().set("modules", budget="-1").set("donors", donor_type="NGO").write(tmp_path)
	code, out, _ = run(capsys, "validate", str(folder))
	assert code == 2
	lines = out.splitlines()
	assert lines[0] == "modules.csv:2:budget: budget must not be negative: '-1'"
	assert lines[1].startswith("donors.csv:2:donor_type: 'NGO' is not a valid donor type")
	assert lines[-1] == "2 problem(s): the bundle is invalid"


def test_reconcile_an_invalid_bundle_exits_2_and_reconciles_nothing(tmp_path, capsys):
	folder = Bundle().set("modules", budget="x").write(tmp_path)
	code, out, err = run(capsys, "reconcile", str(folder), "--json")
	assert code == 2
	assert out == ""
	assert "modules.csv:2:budget:" in err


def test_reconcile_json_shape(tmp_path, capsys):
	folder = Bundle().set("contributions", amount="1500").write(tmp_path)
	code, out, _ = run(capsys, "reconcile", str(folder), "--json", "--as-of", "2004-12-31")
	assert code == 0
	data = json.loads(out)
	assert list(data) == [
		"as_of",
		"currency",
		"portfolio",
		"regions",
		"projects",
		"donors",
		"emergency_fund",
		"findings",
	]
	assert data["as_of"] == "2004-12-31"
	assert data["currency"] == "USD"
	assert data["portfolio"] == {
		"project_count": 1,
		"projects_by_status": {"Pipeline": 0, "Active": 1, "Suspended": 0, "Closed": 0},
		"budget_usd": "2000.00",
		"pledged_usd": "1500.00",
		"received_usd": "2000.00",
		"outstanding_usd": "0.00",
		"spent_usd": "0.00",
		"funding_gap_usd": "500.00",
		"cash_balance_usd": "2000.00",
		"cases_assisted": 0,
	}
	assert data["regions"][0]["region"] == "Asia"
	project = data["projects"][0]
	assert project["burn_rate"] == "0.0000"
	assert project["cost_per_beneficiary_usd"] is None
	assert project["modules"] == [
		{"module": "M1", "budget_usd": "1000.00", "earmarked_usd": "0.00", "spent_usd": "0.00"},
		{"module": "M2", "budget_usd": "1000.00", "earmarked_usd": "0.00", "spent_usd": "0.00"},
	]
	assert project["targets"] == []
	assert data["donors"][0]["pledged_usd"] == "1500.00"
	assert data["emergency_fund"] is None
	assert data["findings"] == [
		{
			"code": "PROJECT_UNDERFUNDED",
			"severity": "warning",
			"entity": "project",
			"id": "P1",
			"message": "project P1: pledges of 1500.00 USD fall 500.00 USD short of the budget of 2000.00 USD",
			"amount_usd": "500.00",
		},
		{
			"code": "RECEIPT_EXCEEDS_PLEDGE",
			"severity": "warning",
			"entity": "contribution",
			"id": "C1",
			"message": "C1: received 2000.00 USD, more than its amount 1500.00 USD",
			"amount_usd": "500.00",
		},
	]


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 3), (None, 0)])
def test_fail_on(tmp_path, capsys, fail_on, expected):
	folder = Bundle().set("contributions", amount="1500").write(tmp_path)  # warnings only
	argv = ["reconcile", str(folder), "--json"] + (["--fail-on", fail_on] if fail_on else [])
	assert run(capsys, *argv)[0] == expected


def test_fail_on_error(tmp_path, capsys):
	bundle = Bundle(
		expenditures=[
			{
				"expenditure_id": "X1",
				"project_code": "P1",
				"module": "M1",
				"date": "2003-06-01",
				"amount": "1000.01",
				"currency": "USD",
			}
		]
	)
	assert run(capsys, "reconcile", str(bundle.write(tmp_path)), "--fail-on", "error")[0] == 3


def test_the_terminal_summary(tmp_path, capsys):
	folder = Bundle().set("contributions", amount="1500").write(tmp_path)
	code, out, _ = run(capsys, "reconcile", str(folder), "--as-of", "2004-12-31")
	assert code == 0
	assert "Portfolio reconciliation as of 2004-12-31" in out
	assert "By region" in out
	assert "PROJECT_UNDERFUNDED" in out
	assert "2,000.00" in out


def test_reconcile_writes_a_workbook(tmp_path, capsys):
	folder = Bundle().write(tmp_path / "bundle")
	target = tmp_path / "out" / "reconciliation.xlsx"
	code, _, err = run(capsys, "reconcile", str(folder), "--xlsx", str(target))
	assert code == 0
	assert target.stat().st_size > 0
	assert f"wrote {target}" in err


def test_a_bad_as_of_date_is_a_usage_error(tmp_path, capsys):
	with pytest.raises(SystemExit) as caught:
		main(["reconcile", "--as-of", "31/12/2004"])
	assert caught.value.code == 2
	assert "is not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_the_installed_command_runs(tmp_path):
	folder = Bundle().write(tmp_path)
	done = subprocess.run(
		[sys.executable, "-m", "ctm_portfolio.engine.cli", "validate", str(folder)],
		capture_output=True,
		text=True,
		check=False,
	)
	assert done.returncode == 0, done.stderr


def test_demo_writes_the_demo_bundle(tmp_path, capsys):
	code, _, err = run(capsys, "demo", "--out", str(tmp_path / "demo"))
	assert code == 0
	assert "wrote the demo portfolio" in err
	assert run(capsys, "validate", str(tmp_path / "demo"))[0] == 0


def test_reconcile_without_a_bundle_reconciles_the_demo(capsys):
	code, out, _ = run(capsys, "reconcile", "--json", "--as-of", "2026-12-03")
	assert code == 0
	colombia = next(p for p in json.loads(out)["projects"] if p["project_code"] == "COL-CT-2003")
	assert colombia["funding_gap_usd"] == "215064.00"
