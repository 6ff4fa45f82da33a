# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio.bundle_map import BUNDLE_MAP
from ctm_portfolio.ctm_portfolio.countries import code_to_country, country_to_code
from ctm_portfolio.ctm_portfolio.doc_bundle import row_cells
from ctm_portfolio.tests import factories as f
from ctm_portfolio.tests.office_restriction import FO_A, make_office_users


class TestCTMProject(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_office_users()
		# A currency no other test data uses, so that "no rate" is certain.
		frappe.db.delete("CTM Exchange Rate", {"currency": "ISK"})

	def test_valid_project_saves_with_its_bundle_cells(self):
		project = f.make_project("_TPV")
		self.assertEqual(project.name, "_TPV")
		cells = row_cells(project, BUNDLE_MAP["projects.csv"])
		self.assertEqual(cells["countries"], "NP;IN")
		self.assertEqual(cells["start_date"], "2003-01-01")
		self.assertEqual(cells["is_emergency_fund"], "0")
		module = row_cells(project.modules[0], BUNDLE_MAP["modules.csv"], parent=project)
		self.assertEqual(module, {"project_code": "_TPV", "module": "M1", "budget": "1000"})

	def test_end_date_before_start_date(self):
		f.assert_invalid(
			self,
			f.new_project(end_date="2002-12-31"),
			"End Date: end date 2002-12-31 is before the start date 2003-01-01",
		)

	def test_negative_budget_names_the_row(self):
		f.assert_invalid(
			self,
			f.new_project(modules=[{"module": "M1", "budget": 10}, {"module": "M2", "budget": -5}]),
			"Budget (row 2 of Modules): budget must not be negative: '-5'",
		)

	def test_budget_with_more_than_two_decimals(self):
		f.assert_invalid(
			self,
			f.new_project(modules=[{"module": "M1", "budget": 10.005}]),
			"Budget (row 1 of Modules): budget has more than 2 decimal places: '10.005'",
		)

	def test_duplicate_module(self):
		f.assert_invalid(
			self,
			f.new_project(modules=[{"module": "M1", "budget": 1}, {"module": "M1", "budget": 2}]),
			"Module (row 2 of Modules): duplicate project_code + module '_TP1 / M1' (first at row 1)",
		)

	def test_unknown_vocabulary(self):
		f.assert_invalid(self, f.new_project(region="Oceania"), "Region: 'Oceania' is not a valid region")
		f.assert_invalid(
			self, f.new_project(status="Dormant"), "Status: 'Dormant' is not a valid project status"
		)
		f.assert_invalid(
			self,
			f.new_project(targets=[{"beneficiary_group": "elderly", "target": 5}]),
			"Beneficiary Group (row 1 of Targets): 'elderly' is not a valid beneficiary group",
		)
		f.assert_invalid(
			self,
			f.new_project(targets=[{"beneficiary_group": "women", "target": 0}]),
			"Target (row 1 of Targets): must be a whole number greater than 0: '0'",
		)

	def test_every_problem_in_one_message(self):
		frappe.clear_messages()
		messages = f.assert_invalid(
			self,
			f.new_project(
				region="Oceania",
				modules=[{"module": "M1", "budget": -1}, {"module": "M2", "budget": 1.234}],
				targets=[{"beneficiary_group": "women", "target": 0}],
			),
			"Region:",
			"Target (row 1 of Targets)",
			"Budget (row 1 of Modules)",
			"Budget (row 2 of Modules)",
		)
		self.assertEqual(len(messages), 4)
		dialog = frappe.local.message_log[-1]
		dialog = frappe.parse_json(dialog) if isinstance(dialog, str) else dialog
		self.assertEqual(dialog["title"], "Invalid CTM Project")
		self.assertEqual(len(dialog["message"]), 4)

	def test_only_one_emergency_fund(self):
		# The site may hold an emergency fund already (e.g. the demo): not within this test's transaction.
		frappe.db.set_value(
			"CTM Project", {"is_emergency_fund": 1}, "is_emergency_fund", 0, update_modified=False
		)
		fund = f.make_project("_TPF", is_emergency_fund=1)
		f.assert_invalid(
			self,
			f.new_project("_TPG", is_emergency_fund=1),
			"Is Emergency Fund: only one project may be the emergency fund; _TPF already is",
		)
		fund.title = "The fund, renamed"
		fund.save()  # the fund itself stays valid
		f.make_project("_TPH", is_emergency_fund=0)

	def test_foreign_currency_needs_a_rate(self):
		f.assert_invalid(
			self,
			f.new_project(currency="ISK"),
			"Budget (row 1 of Modules): no rate for ISK on or before 2003-01-01 in rates.csv",
		)
		f.make_rate("ISK", "2003-02-01", "0.0071")  # after the start: still none in force
		f.assert_invalid(self, f.new_project(currency="ISK"), "no rate for ISK on or before 2003-01-01")
		f.make_rate("ISK", "2002-12-31", "0.0070")
		self.assertEqual(f.make_project("_TPI", currency="ISK").currency, "ISK")

	def test_country_codes(self):
		self.assertEqual(code_to_country("np"), "Nepal")
		self.assertEqual(code_to_country("NP"), "Nepal")
		self.assertEqual(country_to_code("Nepal"), "NP")
		self.assertIsNone(code_to_country("QQ"))
		self.assertIsNone(country_to_code("Atlantis"))
		self.assertIsNone(code_to_country(None))

	def test_role_rights(self):
		expected = {
			"CTM Programme Manager": {"read", "write", "create", "report", "export", "print"},
			"CTM Finance Officer": {"read", "report", "print"},
			"CTM Field Office": {"read", "print"},
			"CTM HQ Reviewer": {"read", "report", "export", "print"},
		}
		for role, rights in expected.items():
			self.assertEqual(f.rights(f.role_user(role), "CTM Project"), rights, role)

	def test_programme_manager_creates_projects_with_modules_and_targets(self):
		with self.set_user(f.role_user("CTM Programme Manager")):
			project = f.new_project("_TPM").insert()
			project.append("modules", {"module": "M3", "budget": 50})
			project.append(
				"targets", {"beneficiary_group": "girls", "assistance_type": "shelter", "target": 3}
			)
			project.save()
		self.assertEqual(len(project.modules), 3)
		with self.set_user(f.role_user("CTM Finance Officer")), self.assertRaises(frappe.PermissionError):
			f.new_project("_TPX").insert()

	def test_field_office_users_read_every_project(self):
		other = f.make_project("_TPB", field_office=f.OFFICE_B)
		with self.set_user(FO_A):
			self.assertIn(other.name, frappe.get_list("CTM Project", pluck="name", limit_page_length=0))
			self.assertTrue(frappe.get_doc("CTM Project", other.name).has_permission("read"))
			self.assertFalse(frappe.get_doc("CTM Project", other.name).has_permission("write"))
