# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

"""The workspace's figures on a small known portfolio, and the workspace itself.

The records are dated 1999-2001 and the money figures taken as of 2000-12-31, so that a
portfolio already on the site (the demo starts in 2002) does not count; the counts that
have no date (active projects) are compared with the count before the records were made.
"""

import json
from decimal import ROUND_HALF_UP, Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.ctm_portfolio import figures
from ctm_portfolio.tests import factories as f

AS_OF = "2000-12-31"
WORKSPACE = "CTM Portfolio"
# Number Card -> (its label in the workspace, the figure it shows as of today)
CARDS = {
	"CTM Active Projects": ("Active Projects", lambda: figures.active_projects()),
	"CTM Pledged USD": ("Pledged (USD)", lambda: figures.pledged_usd()),
	"CTM Received USD": ("Received (USD)", lambda: figures.received_usd()),
	"CTM Spent USD": ("Spent (USD)", lambda: figures.spent_usd()),
	"CTM Cases Assisted": ("Cases Assisted", lambda: figures.cases_assisted()),
}
CTM_ROLES = {"CTM Programme Manager", "CTM Finance Officer", "CTM Field Office", "CTM HQ Reviewer"}
FIELD_OFFICE_USER = "_t_ctm_fig_fo@example.com"  # CTM Field Office, holds office A
RESTRICTED_PM = "_t_ctm_fig_pm@example.com"  # CTM Programme Manager, restricted to project _TFIG2


def receipt(rid: str, day: str, amount) -> dict:
	return {"receipt_id": rid, "receipt_date": day, "amount": amount}


class TestFigures(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.active_before = figures.active_projects()
		cls.cases_before = figures.cases_assisted()
		f.make_office(f.OFFICE_A, "Nepal")
		f.make_office(f.OFFICE_B, "Bangladesh")
		f.make_rate("EUR", "1999-01-01", "0.5")
		f.make_rate("EUR", "2000-01-01", "1.1")
		f.make_rate("GBP", "1999-01-01", "1.6180339887")
		period = {"start_date": "1999-01-01", "end_date": "2001-12-31"}
		f.make_project("_TFIG1", **period)
		f.make_project("_TFIG2", **period)
		f.make_project("_TFIG3", status="Pipeline", **period)
		f.make_donor("_TD1")
		# USD 1000.00 + EUR 2.01 at 0.5 (= 1.005) + USD 7.00: 1008.005, which is 1008.01 half-up;
		# in binary floating point 1008.005 is a hair below the half and rounds to 1008.00.
		f.make_contribution(
			"_TFIGC1",
			"_TFIG1",
			amount="1000.00",
			pledge_date="1999-03-01",
			earmarks=[],
			receipts=[receipt("_TFIGR1", "1999-04-01", "500.00"), receipt("_TFIGR2", "2001-02-01", "100.00")],
		)
		f.make_contribution(
			"_TFIGC2",
			"_TFIG1",
			currency="EUR",
			amount="2.01",
			pledge_date="1999-06-01",
			earmarks=[],
			# received at the rate of its own date (1.1), not the pledge's (0.5)
			receipts=[receipt("_TFIGR3", "2000-02-01", "2.01")],
		)
		f.make_contribution(
			"_TFIGC3",
			"_TFIG1",
			currency="GBP",
			amount="1000.00",
			pledge_date="2000-03-01",
			status="Cancelled",
			earmarks=[],
			receipts=[receipt("_TFIGR4", "2000-04-01", "500.00")],
		)
		f.make_contribution(
			"_TFIGC4",
			"_TFIG2",
			amount="7.00",
			pledge_date="1999-08-01",
			earmarks=[],
			receipts=[receipt("_TFIGR5", "1999-09-01", "3.00")],
		)
		# After the as-of date: counts only as of today.
		f.make_contribution(
			"_TFIGC5", "_TFIG2", amount="50.00", pledge_date="2001-01-15", earmarks=[], receipts=[]
		)
		for eid, project, day, amount, currency in (
			("_TFIGE1", "_TFIG1", "1999-05-01", "0.10", "USD"),
			("_TFIGE2", "_TFIG1", "1999-05-01", "0.20", "USD"),
			("_TFIGE3", "_TFIG1", "1999-05-01", "10.00", "GBP"),
			("_TFIGE4", "_TFIG2", "2000-06-01", "100.00", "EUR"),
			("_TFIGE5", "_TFIG2", "2001-03-01", "50.00", "USD"),
		):
			f.make_expenditure(eid, project, expenditure_date=day, amount=amount, currency=currency)
		for case_id, project, office, day in (
			("_TFIGK1", "_TFIG1", f.OFFICE_A, "1999-03-01"),
			("_TFIGK2", "_TFIG1", f.OFFICE_B, "1999-04-01"),
			("_TFIGK3", "_TFIG2", f.OFFICE_A, "2000-05-01"),
			("_TFIGK4", None, f.OFFICE_A, "2000-05-01"),  # no project: not assisted by one
			("_TFIGK5", "_TFIG2", f.OFFICE_A, "2001-05-01"),  # after the as-of date
		):
			f.make_case(case_id, office, project_code=project, registration_date=day)
		f.make_user(FIELD_OFFICE_USER, ["CTM Field Office"], (f.OFFICE_A,))
		f.make_user(RESTRICTED_PM, ["CTM Programme Manager"])
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": RESTRICTED_PM,
				"allow": "CTM Project",
				"for_value": "_TFIG2",
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
		frappe.clear_cache(user=RESTRICTED_PM)

	# -- the figures ------------------------------------------------------------------

	def test_pledged_exact_and_rounded_once(self):
		pledged = figures.pledged_usd(AS_OF)
		self.assertIsInstance(pledged, Decimal)
		self.assertEqual(pledged, Decimal("1008.01"))
		self.assertEqual(str(pledged), "1008.01")
		# what binary floating point makes of the same rows
		as_float = Decimal(1000.00 + 2.01 * 0.5 + 7.00).quantize(Decimal("0.01"), ROUND_HALF_UP)
		self.assertEqual(as_float, Decimal("1008.00"))

	def test_pledged_groups_by_currency_and_date(self):
		groups = {(c, str(d)): amount for c, d, amount in figures.pledged_groups(AS_OF)}
		self.assertEqual(groups[("EUR", "1999-06-01")], Decimal("2.01"))
		self.assertEqual(groups[("USD", "1999-03-01")], Decimal("1000.00"))
		self.assertNotIn(("GBP", "2000-03-01"), groups)  # cancelled
		self.assertNotIn(("USD", "2001-01-15"), groups)  # after the as-of date

	def test_received_at_receipt_dates_without_cancelled(self):
		# USD 500.00 + EUR 2.01 at 1.1 (2.211) + USD 3.00; not the cancelled GBP 500, not 2001's USD 100
		self.assertEqual(figures.received_usd(AS_OF), Decimal("505.21"))

	def test_spent_at_expenditure_dates(self):
		# USD 0.10 + 0.20, GBP 10.00 at 1.6180339887 (16.180339887), EUR 100.00 at 1.1 (110): 126.480339887
		self.assertEqual(figures.spent_usd(AS_OF), Decimal("126.48"))

	def test_cancelled_contribution_counts_for_nothing(self):
		frappe.db.set_value("CTM Contribution", "_TFIGC3", "status", "Signed")
		try:
			self.assertEqual(figures.pledged_usd(AS_OF), Decimal("2626.04"))  # + GBP 1000 x 1.6180339887
			self.assertEqual(figures.received_usd(AS_OF), Decimal("1314.23"))  # + GBP 500 x 1.6180339887
		finally:
			frappe.db.set_value("CTM Contribution", "_TFIGC3", "status", "Cancelled")
		self.assertEqual(figures.pledged_usd(AS_OF), Decimal("1008.01"))

	def test_counts(self):
		self.assertEqual(figures.cases_assisted(AS_OF), 3)
		self.assertEqual(figures.active_projects(), self.active_before + 2)
		self.assertEqual(figures.cases_assisted(), self.cases_before + 4)

	def test_as_of_today_includes_later_rows(self):
		self.assertEqual(figures.pledged_usd("2001-12-31") - figures.pledged_usd(AS_OF), Decimal("50.00"))
		self.assertEqual(figures.received_usd("2001-12-31") - figures.received_usd(AS_OF), Decimal("100.00"))
		self.assertEqual(figures.spent_usd("2001-12-31") - figures.spent_usd(AS_OF), Decimal("50.00"))

	def test_portfolio_figures(self):
		totals = figures.portfolio_figures(AS_OF)
		self.assertEqual(totals["pledged_usd"], Decimal("1008.01"))
		self.assertEqual(totals["received_usd"], Decimal("505.21"))
		self.assertEqual(totals["spent_usd"], Decimal("126.48"))
		self.assertEqual(totals["cases_assisted"], 3)

	def test_missing_rate_is_an_error_naming_it(self):
		groups = [
			("USD", frappe.utils.getdate("1999-01-01"), Decimal(1)),
			("SEK", frappe.utils.getdate("1990-01-01"), Decimal(1)),
		]
		with self.assertRaises(frappe.ValidationError) as caught:
			figures.usd_total(groups)
		self.assertIn("SEK", str(caught.exception))

	def test_equal_to_the_engine_on_the_exported_portfolio(self):
		"""The desk's figures are the engine's portfolio figures of the site's own bundle."""
		from ctm_portfolio.ctm_portfolio.bundle_io import export_tables
		from ctm_portfolio.engine import reconcile, validate_tables

		bundle = validate_tables(export_tables())
		for as_of in (AS_OF, frappe.utils.today()):
			portfolio = reconcile(bundle, frappe.utils.getdate(as_of))["portfolio"]
			totals = figures.portfolio_figures(as_of)
			for key in ("pledged_usd", "received_usd", "spent_usd", "cases_assisted"):
				self.assertEqual(totals[key], portfolio[key], f"{key} as of {as_of}")
			self.assertEqual(totals["active_projects"], portfolio["projects_by_status"]["Active"])

	# -- permissions ------------------------------------------------------------------

	def test_field_office_user_counts_own_office_cases_only(self):
		with self.set_user(FIELD_OFFICE_USER):
			self.assertEqual(figures.cases_assisted(AS_OF), 2)  # K1 and K3 (office A); not K2
			for money in (figures.pledged_usd, figures.received_usd, figures.spent_usd):
				with self.assertRaises(frappe.PermissionError):
					money(AS_OF)
			with self.assertRaises(frappe.PermissionError):
				self.call_card("ctm_portfolio.ctm_portfolio.figures.pledged_usd_card")

	def test_user_permissions_restrict_the_money(self):
		with self.set_user(RESTRICTED_PM):
			self.assertEqual(figures.pledged_usd(AS_OF), Decimal("7.00"))
			self.assertEqual(figures.received_usd(AS_OF), Decimal("3.00"))
			self.assertEqual(figures.spent_usd(AS_OF), Decimal("110.00"))
			self.assertEqual(figures.cases_assisted(AS_OF), 1)

	def test_user_without_a_ctm_role(self):
		user = f.make_user("_t_ctm_fig_none@example.com", [])
		with self.set_user(user):
			for figure in (figures.active_projects, figures.pledged_usd, figures.cases_assisted):
				with self.assertRaises(frappe.PermissionError):
					figure()

	# -- the number cards and the workspace ------------------------------------------

	def call_card(self, method: str):
		"""Call ``method`` as the desk's number card does: a whitelisted method given the card's filters."""
		function = frappe.get_attr(method)
		self.assertIn(function, frappe.whitelisted)
		return frappe.call(function, filters=json.dumps([]))

	def test_number_cards_show_the_figures(self):
		workspace = frappe.get_doc("Workspace", WORKSPACE)
		shown = {row.number_card_name: row.label for row in workspace.number_cards}
		self.assertEqual(shown, {name: label for name, (label, _figure) in CARDS.items()})
		for name, (_label, figure) in CARDS.items():
			card = frappe.get_doc("Number Card", name)
			result = self.call_card(card.method)
			value = figure()
			if isinstance(value, Decimal):
				self.assertEqual(result["fieldtype"], "Currency")
				self.assertEqual(card.currency, "USD")
				self.assertEqual(Decimal(repr(result["value"])), value)
			else:
				self.assertEqual(result["fieldtype"], "Int")
				self.assertEqual(result["value"], value)
			self.assertEqual(result["route"][0], "List")
			self.assertEqual(result["route"][1], card.document_type)

	def test_workspace_and_number_cards_installed(self):
		workspace = frappe.get_doc("Workspace", WORKSPACE)
		self.assertEqual(workspace.module, "CTM Portfolio")
		self.assertTrue(workspace.public)
		self.assertTrue(workspace.icon)
		self.assertEqual({r.role for r in workspace.roles}, CTM_ROLES | {"System Manager"})
		self.assertEqual(
			{s.link_to for s in workspace.shortcuts},
			{
				"CTM Project",
				"CTM Contribution",
				"CTM Expenditure",
				"CTM Case",
				"CTM Emergency Disbursement",
				"CTM Donor",
			},
		)
		cards = [link.label for link in workspace.links if link.type == "Card Break"]
		self.assertEqual(cards, ["Portfolio", "Funding", "Spending", "Caseload", "Reports"])
		blocks = json.loads(workspace.content)
		self.assertEqual(
			{b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"},
			{label for label, _figure in CARDS.values()},
		)
		self.assertEqual({b["data"]["card_name"] for b in blocks if b["type"] == "card"}, set(cards))
		for name in CARDS:
			card = frappe.get_doc("Number Card", name)
			self.assertEqual((card.type, card.module, card.is_standard), ("Custom", "CTM Portfolio", 1))
			self.assertIn(frappe.get_attr(card.method), frappe.whitelisted)

	def test_each_role_sees_the_workspace_and_its_cards(self):
		from frappe.desk.desktop import get_desktop_page, get_workspace_sidebar_items

		expected = {
			"CTM Field Office": {"Active Projects", "Cases Assisted"},
			"CTM Finance Officer": {label for label, _figure in CARDS.values()},
		}
		for role, labels in expected.items():
			user = f.make_user("_t_ctm_fig_" + frappe.scrub(role) + "@example.com", [role], (f.OFFICE_A,))
			with self.set_user(user):
				pages = {p["name"] for p in get_workspace_sidebar_items()["pages"]}
				self.assertIn(WORKSPACE, pages)
				page = get_desktop_page(json.dumps({"name": WORKSPACE, "title": WORKSPACE, "public": 1}))
				self.assertEqual({c.label for c in page["number_cards"]["items"]}, labels)
