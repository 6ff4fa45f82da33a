"""``reconcile(..., details=True)`` and ``FRAME_COLUMNS``: what the Frappe reports build on.

The details add figures (per contribution, a project's earmarked total, each finding's template
and parameters) without changing any other; a bundle whose frames hold only the columns of
``FRAME_COLUMNS`` reconciles exactly as the full bundle does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ctm_portfolio.engine.bundle import Bundle as EngineBundle
from ctm_portfolio.engine.demo import DEMO_DIR
from ctm_portfolio.engine.output import dumps
from ctm_portfolio.engine.reconcile import DONOR_FIGURES, FRAME_COLUMNS, reconcile
from ctm_portfolio.engine.validate import load_bundle

from .factories import AS_OF, Bundle
from .test_reconcile import contribution, expenditure

DETAIL_KEYS = ("contributions", "donor_totals")
DEMO_DATES = (date(2003, 6, 30), date(2026, 12, 3))


def D(text: str) -> Decimal:
	return Decimal(text)


def without_details(result: dict) -> dict:
	out = {k: v for k, v in result.items() if k not in DETAIL_KEYS}
	out["portfolio"] = {k: v for k, v in result["portfolio"].items() if k != "earmarked_usd"}
	out["regions"] = [{k: v for k, v in r.items() if k != "earmarked_usd"} for r in result["regions"]]
	out["projects"] = [
		{
			**{k: v for k, v in p.items() if k != "earmarked_usd"},
			"modules": [{k: v for k, v in m.items() if k != "burn_rate"} for m in p["modules"]],
		}
		for p in result["projects"]
	]
	out["findings"] = [
		{k: v for k, v in f.items() if k not in ("template", "params")} for f in result["findings"]
	]
	return out


@pytest.fixture(scope="module")
def demo():
	return load_bundle(DEMO_DIR)


@pytest.mark.parametrize("as_of", DEMO_DATES)
def test_details_change_no_figure_of_the_contract(demo, as_of):
	plain = reconcile(demo, as_of)
	detailed = reconcile(demo, as_of, details=True)
	assert "contributions" not in plain
	assert not any("template" in f for f in plain["findings"])
	assert without_details(detailed) == plain
	assert dumps(without_details(detailed)) == dumps(plain)


@pytest.mark.parametrize("as_of", DEMO_DATES)
def test_each_finding_message_is_its_template_with_its_params(demo, as_of):
	for f in reconcile(demo, as_of, details=True)["findings"]:
		assert f["template"].format(**f["params"]) == f["message"]
		assert "{" in f["template"]


def test_contribution_rows(tmp_path):
	bundle = Bundle(
		rates=[
			{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.1"},
			{"currency": "EUR", "date": "2004-06-01", "usd_per_unit": "1.25"},
		],
		earmarks=[
			{"contribution_id": "C1", "module": "M1", "amount": "300"},
			{"contribution_id": "C2", "module": "M2", "amount": "100"},
		],
	)
	bundle.tables["contributions.csv"] += [
		contribution("C2", "1000", currency="EUR", pledge_date="2003-03-01"),
		contribution("C3", "500", status="Cancelled"),
		contribution("C4", "700", pledge_date="2005-01-01"),  # pledged after the as-of date
		contribution("C5", "800", pledge_date="2005-02-01"),  # likewise, and nothing received
	]
	bundle.tables["receipts.csv"] += [
		{"receipt_id": "R2", "contribution_id": "C2", "date": "2003-04-01", "amount": "400"},
		{"receipt_id": "R3", "contribution_id": "C3", "date": "2003-04-01", "amount": "500"},
		{"receipt_id": "R4", "contribution_id": "C4", "date": "2004-02-01", "amount": "200"},
	]
	bundle.tables["expenditures.csv"] = [
		expenditure("X1", "250", "M1", contribution_id="C1"),
		expenditure("X2", "10", "M2", day="2004-07-01", currency="EUR", contribution_id="C2"),
		expenditure("X3", "99", "M2", contribution_id="C4"),  # charged to a contribution not yet pledged
		expenditure("X4", "5", "M2"),
	]
	result = reconcile(load_bundle(bundle.write(tmp_path)), AS_OF, details=True)
	rows = {r["contribution_id"]: r for r in result["contributions"]}
	assert list(rows) == ["C1", "C2", "C4"]  # C3 cancelled, C5 neither pledged nor received yet
	c1, c2, c4 = rows["C1"], rows["C2"], rows["C4"]
	assert (c1["donor_code"], c1["project_code"], c1["currency"], c1["status"]) == (
		"D1",
		"P1",
		"USD",
		"Signed",
	)
	assert (c1["pledge_date"], c1["amount"]) == (date(2003, 1, 15), D("2000.00"))
	assert (c1["pledged_usd"], c1["earmarked_usd"], c1["received_usd"]) == (
		D("2000.00"),
		D("300.00"),
		D("2000.00"),
	)
	assert (c1["outstanding_usd"], c1["spent_usd"]) == (D("0.00"), D("250.00"))
	# EUR: pledged and earmarked at the pledge date (1.1), received at 1.1, owed 600 at the as-of date (1.25),
	# spent at its date (1.25)
	assert c2["amount"] == D("1000.00")
	assert (c2["pledged_usd"], c2["earmarked_usd"], c2["received_usd"]) == (
		D("1100.00"),
		D("110.00"),
		D("440.00"),
	)
	assert (c2["outstanding_usd"], c2["spent_usd"]) == (D("750.00"), D("12.50"))
	# Received before its pledge: the receipt counts, nothing is pledged, owed or charged yet.
	assert (c4["pledged_usd"], c4["received_usd"], c4["outstanding_usd"], c4["spent_usd"]) == (
		D("0.00"),
		D("200.00"),
		D("0.00"),
		D("0.00"),
	)
	# The rows add up to the donor's and the project's figures.
	(donor,) = result["donors"]
	(project,) = result["projects"]
	for figure in ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd"):
		assert sum(r[figure] for r in rows.values()) == donor[figure], figure
	for figure in ("pledged_usd", "received_usd", "outstanding_usd"):
		assert sum(r[figure] for r in rows.values()) == project[figure], figure
	assert result["donor_totals"] == {f: donor[f] for f in DONOR_FIGURES}
	assert project["earmarked_usd"] == D("410.00")
	assert project["earmarked_usd"] == sum(m["earmarked_usd"] for m in project["modules"])
	assert result["portfolio"]["earmarked_usd"] == result["regions"][0]["earmarked_usd"] == D("410.00")


def test_module_burn_rate_and_earmarked_roll_up_exactly(tmp_path):
	bundle = Bundle(
		rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.5"}],
		earmarks=[
			{"contribution_id": "C1", "module": "M1", "amount": "0.01"},
			{"contribution_id": "C1", "module": "M2", "amount": "0.01"},
		],
	)
	bundle.set("contributions", currency="EUR")
	bundle.set("modules", 1, budget="0")
	bundle.tables["expenditures.csv"] = [expenditure("X1", "1", "M1"), expenditure("X2", "5", "M2")]
	result = reconcile(load_bundle(bundle.write(tmp_path)), AS_OF, details=True)
	(project,) = result["projects"]
	m1, m2 = project["modules"]
	assert (m1["burn_rate"], m2["burn_rate"]) == (D("0.0010"), None)  # 1 / 1000; M2's budget is 0
	# Each earmark is 0.015 USD, 0.02 rounded; their sum 0.03 is rounded once, not 0.02 + 0.02.
	assert (m1["earmarked_usd"], m2["earmarked_usd"]) == (D("0.02"), D("0.02"))
	assert project["earmarked_usd"] == result["portfolio"]["earmarked_usd"] == D("0.03")


def test_the_details_serialise_as_json(tmp_path):
	result = reconcile(load_bundle(Bundle().write(tmp_path)), AS_OF, details=True)
	assert '"amount": "2000.00"' in dumps(result)
	assert '"pledge_date": "2003-01-15"' in dumps(result)


def test_frame_columns_are_every_column_reconciliation_reads(demo):
	assert set(FRAME_COLUMNS) == set(demo.frames)
	narrow = EngineBundle(
		source="narrow",
		frames={name: frame[list(FRAME_COLUMNS[name])].copy() for name, frame in demo.frames.items()},
	)
	for as_of in DEMO_DATES:
		assert reconcile(narrow, as_of, details=True) == reconcile(demo, as_of, details=True)


def test_frame_columns_exist_in_validated_frames(demo):
	for name, columns in FRAME_COLUMNS.items():
		assert set(columns) <= set(demo.frames[name].columns), name


def test_donor_totals_are_exact_sums_rounded_once(tmp_path):
	# Two donors' pledges of 0.01 EUR at 1.5: 0.015 USD each, 0.02 rounded; together 0.03.
	bundle = Bundle(rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.5"}])
	bundle.tables["donors.csv"].append({"donor_code": "D2", "name": "Donor two", "donor_type": "Private"})
	bundle.tables["contributions.csv"] += [
		contribution("C2", "0.01", currency="EUR", donor="D1"),
		contribution("C3", "0.01", currency="EUR", donor="D2"),
	]
	result = reconcile(load_bundle(bundle.write(tmp_path)), AS_OF, details=True)
	d1, d2 = result["donors"]
	assert (d1["pledged_usd"], d2["pledged_usd"]) == (D("2000.02"), D("0.02"))
	assert result["donor_totals"]["pledged_usd"] == D("2000.03")


MEMBERS = {
	"women": lambda gender, age: gender == "female" and age == "adult",
	"men": lambda gender, age: gender == "male" and age == "adult",
	"girls": lambda gender, age: gender == "female" and age == "child",
	"boys": lambda gender, age: gender == "male" and age == "child",
	"children": lambda gender, age: age == "child",
	"adults": lambda gender, age: age == "adult",
	"women_and_children": lambda gender, age: (gender == "female" and age == "adult") or age == "child",
	"all": lambda gender, age: True,
}


@pytest.mark.parametrize("as_of", DEMO_DATES)
def test_assisted_is_a_count_of_the_cases_one_by_one(demo, as_of):
	"""The engine counts a target's cases on coded joins; here, case by case, from the contract."""
	projects = {p.project_code: p for p in demo.rows["projects.csv"]}
	cases = [c for c in demo.rows["cases.csv"] if c.project_code and c.registration_date <= as_of]
	expected = {}
	for t in demo.rows["targets.csv"]:
		p = projects[t.project_code]
		first, last = t.period_start or p.start_date, t.period_end or p.end_date
		key = (t.project_code, t.beneficiary_group, t.assistance_type or "", first)
		expected[key] = sum(
			1
			for c in cases
			if c.project_code == t.project_code
			and first <= c.registration_date <= last
			and MEMBERS[t.beneficiary_group](c.gender, c.age_group)
			and (t.assistance_type is None or t.assistance_type in c.assistance)
		)
	found = {
		(p["project_code"], t["beneficiary_group"], t["assistance_type"] or "", t["period_start"]): t[
			"assisted"
		]
		for p in reconcile(demo, as_of)["projects"]
		for t in p["targets"]
	}
	assert found == expected
	assert sum(found.values()) > 1000
