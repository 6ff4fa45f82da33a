"""The demo portfolio: held to its generator, to the source document's figures, and to its
planted findings; and the synthetic generator the benchmarks use."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from ctm_portfolio.engine import spec
from ctm_portfolio.engine.bundle import write_csv_bundle
from ctm_portfolio.engine.demo import (
	DEMO_DIR,
	PLANTED_FINDINGS,
	SYNTHETIC_PREFIX,
	SYNTHETIC_SUFFIX,
	build_demo,
	build_synthetic,
	write_demo,
)
from ctm_portfolio.engine.reconcile import FINDINGS, reconcile
from ctm_portfolio.engine.validate import load_bundle

AS_OF = date(2026, 12, 3)
NAMED = {
	"COL-CT-2003": "es",
	"GHA-CT-2003": "en",
	"MLI-CT-2003": "fr",
	"DOM-CT-2003-P3": "en",
	"MEK-CT-2003": "en",
	"NPL-CT-2003": "en",
	"WBK-CT-2003": "en",
	"MDA-CT-2003": "en",
	"GLO-GAP-2003": "en",
	"GLO-CTM-2003": "en",
}


@pytest.fixture(scope="module")
def bundle():
	return load_bundle(DEMO_DIR)


@pytest.fixture(scope="module")
def result(bundle):
	return reconcile(bundle, AS_OF)


def project(result, code: str) -> dict:
	return next(p for p in result["projects"] if p["project_code"] == code)


def rows(name: str) -> list[dict[str, str]]:
	with (DEMO_DIR / name).open(encoding="utf-8", newline="") as handle:
		return list(csv.DictReader(handle))


def test_shipped_files_are_what_the_generator_writes(tmp_path):
	written = write_demo(tmp_path)
	assert sorted(p.name for p in written) == sorted(spec.FILE_ORDER)
	assert sorted(p.name for p in DEMO_DIR.glob("*.csv")) == sorted(spec.FILE_ORDER)
	for name in spec.FILE_ORDER:
		assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes(), f"{name} is stale"
	assert (DEMO_DIR / "README.md").is_file()


def test_the_generator_is_deterministic():
	assert build_demo() == build_demo()
	assert build_synthetic(20, 300, 200, 40, seed=3) == build_synthetic(20, 300, 200, 40, seed=3)
	assert build_synthetic(20, 300, 200, 40, seed=3) != build_synthetic(20, 300, 200, 40, seed=4)


def test_the_portfolio_of_mid_2003(result):
	portfolio = result["portfolio"]
	assert portfolio["project_count"] == 85
	assert portfolio["budget_usd"] > Decimal("20000000")
	assert {r["region"] for r in result["regions"]} == set(spec.REGIONS)


def test_named_and_synthetic_projects(result):
	projects = {p["project_code"]: p for p in result["projects"]}
	for code, language in NAMED.items():
		assert projects[code]["title_language"] == language
		assert not projects[code]["title"].endswith(SYNTHETIC_SUFFIX)
	synthetic = [p for code, p in projects.items() if code not in NAMED]
	assert len(synthetic) == 75
	for p in synthetic:
		assert p["project_code"].startswith(SYNTHETIC_PREFIX)
		assert p["title"].endswith(SYNTHETIC_SUFFIX)
	fund = result["emergency_fund"]
	assert fund["project_code"] == "GLO-GAP-2003"
	assert projects["GLO-GAP-2003"]["region"] == projects["GLO-CTM-2003"]["region"] == "Global"


def test_colombia_carries_the_document_figures(result):
	col = project(result, "COL-CT-2003")
	assert col["title"].startswith("Programa de Prevención, Asistencia y Reinserción")
	assert col["status"] == "Active"
	assert col["budget_usd"] == Decimal("1000000.00")
	assert col["pledged_usd"] == Decimal("784936.00")
	assert col["funding_gap_usd"] == Decimal("215064.00")
	modules = {m["module"]: m for m in col["modules"]}
	assert len(modules) == 4
	assert sum(m["budget_usd"] for m in modules.values()) == Decimal("1000000.00")
	netherlands = [m for m in modules if m[0] in "134"]
	assert sum(modules[m]["earmarked_usd"] for m in netherlands) == Decimal("584936.00")
	(reintegration,) = (m for m in modules if m.startswith("2"))
	assert "Reinserción" in reintegration
	assert modules[reintegration]["earmarked_usd"] == Decimal("200000.00")

	contributions = {c["contribution_id"]: c for c in rows("contributions.csv")}
	live = [
		c for c in contributions.values() if c["project_code"] == "COL-CT-2003" and c["status"] != "Cancelled"
	]
	assert sorted((c["donor_code"], c["currency"], c["amount"]) for c in live) == [
		("NLD-EMB", "USD", "584936.00"),
		("USA-DOS", "USD", "200000.00"),
	]
	earmarks = [
		e for e in rows("earmarks.csv") if e["contribution_id"] in {c["contribution_id"] for c in live}
	]
	by_donor: dict[str, dict[str, Decimal]] = {}
	for e in earmarks:
		donor = contributions[e["contribution_id"]]["donor_code"]
		by_donor.setdefault(donor, {})[e["module"]] = Decimal(e["amount"])
	assert sorted(m[0] for m in by_donor["NLD-EMB"]) == ["1", "3", "4"]
	assert sum(by_donor["NLD-EMB"].values()) == Decimal("584936.00")
	assert by_donor["USA-DOS"] == {reintegration: Decimal("200000.00")}


def test_the_document_targets(result):
	def targets(code):
		return [(t["beneficiary_group"], t["target"]) for t in project(result, code)["targets"]]

	assert targets("GHA-CT-2003") == [("children", 1213)]
	assert targets("MEK-CT-2003") == [("women_and_children", 900)]
	assert targets("NPL-CT-2003") == [("women_and_children", 60)]
	(mekong,) = project(result, "MEK-CT-2003")["targets"]
	start, end = mekong["period_start"], mekong["period_end"]
	assert (end.year - start.year, end.month, start.month) == (3, 6, 7)  # 2003-07-01 to 2006-06-30
	mek = next(p for p in rows("projects.csv") if p["project_code"] == "MEK-CT-2003")
	assert mek["countries"].split(";") == ["KH", "TH", "VN", "LA", "MM", "CN"]


def test_every_finding_code_is_planted_and_reported(result):
	assert set(PLANTED_FINDINGS) == set(FINDINGS)
	reported = {(f["code"], f["id"]) for f in result["findings"]}
	assert {f["code"] for f in result["findings"]} == set(FINDINGS)
	for code, ids in PLANTED_FINDINGS.items():
		for id_ in ids:
			assert (code, id_) in reported, f"{code} {id_} is not reported"


def test_the_planted_findings_hold_at_a_later_date(bundle):
	reported = {(f["code"], f["id"]) for f in reconcile(bundle, date(2045, 1, 1))["findings"]}
	for code, ids in PLANTED_FINDINGS.items():
		for id_ in ids:
			assert (code, id_) in reported


def test_few_accidental_findings(result):
	planted = {(code, id_) for code, ids in PLANTED_FINDINGS.items() for id_ in ids}
	accidental = [(f["code"], f["id"]) for f in result["findings"] if (f["code"], f["id"]) not in planted]
	assert {code for code, _ in accidental} <= {"PROJECT_UNDERFUNDED"}


def test_the_colombia_gap_is_the_planted_underfunding(result):
	(finding,) = (f for f in result["findings"] if f["id"] == "COL-CT-2003")
	assert finding["code"] == "PROJECT_UNDERFUNDED"
	assert finding["amount_usd"] == Decimal("215064.00")


def test_caseload_is_pseudonymous_and_rates_run_to_the_end_of_2026():
	cases = rows("cases.csv")
	assert 2000 <= len(cases) <= 10000
	assert not set(cases[0]) & spec.IDENTITY_COLUMNS
	assert all(c["case_id"].startswith("CTM-") and len(c["case_id"]) == 10 for c in cases)
	assert sum(1 for c in cases if c["project_code"]) > len(cases) * 0.9
	last: dict[str, str] = {}
	for rate in rows("rates.csv"):
		last[rate["currency"]] = max(last.get(rate["currency"], ""), rate["date"])
	assert len(last) >= 6
	assert all(day >= "2026-12-01" for day in last.values())
	assert 200 <= len(rows("disbursements.csv")) <= 999


def test_build_synthetic_makes_a_valid_clean_portfolio(tmp_path):
	tables = build_synthetic(50, 2000, 1000, 200)
	assert set(tables) == set(spec.FILE_ORDER)
	counts = {name: len(table) for name, table in tables.items()}
	assert (counts["projects.csv"], counts["cases.csv"], counts["expenditures.csv"]) == (50, 2000, 1000)
	assert counts["disbursements.csv"] == 200
	write_csv_bundle(tables, tmp_path)
	result = reconcile(load_bundle(tmp_path), AS_OF)
	assert result["portfolio"]["project_count"] == 50
	assert result["emergency_fund"]["available_usd"] > 0
	assert {f["code"] for f in result["findings"]} <= {"PROJECT_UNDERFUNDED", "TARGET_SHORTFALL"}
