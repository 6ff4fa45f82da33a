"""The column-wise validation gives exactly what each row's pydantic model gives."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from ctm_portfolio.engine.errors import BundleInvalid
from ctm_portfolio.engine.schemas import MODELS
from ctm_portfolio.engine.validate import from_pydantic, validate_tables

POOLS = {
	"case_id": ["K{i}"],
	"project_code": [""],
	"registration_date": ["2003-05-01", "2003-02-30", "03-05-01", "", "2004-12-31"],
	"gender": ["female", "male", "Female", "", "other"],
	"age_group": ["child", "adult", "elder", "", "unknown"],
	"citizenship": ["NP", "np", "", "XX"],
	"country_of_assistance": ["IN", "", "India"],
	"exploitation": ["forced_labour", "forced_labour;other", "begging", "", "forced_labour;;other"],
	"assistance": ["return", "return;shelter", "food", ""],
	"route": ["NP;IN", "NP", "NP;ZZ", ""],
	"field_office": ["Kathmandu", ""],
}


@pytest.mark.parametrize("seed", range(5))
def test_cases_column_wise_equals_row_models(seed):
	rng = random.Random(seed)
	rows = []
	for i in range(300):
		row = {column: rng.choice(pool).format(i=i) for column, pool in POOLS.items()}
		rows.append({k: v for k, v in row.items() if v != ""})
	expected = set()
	for number, row in enumerate(rows, start=2):
		try:
			MODELS["cases.csv"].model_validate(row)
		except ValidationError as error:
			for item in error.errors():
				expected.add(str(from_pydantic("cases.csv", number, str(item["loc"][0]), item)))
	project = {
		"project_code": "P1",
		"title": "t",
		"region": "Asia",
		"start_date": "2003-01-01",
		"end_date": "2005-01-01",
		"status": "Active",
		"currency": "USD",
	}
	try:
		validate_tables({"projects.csv": [project], "cases.csv": rows})
		found = set()
	except BundleInvalid as invalid:
		found = {str(p) for p in invalid.problems}
	assert expected, "the random rows should hold some bad cells"
	assert found == expected


@pytest.mark.parametrize(
	"text",
	[
		"0",
		"0.00",
		"0.01",
		"1",
		"1.5",
		"1.50",
		"12345678901.99",
		"999999999999999",
		"1234567890123.45",
		"007.10",
		"1.",
		".5",
		"-1",
		"1e3",
		"1,000",
		" 1",
		"1.001",
		"",
		"١٢",
	],
)
def test_money_column_wise_equals_the_models_validator(text):
	from ctm_portfolio.engine.schemas import ExpenditureRow

	row = {
		"expenditure_id": "X1",
		"project_code": "P1",
		"module": "M",
		"date": "2003-01-01",
		"currency": "USD",
	}
	try:
		expected = ExpenditureRow.model_validate({**row, "amount": text}).amount
	except ValidationError:
		expected = None
	validator = ExpenditureRow.model_fields["amount"].metadata[0].func
	import numpy as np

	ok, cents = validator.cents(np.array([text], dtype=object))
	if ok[0]:
		assert expected is not None and int(expected.scaleb(2)) == cents[0]
