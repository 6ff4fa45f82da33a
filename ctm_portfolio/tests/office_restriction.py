"""Shared checks of the field-office restriction, run for CTM Case and CTM Emergency Disbursement.

A test class mixes :class:`OfficeRestrictionChecks` into a FrappeTestCase and sets
``DOCTYPE`` and, in ``setUpClass``, ``in_a`` / ``in_b`` (a record of office A / B) and
``no_office`` (a record without a field office, or None when the DocType requires one).
The field-office user holds a User Permission for office A only: every path must hide B.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import frappe
import frappe.client
from frappe.api import v1 as api_v1
from frappe.desk import listview, reportview
from frappe.desk.search import search_link

from ctm_portfolio.tests import factories as f

FO_A = "_t_ctm_fo_a@example.com"  # CTM Field Office, holds office A
FO_NONE = "_t_ctm_fo_none@example.com"  # CTM Field Office, holds no office
HQ = "_t_ctm_hq@example.com"  # CTM HQ Reviewer
FO_HQ = (
	"_t_ctm_fo_hq@example.com"  # CTM Field Office and CTM HQ Reviewer, no User Permission: sees everything
)


def make_office_users() -> None:
	f.make_office(f.OFFICE_A, "Nepal")
	f.make_office(f.OFFICE_B, "Bangladesh")
	f.make_user(FO_A, ["CTM Field Office"], (f.OFFICE_A,))
	f.make_user(FO_NONE, ["CTM Field Office"])
	f.make_user(HQ, ["CTM HQ Reviewer"])
	f.make_user(FO_HQ, ["CTM Field Office", "CTM HQ Reviewer"])


@contextmanager
def form_dict(**values):
	"""A request's form_dict, as a whitelisted method called over HTTP sees it."""
	old = frappe.local.form_dict
	frappe.local.form_dict = frappe._dict(values)
	try:
		yield
	finally:
		frappe.local.form_dict = old


def whitelisted(method: str):
	"""The function /api/method/<method> runs (override_whitelisted_methods applied)."""
	return frappe.get_attr(frappe.override_whitelisted_method(method))


class OfficeRestrictionChecks:
	DOCTYPE: str
	in_a: str
	in_b: str
	no_office: str | None = None

	def hidden(self) -> list[str]:
		return [n for n in (self.in_b, self.no_office) if n]

	def assertOnlyA(self, names):
		names = list(names)
		self.assertIn(self.in_a, names)
		for name in self.hidden():
			self.assertNotIn(name, names)

	# -- lists and counts

	def test_get_list_shows_only_own_office(self):
		with self.set_user(FO_A):
			self.assertOnlyA(frappe.get_list(self.DOCTYPE, pluck="name", limit_page_length=0))
			self.assertEqual(frappe.get_list(self.DOCTYPE, filters={"field_office": f.OFFICE_B}), [])

	def test_client_get_list_get_value_get_count_validate_link(self):
		with self.set_user(FO_A):
			rows = frappe.client.get_list(self.DOCTYPE, fields=["name", "field_office"], limit_page_length=0)
			self.assertOnlyA(r.name for r in rows)
			self.assertEqual({r.field_office for r in rows}, {f.OFFICE_A})
			self.assertEqual(frappe.client.get_value(self.DOCTYPE, "field_office", self.in_b), {})
			self.assertEqual(frappe.client.get_value(self.DOCTYPE, "name", {"field_office": f.OFFICE_B}), {})
			self.assertEqual(
				frappe.client.get_value(self.DOCTYPE, "field_office", self.in_a).field_office, f.OFFICE_A
			)
			get_count = whitelisted("frappe.client.get_count")
			self.assertEqual(get_count(self.DOCTYPE, json.dumps({"field_office": f.OFFICE_B})), 0)
			self.assertEqual(get_count(self.DOCTYPE, {"name": self.in_b}), 0)
			self.assertEqual(get_count(self.DOCTYPE), len(frappe.get_list(self.DOCTYPE, limit_page_length=0)))
			self.assertGreaterEqual(get_count(self.DOCTYPE, {"name": self.in_a}), 1)
			validate_link = whitelisted("frappe.client.validate_link")
			self.assertEqual(validate_link(self.DOCTYPE, self.in_b, json.dumps(["field_office"])), {})
			self.assertEqual(validate_link(self.DOCTYPE, self.in_a).get("name"), self.in_a)
			with self.assertRaises(frappe.PermissionError):
				frappe.client.get(self.DOCTYPE, self.in_b)
			self.assertEqual(frappe.client.get(self.DOCTYPE, self.in_a)["name"], self.in_a)

	def test_api_resource(self):
		with self.set_user(FO_A):
			with form_dict(fields=json.dumps(["name"]), limit_page_length=0):
				self.assertOnlyA(r.name for r in api_v1.document_list(self.DOCTYPE))
			with form_dict(), self.assertRaises(frappe.PermissionError):
				api_v1.read_doc(self.DOCTYPE, self.in_b)
			with form_dict():
				self.assertEqual(api_v1.read_doc(self.DOCTYPE, self.in_a).get("name"), self.in_a)

	def test_reportview_and_sidebar(self):
		table = f"`tab{self.DOCTYPE}`"
		with self.set_user(FO_A):
			with form_dict(doctype=self.DOCTYPE, fields=json.dumps([f"{table}.`name`"]), filters="[]"):
				data = reportview.get()
				self.assertOnlyA(row[0] for row in data["values"])
			with form_dict(doctype=self.DOCTYPE, fields=json.dumps([f"{table}.`name`"]), filters="[]"):
				self.assertOnlyA(r.name for r in reportview.get_list())
			with form_dict(doctype=self.DOCTYPE, filters=json.dumps({"field_office": f.OFFICE_B})):
				self.assertEqual(reportview.get_count(), 0)
			groups = listview.get_group_by_count(self.DOCTYPE, "[]", "field_office")
			self.assertEqual({g["name"] for g in groups}, {f.OFFICE_A})
			self.assertOnlyA(r["value"] for r in search_link(self.DOCTYPE, "_T", page_length=100))

	def test_export(self):
		table = f"`tab{self.DOCTYPE}`"
		with self.set_user(FO_A):
			with form_dict(
				doctype=self.DOCTYPE,
				fields=json.dumps([f"{table}.`name`", f"{table}.`field_office`"]),
				filters="[]",
				file_format_type="CSV",
				title="export",
			):
				frappe.response.pop("filecontent", None)
				reportview.export_query()
				content = frappe.response.pop("filecontent")
		text = content.decode() if isinstance(content, bytes) else content
		self.assertIn(self.in_a, text)
		for name in self.hidden():
			self.assertNotIn(name, text)
		self.assertNotIn(f.OFFICE_B, text)

	# -- one document

	def test_get_doc_has_permission(self):
		with self.set_user(FO_A):
			doc_b = frappe.get_doc(self.DOCTYPE, self.in_b)
			for ptype in ("read", "write", "print", "delete"):
				self.assertFalse(doc_b.has_permission(ptype), ptype)
			self.assertFalse(frappe.has_permission(self.DOCTYPE, "read", doc=self.in_b))
			with self.assertRaises(frappe.PermissionError):
				doc_b.check_permission("read")
			if self.no_office:
				self.assertFalse(frappe.get_doc(self.DOCTYPE, self.no_office).has_permission("read"))
			doc_a = frappe.get_doc(self.DOCTYPE, self.in_a)
			self.assertTrue(doc_a.has_permission("read"))
			self.assertTrue(doc_a.has_permission("write"))

	def test_cannot_create_in_or_move_to_another_office(self):
		with self.set_user(FO_A):
			with self.assertRaises(frappe.PermissionError):
				self.new_record("_TX-B", f.OFFICE_B).insert()
			doc = frappe.get_doc(self.DOCTYPE, self.in_a)
			doc.field_office = f.OFFICE_B
			with self.assertRaises(frappe.PermissionError):
				doc.save()
			created = self.new_record("_TX-A", f.OFFICE_A).insert()
			self.assertEqual(created.field_office, f.OFFICE_A)

	# -- other users

	def test_user_without_office_sees_nothing(self):
		with self.set_user(FO_NONE):
			self.assertEqual(frappe.get_list(self.DOCTYPE), [])
			self.assertEqual(whitelisted("frappe.client.get_count")(self.DOCTYPE), 0)
			self.assertFalse(frappe.get_doc(self.DOCTYPE, self.in_a).has_permission("read"))

	def test_portfolio_roles_see_every_office(self):
		for user in (HQ, FO_HQ, "Administrator"):
			with self.set_user(user):
				names = frappe.get_list(self.DOCTYPE, pluck="name", limit_page_length=0)
				for name in (self.in_a, *self.hidden()):
					self.assertIn(name, names, user)
				self.assertTrue(frappe.get_doc(self.DOCTYPE, self.in_b).has_permission("read"))

	def test_sharing_cannot_open_another_office(self):
		import frappe.share

		with self.assertRaises(frappe.PermissionError):
			frappe.share.add_docshare(
				self.DOCTYPE, self.in_b, FO_A, read=1, flags={"ignore_share_permission": 1}
			)
		with self.assertRaises(frappe.PermissionError):
			frappe.share.add_docshare(
				self.DOCTYPE, self.in_a, everyone=1, read=1, flags={"ignore_share_permission": 1}
			)
		frappe.share.add_docshare(self.DOCTYPE, self.in_a, FO_A, read=1, flags={"ignore_share_permission": 1})
		with self.set_user(FO_A):
			self.assertNotIn(self.in_b, frappe.get_list(self.DOCTYPE, pluck="name"))
