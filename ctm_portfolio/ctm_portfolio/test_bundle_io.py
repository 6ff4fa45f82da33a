"""Bundle import and export on a site: round trip, idempotence, all-or-nothing, permissions.

    CI=1 bench --site SITE run-tests --app ctm_portfolio --module ctm_portfolio.ctm_portfolio.test_bundle_io

Each test starts from a site without portfolio documents (deleted inside a savepoint) and
rolls back to that savepoint afterwards, so the tests neither see nor leave records.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_bench_path

from ctm_portfolio.ctm_portfolio import bundle_io, countries
from ctm_portfolio.ctm_portfolio.bundle_io import canonical_rows, export_bundle, import_bundle, problem_text
from ctm_portfolio.engine import spec
from ctm_portfolio.engine.bundle import write_csv_bundle
from ctm_portfolio.engine.demo import DEMO_DIR, write_demo
from ctm_portfolio.engine.errors import BundleInvalid
from ctm_portfolio.engine.validate import load_bundle

MODULE = "CTM Portfolio"
SAVEPOINT = "ctm_test_bundle_io"

SMALL = {
	"projects.csv": [
		{
			"project_code": "_TIO-P1",
			"title": "Return and reintegration",
			"region": "Asia",
			"countries": "NP;IN",
			"field_office": "_TIO Office Kathmandu",
			"start_date": "2003-01-01",
			"end_date": "2005-12-31",
			"status": "Active",
			"currency": "USD",
		}
	],
	"modules.csv": [
		{"project_code": "_TIO-P1", "module": "M1", "budget": "1000.00"},
		{"project_code": "_TIO-P1", "module": "M2", "budget": "1000"},
	],
	"donors.csv": [
		{"donor_code": "_TIO-D1", "name": "Donor one", "donor_type": "Government", "country": "NL"}
	],
	"contributions.csv": [
		{
			"contribution_id": "_TIO-C1",
			"donor_code": "_TIO-D1",
			"project_code": "_TIO-P1",
			"currency": "USD",
			"amount": "2000.00",
			"pledge_date": "2003-01-15",
			"status": "Signed",
		}
	],
	"receipts.csv": [
		{"receipt_id": "_TIO-R1", "contribution_id": "_TIO-C1", "date": "2003-02-01", "amount": "2000.00"}
	],
	"cases.csv": [
		{
			"case_id": "_TIO-CASE1",
			"project_code": "_TIO-P1",
			"registration_date": "2003-03-01",
			"gender": "female",
			"age_group": "adult",
			"citizenship": "NP",
			"country_of_assistance": "IN",
			"route": "NP;IN",
		},
		{
			"case_id": "_TIO-CASE2",
			"registration_date": "2003-03-02",
			"gender": "male",
			"age_group": "child",
			"country_of_assistance": "IN",
		},
	],
	"disbursements.csv": [
		{
			"disbursement_id": "_TIO-DIS1",
			"case_id": "_TIO-CASE2",
			"field_office": "_TIO Office Delhi",
			"assistance_type": "shelter",
			"amount": "150.00",
			"currency": "DEM",
			"requested_date": "2003-04-01",
			"status": "Requested",
		}
	],
	"rates.csv": [{"currency": "DEM", "date": "2003-01-01", "usd_per_unit": "1.1"}],
}


def portfolio_doctypes() -> list[str]:
	return frappe.get_all("DocType", filters={"module": MODULE, "issingle": 0}, pluck="name")


def clear_portfolio() -> None:
	for doctype in portfolio_doctypes():
		frappe.db.delete(doctype)


def snapshot() -> dict:
	"""Every portfolio row's name and modified time, and the Version rows of the portfolio."""
	doctypes = portfolio_doctypes()
	state = {
		doctype: sorted(frappe.db.sql(f"select name, modified from `tab{doctype}`")) for doctype in doctypes
	}
	state["Version"] = frappe.db.count("Version", {"ref_doctype": ("in", doctypes)})
	return state


def counts() -> dict[str, int]:
	return {doctype: frappe.db.count(doctype) for doctype in portfolio_doctypes()}


def edit_csv(folder: Path, name: str, row: int, **cells: str) -> None:
	"""Set cells of data row ``row`` (the header is row 1) of ``folder/name``."""
	path = folder / name
	with path.open(encoding="utf-8", newline="") as handle:
		reader = csv.DictReader(handle)
		columns, rows = reader.fieldnames, list(reader)
	rows[row - 2].update(cells)
	with path.open("w", encoding="utf-8", newline="") as handle:
		writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
		writer.writeheader()
		writer.writerows(rows)


class TestBundleIO(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tmp = Path(tempfile.mkdtemp(prefix="ctm-test-bundle-io-"))
		cls.demo = DEMO_DIR
		if not DEMO_DIR.is_dir():
			cls.demo = cls.tmp / "demo"
			write_demo(cls.demo)
		cls.small = cls.tmp / "small"
		write_csv_bundle(SMALL, cls.small)

	@classmethod
	def tearDownClass(cls):
		shutil.rmtree(cls.tmp, ignore_errors=True)
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint(SAVEPOINT)
		clear_portfolio()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point=SAVEPOINT)
		for doctype in portfolio_doctypes():
			frappe.clear_document_cache(doctype)
		countries.clear_cache()

	def copy(self, source: Path, name: str) -> Path:
		target = self.tmp / name
		shutil.rmtree(target, ignore_errors=True)
		shutil.copytree(source, target)
		return target

	def assertRoundTrip(self, source: Path, name: str):
		exported = self.tmp / name
		shutil.rmtree(exported, ignore_errors=True)
		export_bundle(exported)
		before, after = canonical_rows(load_bundle(source)), canonical_rows(load_bundle(exported))
		for file in spec.FILE_ORDER:
			self.assertEqual(before[file], after[file], f"{file} differs after import and export")

	# -- round trip -------------------------------------------------------------------------

	def test_demo_round_trip(self):
		summary = import_bundle(self.demo, progress=False, commit=False)
		bundle = load_bundle(self.demo)
		self.assertEqual(summary.inserted["CTM Case"], len(bundle.rows["cases.csv"]))
		self.assertEqual(frappe.db.count("CTM Project"), len(bundle.rows["projects.csv"]))
		self.assertEqual(frappe.db.count("CTM Budget Module"), len(bundle.rows["modules.csv"]))
		self.assertRoundTrip(self.demo, "demo-export")
		# The demo gives every cell the export writes: the export is the same text, row order aside.
		for file in spec.FILE_ORDER:
			source, exported = self.demo / file, self.tmp / "demo-export" / file
			if source.exists():
				self.assertEqual(
					sorted(source.read_text(encoding="utf-8-sig").splitlines()[1:]),
					sorted(exported.read_text(encoding="utf-8").splitlines()[1:]),
					f"{file} differs as text",
				)

	def test_small_round_trip_creates_what_is_missing(self):
		frappe.db.delete("Currency", {"name": "DEM"})
		summary = import_bundle(self.small, progress=False, commit=False)
		self.assertEqual(summary.created["Currency"], 1)
		self.assertEqual(summary.created["CTM Field Office"], 2)
		self.assertTrue(frappe.db.exists("Currency", "DEM"))
		self.assertEqual(
			frappe.db.get_value("CTM Project", "_TIO-P1", "field_office"), "_TIO Office Kathmandu"
		)
		# A case without a field office: its project's, else its first disbursement's.
		self.assertEqual(
			frappe.db.get_value("CTM Case", "_TIO-CASE1", "field_office"), "_TIO Office Kathmandu"
		)
		self.assertEqual(frappe.db.get_value("CTM Case", "_TIO-CASE2", "field_office"), "_TIO Office Delhi")
		self.assertEqual(
			frappe.db.get_value("CTM Case", "_TIO-CASE1", "citizenship"), countries.code_to_country("NP")
		)
		project = frappe.get_doc("CTM Project", "_TIO-P1")
		self.assertEqual([countries.country_to_code(r.country) for r in project.countries], ["NP", "IN"])
		self.assertEqual(project.owner, "Administrator")
		self.assertEqual(project.title_language, "en")
		self.assertRoundTrip(self.small, "small-export")
		exported = (self.tmp / "small-export" / "modules.csv").read_text()
		self.assertIn("_TIO-P1,M2,1000.00", exported)  # money with exactly two decimals

	# -- idempotence and updates --------------------------------------------------------------

	def test_reimport_changes_nothing(self):
		import_bundle(self.demo, progress=False, commit=False)
		before = snapshot()
		summary = import_bundle(self.demo, progress=False, commit=False)
		self.assertFalse(summary.changed, str(summary))
		self.assertEqual(sum(summary.updated.values()), 0)
		self.assertEqual(sum(summary.inserted.values()), 0)
		self.assertEqual(snapshot(), before)

	def test_reimport_of_the_export_changes_nothing(self):
		import_bundle(self.small, progress=False, commit=False)
		export_bundle(self.tmp / "small-again")
		before = snapshot()
		self.assertFalse(import_bundle(self.tmp / "small-again", progress=False, commit=False).changed)
		self.assertEqual(snapshot(), before)

	def test_changed_documents_are_updated_through_the_controller(self):
		import_bundle(self.small, progress=False, commit=False)
		versions = frappe.db.count("Version", {"ref_doctype": "CTM Project", "docname": "_TIO-P1"})
		changed = self.copy(self.small, "small-changed")
		edit_csv(changed, "projects.csv", 2, title="Return, reintegration and prevention", countries="IN")
		edit_csv(changed, "modules.csv", 3, budget="1500.00")
		untouched = frappe.db.get_value("CTM Donor", "_TIO-D1", "modified")
		summary = import_bundle(changed, progress=False, commit=False)
		self.assertEqual(summary.updated["CTM Project"], 1)
		self.assertEqual(summary.unchanged["CTM Donor"], 1)
		self.assertEqual(frappe.db.get_value("CTM Donor", "_TIO-D1", "modified"), untouched)
		project = frappe.get_doc("CTM Project", "_TIO-P1")
		self.assertEqual(project.title, "Return, reintegration and prevention")
		self.assertEqual(sorted(float(m.budget) for m in project.modules), [1000.0, 1500.0])
		self.assertEqual(len(project.countries), 1)
		self.assertEqual(
			frappe.db.count("Version", {"ref_doctype": "CTM Project", "docname": "_TIO-P1"}), versions + 1
		)
		self.assertRoundTrip(changed, "small-changed-export")

	def test_many_changed_documents_are_updated_in_sql(self):
		import_bundle(self.small, progress=False, commit=False)
		changed = self.copy(self.small, "small-many")
		edit_csv(changed, "cases.csv", 2, gender="unknown", assistance="shelter;medical")
		edit_csv(changed, "projects.csv", 2, status="Closed")
		edit_csv(changed, "modules.csv", 2, budget="999.99")
		with patch.object(bundle_io, "UPDATE_BY_DOCUMENT_LIMIT", 0):
			summary = import_bundle(changed, progress=False, commit=False)
		self.assertEqual(summary.updated["CTM Case"], 1)
		self.assertEqual(summary.updated["CTM Project"], 1)
		self.assertEqual(frappe.db.get_value("CTM Case", "_TIO-CASE1", "gender"), "unknown")
		self.assertEqual(frappe.db.count("CTM Budget Module", {"parent": "_TIO-P1"}), 2)
		self.assertRoundTrip(changed, "small-many-export")
		before = snapshot()
		self.assertFalse(import_bundle(changed, progress=False, commit=False).changed)
		self.assertEqual(snapshot(), before)

	# -- all or nothing ---------------------------------------------------------------------

	def test_one_bad_row_imports_nothing(self):
		import_bundle(self.small, progress=False, commit=False)
		before, rows = snapshot(), counts()
		bad = self.copy(self.demo, "demo-bad")
		edit_csv(bad, "cases.csv", 5, gender="woman")
		with self.assertRaises(BundleInvalid) as caught:
			import_bundle(bad, progress=False, commit=False)
		texts = [problem_text(p) for p in caught.exception.problems]
		self.assertEqual(len(texts), 1, texts)
		self.assertTrue(texts[0].startswith("cases.csv:5:gender: 'woman' is not a valid gender"), texts)
		self.assertEqual(texts[0], str(caught.exception.problems[0]))  # the CLI's text
		self.assertEqual(counts(), rows)
		self.assertEqual(snapshot(), before)

	def test_a_code_without_a_country_imports_nothing(self):
		frappe.db.delete("Country", {"code": "np"})
		countries.clear_cache()
		with self.assertRaises(BundleInvalid) as caught:
			import_bundle(self.small, progress=False, commit=False)
		texts = [problem_text(p) for p in caught.exception.problems]
		self.assertEqual(
			texts,
			[
				"projects.csv:2:countries: no Country on this site has the code 'NP'",
				"cases.csv:2:citizenship: no Country on this site has the code 'NP'",
			],
		)
		self.assertEqual(sum(counts().values()), 0)

	def test_a_second_emergency_fund_imports_nothing(self):
		import_bundle(self.small, progress=False, commit=False)
		frappe.db.set_value("CTM Project", "_TIO-P1", "is_emergency_fund", 1, update_modified=False)
		fund = dict(SMALL["projects.csv"][0], project_code="_TIO-P2", is_emergency_fund="1")
		write_csv_bundle({"projects.csv": [fund]}, self.tmp / "second-fund")
		with self.assertRaises(BundleInvalid) as caught:
			import_bundle(self.tmp / "second-fund", progress=False, commit=False)
		self.assertEqual(
			[problem_text(p) for p in caught.exception.problems],
			[
				"projects.csv:2:is_emergency_fund: only one project may be the emergency fund; "
				"_TIO-P1 already is on this site"
			],
		)
		self.assertFalse(frappe.db.exists("CTM Project", "_TIO-P2"))

	def test_an_error_while_writing_undoes_everything(self):
		import_bundle(self.small, progress=False, commit=False)
		before = snapshot()
		original = bundle_io._Writer.insert_plan

		def fail_on_cases(writer, plan, names):
			if plan.doctype == "CTM Case":
				raise RuntimeError("the disk is full")
			return original(writer, plan, names)

		with patch.object(bundle_io._Writer, "insert_plan", fail_on_cases):
			with self.assertRaises(RuntimeError):
				import_bundle(self.demo, progress=False, commit=False)
		self.assertEqual(snapshot(), before)

	# -- permissions -------------------------------------------------------------------------

	def test_export_as_a_field_office_user(self):
		from ctm_portfolio.tests.factories import make_user

		import_bundle(self.small, progress=False, commit=False)
		user = make_user("_t_ctm_io_fo@example.com", ["CTM Field Office"], ("_TIO Office Delhi",))
		frappe.set_user(user)
		with self.assertRaises(frappe.PermissionError):
			import_bundle(self.small, progress=False, commit=False)
		export_bundle(self.tmp / "fo-export")
		frappe.set_user("Administrator")
		tables = {}
		for file in spec.FILE_ORDER:
			with (self.tmp / "fo-export" / file).open(encoding="utf-8") as handle:
				tables[file] = list(csv.DictReader(handle))
		self.assertEqual([r["case_id"] for r in tables["cases.csv"]], ["_TIO-CASE2"])
		self.assertEqual([r["disbursement_id"] for r in tables["disbursements.csv"]], ["_TIO-DIS1"])
		self.assertEqual(tables["donors.csv"], [])  # a field office may not read donors
		self.assertEqual(tables["contributions.csv"], [])
		self.assertEqual(tables["receipts.csv"], [])

	# -- the bench command -------------------------------------------------------------------

	def test_command_exits_2_and_prints_the_problems(self):
		bad = self.copy(self.small, "small-bad")
		edit_csv(bad, "modules.csv", 3, budget="-5")
		done = subprocess.run(
			["bench", "--site", frappe.local.site, "ctm-portfolio", "import", str(bad), "--no-progress"],
			cwd=get_bench_path(),
			capture_output=True,
			text=True,
			timeout=300,
		)
		self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
		self.assertIn("modules.csv:3:budget: budget must not be negative: '-5'", done.stderr)
		self.assertIn("nothing was imported", done.stderr)
