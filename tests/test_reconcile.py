"""Figures and findings of the reconciliation, each on a minimal bundle."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ctm_portfolio.engine.output import to_jsonable
from ctm_portfolio.engine.reconcile import FINDINGS

from .factories import AS_OF, Bundle, codes, finding


def D(text: str) -> Decimal:
	return Decimal(text)


def test_a_clean_portfolio_has_no_findings(tmp_path):
	result = Bundle().reconcile(tmp_path)
	assert result["findings"] == []
	(p,) = result["projects"]
	assert p["budget_usd"] == p["pledged_usd"] == p["received_usd"] == D("2000.00")
	assert p["funding_gap_usd"] == D("0.00")
	assert p["burn_rate"] == D("0.0000")
	assert p["cost_per_beneficiary_usd"] is None


def contribution(
	cid="C2",
	amount="1000",
	currency="USD",
	pledge_date="2003-01-15",
	status="Signed",
	donor="D1",
	project="P1",
):
	return dict(
		contribution_id=cid,
		donor_code=donor,
		project_code=project,
		currency=currency,
		amount=amount,
		pledge_date=pledge_date,
		status=status,
	)


def expenditure(
	xid="X1", amount="100", module="M1", day="2003-06-01", currency="USD", contribution_id="", project="P1"
):
	return dict(
		expenditure_id=xid,
		project_code=project,
		module=module,
		date=day,
		amount=amount,
		currency=currency,
		contribution_id=contribution_id,
	)


def case(cid, gender="female", age="adult", day="2003-05-01", project="P1", assistance=""):
	return dict(
		case_id=cid,
		project_code=project,
		registration_date=day,
		gender=gender,
		age_group=age,
		country_of_assistance="NP",
		assistance=assistance,
	)


def disbursement(
	did,
	case_id="K1",
	status="Disbursed",
	amount="100",
	assistance="return",
	requested="2003-06-01",
	disbursed="2003-06-05",
	office="Kathmandu",
	currency="USD",
):
	return dict(
		disbursement_id=did,
		case_id=case_id,
		field_office=office,
		assistance_type=assistance,
		amount=amount,
		currency=currency,
		requested_date=requested,
		status=status,
		disbursed_date=disbursed if status == "Disbursed" else "",
	)


def fund_bundle(*rows, received="1000"):
	bundle = Bundle()
	bundle.set("projects", is_emergency_fund="1", region="Global")
	bundle.set("receipts", amount=received)
	bundle.set("contributions", amount="2000")
	bundle.tables["cases.csv"] = [case("K1"), case("K2")]
	bundle.tables["disbursements.csv"] = list(rows)
	return bundle


# -- each finding code ------------------------------------------------------------------


def test_earmark_breach(tmp_path):
	bundle = Bundle(earmarks=[{"contribution_id": "C1", "module": "M1", "amount": "300"}])
	bundle.tables["expenditures.csv"] = [
		expenditure("X1", "250", "M1", contribution_id="C1"),
		expenditure("X2", "100", "M1", contribution_id="C1"),
		expenditure("X3", "40", "M2", contribution_id="C1"),  # not earmarked: its earmark is 0
		expenditure("X4", "999", "M2"),  # not charged to a contribution
	]
	result = bundle.reconcile(tmp_path)
	breaches = [f for f in result["findings"] if f["code"] == "EARMARK_BREACH"]
	assert [(f["id"], f["amount_usd"]) for f in breaches] == [("C1/M1", D("50.00")), ("C1/M2", D("40.00"))]
	assert breaches[0]["severity"] == "error"
	assert breaches[0]["entity"] == "earmark"


def test_an_unearmarked_contribution_is_never_breached(tmp_path):
	bundle = Bundle(expenditures=[expenditure("X1", "900", "M1", contribution_id="C1")])
	assert "EARMARK_BREACH" not in codes(bundle.reconcile(tmp_path))


def test_spent_beyond_pledge_and_ahead_of_cash(tmp_path):
	bundle = Bundle()
	bundle.tables["contributions.csv"] += [contribution("C2", "100"), contribution("C3", "100")]
	bundle.tables["receipts.csv"] += [
		{"receipt_id": "R3", "contribution_id": "C3", "date": "2003-02-01", "amount": "20"}
	]
	bundle.tables["expenditures.csv"] = [
		expenditure("X1", "150", contribution_id="C2"),
		expenditure("X2", "60", contribution_id="C3"),
	]
	result = bundle.reconcile(tmp_path)
	beyond = finding(result, "SPENT_BEYOND_PLEDGE")
	ahead = finding(result, "SPENT_AHEAD_OF_CASH")
	assert (beyond["id"], beyond["amount_usd"], beyond["severity"]) == ("C2", D("50.00"), "error")
	assert (ahead["id"], ahead["amount_usd"], ahead["severity"]) == ("C3", D("40.00"), "warning")


def test_receipt_exceeds_pledge_in_its_own_currency(tmp_path):
	bundle = Bundle(
		rates=[
			{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.10"},
			{"currency": "EUR", "date": "2004-06-01", "usd_per_unit": "1.25"},
		]
	)
	bundle.tables["contributions.csv"].append(contribution("C2", "100", "EUR"))
	bundle.tables["receipts.csv"] += [
		{"receipt_id": "R2", "contribution_id": "C2", "date": "2003-02-01", "amount": "80"},
		{"receipt_id": "R3", "contribution_id": "C2", "date": "2003-03-01", "amount": "30"},
	]
	f = finding(bundle.reconcile(tmp_path), "RECEIPT_EXCEEDS_PLEDGE")
	# 10 EUR over the amount, valued at the as-of date's rate (1.25)
	assert (f["id"], f["amount_usd"]) == ("C2", D("12.50"))


def test_module_over_budget(tmp_path):
	bundle = Bundle(expenditures=[expenditure("X1", "600", "M2"), expenditure("X2", "400.01", "M2")])
	f = finding(bundle.reconcile(tmp_path), "MODULE_OVER_BUDGET")
	assert (f["entity"], f["id"], f["amount_usd"]) == ("module", "P1/M2", D("0.01"))


def test_project_underfunded_only_when_active(tmp_path):
	bundle = Bundle().set("contributions", amount="1500")
	result = bundle.reconcile(tmp_path / "a")
	f = finding(result, "PROJECT_UNDERFUNDED")
	assert (f["id"], f["amount_usd"]) == ("P1", D("500.00"))
	assert result["projects"][0]["funding_gap_usd"] == D("500.00")
	bundle.set("projects", status="Closed")
	result = bundle.reconcile(tmp_path / "b")
	assert "PROJECT_UNDERFUNDED" not in codes(result)
	assert result["projects"][0]["funding_gap_usd"] == D("500.00")


def test_expenditure_outside_period(tmp_path):
	bundle = Bundle(
		expenditures=[
			expenditure("X1", "10", day="2002-12-31"),
			expenditure("X2", "20", day="2003-01-01"),
			expenditure("X3", "30", day="2004-01-01"),
		]
	)
	bundle.set("projects", end_date="2003-12-31")
	result = bundle.reconcile(tmp_path)
	outside = [f for f in result["findings"] if f["code"] == "EXPENDITURE_OUTSIDE_PERIOD"]
	assert [(f["id"], f["amount_usd"]) for f in outside] == [("X1", D("10.00")), ("X3", D("30.00"))]


def test_unmatched_disbursement(tmp_path):
	bundle = fund_bundle(
		disbursement("E1", "K1"),
		disbursement("E2", "K404"),
		disbursement("E3", "K405", status="Requested"),  # only approved or disbursed rows count
		disbursement("E4", "K406", status="Approved", assistance="shelter"),
	)
	result = bundle.reconcile(tmp_path)
	assert [f["id"] for f in result["findings"] if f["code"] == "UNMATCHED_DISBURSEMENT"] == ["E2", "E4"]


def test_a_case_registered_after_the_as_of_date_does_not_match(tmp_path):
	bundle = fund_bundle(disbursement("E1", "K9"))
	bundle.tables["cases.csv"].append(case("K9", day="2005-01-01"))
	assert [f["id"] for f in bundle.reconcile(tmp_path)["findings"]] == ["E1"]


def test_duplicate_disbursement_one_finding_per_extra_row(tmp_path):
	bundle = fund_bundle(
		disbursement("E1", "K1", requested="2003-06-01"),
		disbursement("E2", "K1", status="Approved", requested="2003-06-02"),
		disbursement("E3", "K1", status="Requested", requested="2003-06-03"),
		disbursement("E4", "K1", status="Rejected", requested="2003-06-04"),
		disbursement("E5", "K1", assistance="medical", requested="2003-06-05", disbursed="2003-06-06"),
	)
	result = bundle.reconcile(tmp_path)
	dups = [f for f in result["findings"] if f["code"] == "DUPLICATE_DISBURSEMENT"]
	assert [(f["id"], f["amount_usd"]) for f in dups] == [("E2", D("100.00")), ("E3", D("100.00"))]
	assert "repeats E1" in dups[0]["message"]


def test_fund_overdrawn(tmp_path):
	bundle = fund_bundle(
		disbursement("E1", "K1", amount="700"),
		disbursement("E2", "K2", status="Approved", amount="400"),
		disbursement("E3", "K2", status="Requested", amount="5000", assistance="shelter"),
	)
	result = bundle.reconcile(tmp_path)
	f = finding(result, "FUND_OVERDRAWN")
	assert (f["entity"], f["id"], f["amount_usd"]) == ("emergency_fund", "P1", D("100.00"))
	fund = result["emergency_fund"]
	assert (fund["received_usd"], fund["disbursed_usd"], fund["committed_usd"], fund["available_usd"]) == (
		D("1000.00"),
		D("700.00"),
		D("400.00"),
		D("-100.00"),
	)
	assert fund["cases_assisted"] == 1
	assert fund["by_assistance_type"] == [
		{"assistance_type": "return", "disbursed_usd": D("700.00"), "committed_usd": D("400.00")}
	]
	assert fund["by_field_office"] == [
		{"field_office": "Kathmandu", "disbursed_usd": D("700.00"), "committed_usd": D("400.00")}
	]


def test_no_emergency_fund_gives_null(tmp_path):
	assert Bundle().reconcile(tmp_path)["emergency_fund"] is None


def test_target_shortfall_and_group_membership(tmp_path):
	bundle = Bundle(
		cases=[
			case("K1", "female", "adult"),
			case("K2", "female", "child", assistance="return;shelter"),
			case("K3", "male", "child", assistance="return"),
			case("K4", "male", "adult"),
			case("K5", "other", "unknown"),
			case("K6", "female", "adult", day="2002-01-01"),  # before the period
			case("K7", "female", "adult", project="", day="2003-05-01"),  # no project
		]
	)
	groups = ["women", "men", "girls", "boys", "children", "adults", "women_and_children", "all"]
	bundle.tables["targets.csv"] = [
		{
			"project_code": "P1",
			"beneficiary_group": g,
			"target": "2",
			"period_start": "2003-01-01",
			"period_end": "2003-12-31",
		}
		for g in groups
	] + [{"project_code": "P1", "beneficiary_group": "children", "assistance_type": "shelter", "target": "1"}]
	result = bundle.reconcile(tmp_path)
	targets = result["projects"][0]["targets"]
	assisted = {(t["beneficiary_group"], t["assistance_type"]): t["assisted"] for t in targets}
	assert assisted == {
		("women", None): 1,
		("men", None): 1,
		("girls", None): 1,
		("boys", None): 1,
		("children", None): 2,
		("adults", None): 2,
		("women_and_children", None): 3,
		("all", None): 5,
		("children", "shelter"): 1,
	}
	defaulted = next(t for t in targets if t["assistance_type"] == "shelter")
	assert (defaulted["period_start"], defaulted["period_end"]) == (date(2003, 1, 1), date(2005, 12, 31))
	shortfalls = sorted(f["id"] for f in result["findings"] if f["code"] == "TARGET_SHORTFALL")
	# the shelter target's period ends 2005-12-31, after the as-of date: not yet a shortfall
	assert shortfalls == [
		"P1/boys/2003-01-01",
		"P1/girls/2003-01-01",
		"P1/men/2003-01-01",
		"P1/women/2003-01-01",
	]
	assert result["projects"][0]["cases_assisted"] == 6


def test_every_finding_code_has_a_test_here():
	tested = {
		"EARMARK_BREACH",
		"SPENT_BEYOND_PLEDGE",
		"SPENT_AHEAD_OF_CASH",
		"RECEIPT_EXCEEDS_PLEDGE",
		"MODULE_OVER_BUDGET",
		"PROJECT_UNDERFUNDED",
		"EXPENDITURE_OUTSIDE_PERIOD",
		"UNMATCHED_DISBURSEMENT",
		"DUPLICATE_DISBURSEMENT",
		"FUND_OVERDRAWN",
		"TARGET_SHORTFALL",
	}
	assert tested == set(FINDINGS)


# -- money: exact sums, one rounding, rates at value dates -----------------------------------


def test_sums_are_exact_where_floats_are_not(tmp_path):
	amounts = ["90071992547409.91", "0.01", "0.01", "0.01"]
	bundle = Bundle(expenditures=[expenditure(f"X{i}", a) for i, a in enumerate(amounts)])
	bundle.set("modules", budget="99999999999999.00")
	p = bundle.reconcile(tmp_path)["projects"][0]
	assert p["spent_usd"] == D("90071992547409.94")
	assert f"{sum(float(a) for a in amounts):.2f}" != "90071992547409.94"  # a float sum loses the cents


def test_half_up_on_a_converted_amount_where_floats_round_down(tmp_path):
	bundle = Bundle(
		rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.005"}],
		expenditures=[expenditure("X1", "1.00", currency="EUR")],
	)
	assert bundle.reconcile(tmp_path)["projects"][0]["spent_usd"] == D("1.01")
	assert round(1.00 * 1.005, 2) == 1.0  # what binary floating point would report


def test_rounding_happens_once_half_up_after_summing(tmp_path):
	# three EUR expenditures of 0.05 at 1.1: each is 0.055 USD; rounding each first gives 0.18,
	# the exact sum is 0.165 -> 0.17 (half-up; banker's rounding would give 0.16)
	bundle = Bundle(
		rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.1"}],
		expenditures=[expenditure(f"X{i}", "0.05", currency="EUR") for i in range(3)],
	)
	p = bundle.reconcile(tmp_path)["projects"][0]
	assert p["spent_usd"] == D("0.17")
	assert to_jsonable(p)["spent_usd"] == "0.17"


def test_conversion_uses_the_rate_in_force_on_the_value_date(tmp_path):
	bundle = Bundle(
		rates=[
			{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.0"},
			{"currency": "EUR", "date": "2003-06-01", "usd_per_unit": "1.2"},
			{"currency": "EUR", "date": "2004-01-01", "usd_per_unit": "1.5"},
			{"currency": "CHF", "date": "2003-01-01", "usd_per_unit": "0.7"},
		]
	)
	bundle.set("projects", currency="EUR", start_date="2003-06-15")  # budget at the start date: 1.2
	bundle.set("contributions", currency="EUR", pledge_date="2003-05-31", amount="2000")  # 1.0
	bundle.set("receipts", date="2003-06-01", amount="500")  # 1.2
	bundle.tables["expenditures.csv"] = [
		expenditure("X1", "100", day="2003-12-31", currency="CHF"),  # 0.7
		expenditure("X2", "100", day="2004-01-01", currency="EUR"),  # 1.5
	]
	p = bundle.reconcile(tmp_path)["projects"][0]
	assert p["budget_usd"] == D("2400.00")
	assert p["pledged_usd"] == D("2000.00")
	assert p["received_usd"] == D("600.00")
	assert p["spent_usd"] == D("220.00")
	# owed 1500 EUR valued at the as-of date's rate (1.5)
	assert p["outstanding_usd"] == D("2250.00")
	assert p["cash_balance_usd"] == D("380.00")
	assert p["burn_rate"] == D("0.0917")


def test_a_cancelled_contribution_counts_for_nothing(tmp_path):
	bundle = Bundle(earmarks=[{"contribution_id": "C1", "module": "M1", "amount": "10"}])
	bundle.set("contributions", status="Cancelled")
	bundle.tables["expenditures.csv"] = [expenditure("X1", "500", contribution_id="C1")]
	result = bundle.reconcile(tmp_path)
	p = result["projects"][0]
	assert (p["pledged_usd"], p["received_usd"], p["outstanding_usd"], p["spent_usd"]) == (
		D("0.00"),
		D("0.00"),
		D("0.00"),
		D("500.00"),
	)
	assert p["modules"][0]["earmarked_usd"] == D("0.00")
	assert result["donors"][0]["spent_usd"] == D("0.00")
	assert codes(result) == ["PROJECT_UNDERFUNDED"]


# -- as of a date --------------------------------------------------------------------------


def test_rows_dated_after_the_as_of_date_are_left_out(tmp_path):
	bundle = Bundle(cases=[case("K1", day="2003-05-01"), case("K2", day="2003-07-03")])
	bundle.tables["contributions.csv"].append(contribution("C2", "300", pledge_date="2003-07-01"))
	bundle.tables["receipts.csv"].append(
		{"receipt_id": "R2", "contribution_id": "C2", "date": "2003-07-02", "amount": "300"}
	)
	bundle.tables["expenditures.csv"] = [
		expenditure("X1", "10", day="2003-06-30"),
		expenditure("X2", "20", day="2003-07-01"),
	]
	bundle.tables["disbursements.csv"] = [
		disbursement("E1", "K1", requested="2003-06-01", disbursed="2003-07-05"),
		disbursement("E2", "K1", status="Approved", assistance="medical", requested="2003-06-01"),
	]
	bundle.set("projects", is_emergency_fund="1")
	early = bundle.reconcile(tmp_path / "a", date(2003, 6, 30))
	p = early["projects"][0]
	assert (p["pledged_usd"], p["received_usd"], p["spent_usd"], p["cases_assisted"]) == (
		D("2000.00"),
		D("2000.00"),
		D("10.00"),
		1,
	)
	fund = early["emergency_fund"]
	# E1 was disbursed after the as-of date: left out entirely (not even as committed)
	assert (fund["disbursed_usd"], fund["committed_usd"]) == (D("0.00"), D("100.00"))
	late = bundle.reconcile(tmp_path / "b", date(2003, 7, 5))
	p = late["projects"][0]
	assert (p["pledged_usd"], p["received_usd"], p["spent_usd"], p["cases_assisted"]) == (
		D("2300.00"),
		D("2300.00"),
		D("30.00"),
		2,
	)
	assert late["emergency_fund"]["disbursed_usd"] == D("100.00")


def test_a_target_period_must_have_ended_for_a_shortfall(tmp_path):
	bundle = Bundle(
		targets=[
			{
				"project_code": "P1",
				"beneficiary_group": "all",
				"target": "5",
				"period_start": "2003-01-01",
				"period_end": "2004-06-30",
			}
		]
	)
	assert "TARGET_SHORTFALL" not in codes(bundle.reconcile(tmp_path / "a", date(2004, 6, 29)))
	assert "TARGET_SHORTFALL" in codes(bundle.reconcile(tmp_path / "b", date(2004, 6, 30)))


# -- roll-ups ------------------------------------------------------------------------------


def test_regions_and_portfolio_roll_up_exact_sums(tmp_path):
	bundle = Bundle(rates=[{"currency": "EUR", "date": "2003-01-01", "usd_per_unit": "1.0005"}])
	base = bundle.tables["projects.csv"][0]
	bundle.tables["projects.csv"] += [
		dict(base, project_code="P2", currency="EUR", status="Pipeline"),
		dict(base, project_code="P3", currency="EUR", region="Europe", status="Closed"),
	]
	bundle.tables["modules.csv"] += [
		{"project_code": "P2", "module": "A", "budget": "0.01"},
		{"project_code": "P3", "module": "A", "budget": "0.01"},
	]
	result = bundle.reconcile(tmp_path)
	# each EUR budget is 0.010005 USD: 0.01 alone, but the Asia sum 2000.010005 -> 2000.01
	# and the portfolio sum 2000.02001 -> 2000.02 (summed exactly, rounded once)
	asia, europe = result["regions"]
	assert (asia["region"], asia["project_count"], asia["budget_usd"]) == ("Asia", 2, D("2000.01"))
	assert asia["projects_by_status"] == {"Pipeline": 1, "Active": 1, "Suspended": 0, "Closed": 0}
	assert (europe["region"], europe["budget_usd"]) == ("Europe", D("0.01"))
	assert result["portfolio"]["budget_usd"] == D("2000.02")
	assert result["portfolio"]["funding_gap_usd"] == D("0.02")


def test_donor_figures(tmp_path):
	bundle = Bundle(expenditures=[expenditure("X1", "150", contribution_id="C1"), expenditure("X2", "5")])
	bundle.set("receipts", amount="1200")
	(donor,) = bundle.reconcile(tmp_path)["donors"]
	assert donor == {
		"donor_code": "D1",
		"name": "Donor one",
		"donor_type": "Government",
		"pledged_usd": D("2000.00"),
		"received_usd": D("1200.00"),
		"outstanding_usd": D("800.00"),
		"spent_usd": D("150.00"),
	}


@pytest.mark.parametrize("status", ["Pipeline", "Suspended"])
def test_only_active_projects_are_underfunded(tmp_path, status):
	bundle = (
		Bundle().set("projects", status=status).set("contributions", amount="1").set("receipts", amount="1")
	)
	assert codes(bundle.reconcile(tmp_path)) == []
