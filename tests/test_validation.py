"""Every input rule of the contract: each kind of bad input gives FILE:ROW:COLUMN: message."""

from __future__ import annotations

import pytest

from ctm_portfolio.engine.errors import BundleInvalid
from ctm_portfolio.engine.validate import load_bundle

from .factories import Bundle


def problems(folder) -> list[str]:
	with pytest.raises(BundleInvalid) as caught:
		load_bundle(folder)
	return [str(p) for p in caught.value.problems]


def test_the_base_bundle_is_valid(tmp_path):
	bundle = load_bundle(Bundle().write(tmp_path))
	assert len(bundle["projects.csv"]) == 1
	assert bundle["projects.csv"][0].countries == ("NP", "IN")


def test_a_missing_folder_is_not_a_bundle(tmp_path):
	assert problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such file or folder"]


def test_a_folder_without_csv_files_is_not_a_bundle(tmp_path):
	(tmp_path / "notes.txt").write_text("hello")
	assert problems(tmp_path) == [f"{tmp_path.name}: not a bundle: the folder holds no CSV files"]


def test_projects_csv_is_required(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "projects.csv").unlink()
	assert "projects.csv: required file is missing: this is not a bundle" in problems(tmp_path)


def test_a_file_of_another_kind_is_not_a_bundle(tmp_path):
	path = tmp_path / "bundle.zip"
	path.write_bytes(b"PK")
	assert problems(path) == ["bundle.zip: not a bundle: give a folder of CSV files or one .xlsx workbook"]


def test_an_unknown_file_is_refused(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "expenditure.csv").write_text("expenditure_id\nX1\n")
	assert problems(tmp_path)[0].startswith("expenditure.csv: unknown file")


def test_empty_file(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "donors.csv").write_text("")
	assert problems(tmp_path) == ["donors.csv: the file is empty: it needs at least a header row"]


def test_a_header_only_file_is_an_empty_part(tmp_path):
	Bundle(expenditures=[]).write(tmp_path)
	(tmp_path / "expenditures.csv").write_text("expenditure_id,project_code,module,date,amount,currency\n")
	assert load_bundle(tmp_path)["expenditures.csv"] == []


def test_not_utf8(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "donors.csv").write_bytes(
		"donor_code,name,donor_type\nD1,Donor one,Government\nD2,Mus\xe9e,Private\n".encode("latin-1")
	)
	found = problems(tmp_path)
	assert len(found) == 1
	assert found[0].startswith("donors.csv:3: the file is not UTF-8 text (byte 0xe9")


def test_a_bom_is_accepted(tmp_path):
	Bundle().write(tmp_path)
	path = tmp_path / "donors.csv"
	path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
	assert load_bundle(tmp_path)["donors.csv"][0].donor_code == "D1"


def test_unknown_missing_and_duplicate_columns(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "donors.csv").write_text("donor_code,name,Donor_Type,name\nD1,Donor,Government,x\n")
	found = problems(tmp_path)
	assert "donors.csv:1:name: the column appears twice" in found
	assert any(
		p.startswith("donors.csv:1:Donor_Type: unknown column (the columns of donors.csv are:") for p in found
	)
	assert "donors.csv:1:donor_type: required column is missing" in found


def test_identity_columns_are_refused_in_cases_and_disbursements(tmp_path):
	bundle = Bundle()
	bundle.add(
		"cases",
		case_id="K1",
		registration_date="2003-05-01",
		gender="female",
		age_group="adult",
		country_of_assistance="NP",
		full_name="Someone",
	)
	bundle.write(tmp_path)
	assert problems(tmp_path) == [
		"cases.csv:1:full_name: column 'full_name' could identify a person: a bundle carries no personal data"
	]


def test_other_extra_columns_are_allowed_in_cases(tmp_path):
	bundle = Bundle()
	bundle.add(
		"cases",
		case_id="K1",
		registration_date="2003-05-01",
		gender="female",
		age_group="adult",
		country_of_assistance="NP",
		trafficking_status="victim",
	)
	assert load_bundle(bundle.write(tmp_path))["cases.csv"][0].case_id == "K1"


@pytest.mark.parametrize(
	("stem", "cells", "expected"),
	[
		(
			"projects",
			{"start_date": "2003/01/01"},
			"projects.csv:2:start_date: '2003/01/01' is not a date in the form YYYY-MM-DD",
		),
		(
			"projects",
			{"start_date": "2003-02-30"},
			"projects.csv:2:start_date: '2003-02-30' is not a real calendar date",
		),
		(
			"projects",
			{"end_date": "2002-12-31"},
			"projects.csv:2:end_date: end date 2002-12-31 is before the start date 2003-01-01",
		),
		(
			"projects",
			{"region": "africa"},
			"projects.csv:2:region: 'africa' is not a valid region (expected one of: Africa, Americas and the Caribbean, Asia, Europe, Global)",
		),
		("projects", {"status": ""}, "projects.csv:2:status: a value is required"),
		("projects", {"currency": "XYZ"}, "projects.csv:2:currency: 'XYZ' is not an ISO 4217 currency code"),
		(
			"projects",
			{"countries": "NP;XX"},
			"projects.csv:2:countries: 'XX' in the list is not a valid ISO 3166-1 alpha-2 country code",
		),
		("projects", {"is_emergency_fund": "yes"}, "projects.csv:2:is_emergency_fund: 'yes' is not 0 or 1"),
		(
			"projects",
			{"title_language": "de"},
			"projects.csv:2:title_language: 'de' is not a valid title language (expected one of: en, fr, es)",
		),
		("modules", {"budget": "-5"}, "modules.csv:2:budget: budget must not be negative: '-5'"),
		(
			"modules",
			{"budget": "1000.005"},
			"modules.csv:2:budget: budget has more than 2 decimal places: '1000.005'",
		),
		(
			"modules",
			{"budget": "1,000.00"},
			"modules.csv:2:budget: '1,000.00' is not a plain decimal number (digits and one '.', no separators)",
		),
		(
			"modules",
			{"budget": "1e3"},
			"modules.csv:2:budget: '1e3' is not a plain decimal number (digits and one '.', no separators)",
		),
		("contributions", {"amount": "0"}, "contributions.csv:2:amount: amount must be greater than 0: '0'"),
		(
			"contributions",
			{"status": "Paid"},
			"contributions.csv:2:status: 'Paid' is not a valid contribution status (expected one of: Pledged, Signed, Cancelled)",
		),
		(
			"donors",
			{"donor_type": "NGO"},
			"donors.csv:2:donor_type: 'NGO' is not a valid donor type (expected one of: Government, Multilateral, Private, Foundation, Other)",
		),
		(
			"donors",
			{"country": "Netherlands"},
			"donors.csv:2:country: 'Netherlands' is not an ISO 3166-1 alpha-2 country code",
		),
		(
			"receipts",
			{"amount": "12.345"},
			"receipts.csv:2:amount: amount has more than 2 decimal places: '12.345'",
		),
	],
)
def test_cell_rules(tmp_path, stem, cells, expected):
	Bundle().set(stem, **cells).write(tmp_path)
	assert problems(tmp_path) == [expected]


def test_a_target_must_be_a_positive_whole_number(tmp_path):
	bundle = Bundle()
	bundle.add("targets", project_code="P1", beneficiary_group="children", target="12.5")
	bundle.add("targets", project_code="P1", beneficiary_group="kids", target="0")
	found = problems(bundle.write(tmp_path))
	assert found == [
		"targets.csv:2:target: '12.5' is not a whole number",
		"targets.csv:3:beneficiary_group: 'kids' is not a valid beneficiary group (expected one of: women, men, girls, boys, children, adults, women_and_children, all)",
		"targets.csv:3:target: must be a whole number greater than 0: '0'",
	]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
	bundle = Bundle()
	bundle.set("modules", 0, budget="x")
	bundle.set("modules", 1, budget="-1")
	bundle.set("donors", donor_type="?")
	found = problems(bundle.write(tmp_path))
	assert [p.split(": ")[0] for p in found] == [
		"modules.csv:2:budget",
		"modules.csv:3:budget",
		"donors.csv:2:donor_type",
	]


def test_duplicate_keys(tmp_path):
	bundle = Bundle()
	bundle.add("modules", project_code="P1", module="M1", budget="5")
	bundle.add("donors", donor_code="D1", name="Again", donor_type="Private")
	found = problems(bundle.write(tmp_path))
	assert "modules.csv:4:module: duplicate project_code + module 'P1 / M1' (first at row 2)" in found
	assert "donors.csv:3:donor_code: duplicate donor_code 'D1' (first at row 2)" in found


def test_broken_references(tmp_path):
	bundle = Bundle()
	bundle.add("modules", project_code="P9", module="M1", budget="5")
	bundle.add(
		"contributions",
		contribution_id="C2",
		donor_code="D9",
		project_code="P1",
		currency="USD",
		amount="5",
		pledge_date="2003-01-01",
		status="Signed",
	)
	bundle.add("receipts", receipt_id="R2", contribution_id="C9", date="2003-01-01", amount="1")
	bundle.add(
		"expenditures",
		expenditure_id="X1",
		project_code="P1",
		module="M9",
		date="2003-03-01",
		amount="1",
		currency="USD",
	)
	bundle.add(
		"cases",
		case_id="K1",
		project_code="P9",
		registration_date="2003-05-01",
		gender="male",
		age_group="adult",
		country_of_assistance="NP",
	)
	found = problems(bundle.write(tmp_path))
	assert found == [
		"modules.csv:4:project_code: 'P9' is not in projects.csv",
		"contributions.csv:3:donor_code: 'D9' is not in donors.csv",
		"receipts.csv:3:contribution_id: 'C9' is not in contributions.csv",
		"expenditures.csv:2:module: module 'M9' is not a module of project P1 in modules.csv",
		"cases.csv:2:project_code: 'P9' is not in projects.csv",
	]


def test_a_disbursement_may_name_a_case_that_does_not_exist(tmp_path):
	bundle = Bundle()
	bundle.add(
		"disbursements",
		disbursement_id="E1",
		case_id="K404",
		field_office="Accra",
		assistance_type="return",
		amount="100",
		currency="USD",
		requested_date="2003-06-01",
		status="Requested",
	)
	assert len(load_bundle(bundle.write(tmp_path))["disbursements.csv"]) == 1


def test_earmark_and_expenditure_modules_belong_to_their_project(tmp_path):
	bundle = Bundle()
	bundle.tables["projects.csv"].append(dict(bundle.tables["projects.csv"][0], project_code="P2"))
	bundle.add("modules", project_code="P2", module="Z", budget="10")
	bundle.add("earmarks", contribution_id="C1", module="Z", amount="10")
	bundle.add(
		"expenditures",
		expenditure_id="X1",
		project_code="P2",
		module="Z",
		date="2003-03-01",
		amount="1",
		currency="USD",
		contribution_id="C1",
	)
	found = problems(bundle.write(tmp_path))
	assert found == [
		"earmarks.csv:2:module: module 'Z' is not a module of project P1 in modules.csv",
		"expenditures.csv:2:contribution_id: contribution C1 funds project P1, not P2",
	]


def test_earmarks_add_up_to_no_more_than_the_contribution(tmp_path):
	bundle = Bundle()
	bundle.add("earmarks", contribution_id="C1", module="M1", amount="1500")
	bundle.add("earmarks", contribution_id="C1", module="M2", amount="500.01")
	assert problems(bundle.write(tmp_path)) == [
		"contributions.csv:2:amount: the earmarks of C1 add up to 2000.01, more than its amount 2000.00"
	]


def test_at_most_one_emergency_fund(tmp_path):
	bundle = Bundle()
	bundle.set("projects", is_emergency_fund="1")
	bundle.tables["projects.csv"].append(dict(bundle.tables["projects.csv"][0], project_code="P2"))
	assert problems(bundle.write(tmp_path)) == [
		"projects.csv:3:is_emergency_fund: only one project may be the emergency fund; P1 already is"
	]


def test_a_disbursed_row_needs_its_date(tmp_path):
	bundle = Bundle()
	bundle.add(
		"disbursements",
		disbursement_id="E1",
		case_id="K1",
		field_office="Accra",
		assistance_type="return",
		amount="100",
		currency="USD",
		requested_date="2003-06-01",
		status="Disbursed",
	)
	assert problems(bundle.write(tmp_path)) == [
		"disbursements.csv:2:disbursed_date: a disbursed row needs its disbursed date"
	]


def test_a_missing_rate_is_an_input_error(tmp_path):
	bundle = Bundle()
	bundle.set("contributions", currency="EUR", pledge_date="2003-01-15")
	bundle.add("rates", currency="EUR", date="2003-02-01", usd_per_unit="1.1")
	bundle.add("rates", currency="CHF", date="2002-01-01", usd_per_unit="0.6")
	found = problems(bundle.write(tmp_path))
	assert found == [
		"contributions.csv:2:currency: no rate for EUR on or before 2003-01-15 in rates.csv",
	]


def test_rates_have_up_to_ten_places_and_are_positive(tmp_path):
	bundle = Bundle()
	bundle.add("rates", currency="EUR", date="2003-01-01", usd_per_unit="1.12345678901")
	bundle.add("rates", currency="CHF", date="2003-01-01", usd_per_unit="0")
	bundle.add("rates", currency="USD", date="2003-01-01", usd_per_unit="1.5")
	assert problems(bundle.write(tmp_path)) == [
		"rates.csv:2:usd_per_unit: rate has more than 10 decimal places: '1.12345678901'",
		"rates.csv:3:usd_per_unit: rate must be greater than 0: '0'",
		"rates.csv:4:usd_per_unit: the rate of USD is always 1",
	]


def test_a_row_with_too_many_cells(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "donors.csv").write_text("donor_code,name,donor_type\nD1,Donor,Government,extra\n")
	found = problems(tmp_path)
	assert "donors.csv:2: the row has 4 cells but the header has 3 columns" in found


def test_row_numbers_count_the_header_as_one_and_blank_lines(tmp_path):
	Bundle().write(tmp_path)
	(tmp_path / "donors.csv").write_text("donor_code,name,donor_type\nD1,Donor,Government\n\nD2,Two,Nope\n")
	assert problems(tmp_path)[0].startswith("donors.csv:4:donor_type:")


def test_problem_parts_and_translation_template(tmp_path):
	Bundle().set("modules", budget="-5").write(tmp_path)
	with pytest.raises(BundleInvalid) as caught:
		load_bundle(tmp_path)
	(p,) = caught.value.problems
	assert (p.file, p.row, p.column) == ("modules.csv", 2, "budget")
	assert p.template == "{what} must not be negative: '{value}'"
	assert p.params == {"what": "budget", "value": "-5"}
