"""Two programme managers approve at the same moment, and only one request fits in the fund.

    CI=1 bench --site SITE run-tests --app ctm_portfolio --module ctm_portfolio.ctm_portfolio.test_emergency_fund_race

Each round files two requests of 1,000 USD, referred to HQ, while the fund has between 1,500 and
1,500.01 USD available; two threads, each with its own Frappe context and database connection to
the test site, wait at a barrier and then approve one request each through the workflow, as the
desk does. Exactly one approval must win every round, the other must be refused by the fund
guard (FundOverdrawnError, not a deadlock or a timeout), and the fund must not be overdrawn.

The threads see only committed data, so this test commits what it sets up (a top-up of the fund,
two programme managers, two cases, the requests of each round) and removes all of it afterwards,
whatever happens. ``CTM_RACE_ROUNDS`` sets the number of rounds (default 20).
"""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal

import frappe
from frappe.model.workflow import apply_workflow
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from ctm_portfolio.ctm_portfolio import emergency_fund as ef
from ctm_portfolio.tests import factories as f

DT = "CTM Emergency Disbursement"
ROUNDS = int(os.environ.get("CTM_RACE_ROUNDS") or 20)
AVAILABLE = Decimal("1500")
AMOUNT = 1000
OFFICE = "_TRACE Office Geneva"
CASES = ("_TRACE-CASE-1", "_TRACE-CASE-2")
MANAGERS = ("_t_race_pm1@example.com", "_t_race_pm2@example.com")
TIMEOUT = 120  # seconds a thread may take


def approve_in_own_connection(site: str, sites_path: str, user: str, name: str, barrier, results, at):
	"""A programme manager's request: its own Frappe context and database connection."""
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	try:
		frappe.flags.in_test = True
		frappe.set_user(user)
		doc = frappe.get_doc(DT, name)
		barrier.wait(timeout=TIMEOUT)
		started = time.perf_counter()
		try:
			apply_workflow(doc, "Approve")
			frappe.db.commit()
			results[at] = ("approved", time.perf_counter() - started)
		except ef.FundOverdrawnError:
			frappe.db.rollback()
			results[at] = ("refused", time.perf_counter() - started)
		except Exception as error:
			frappe.db.rollback()
			results[at] = (f"{type(error).__name__}: {error}", time.perf_counter() - started)
	finally:
		frappe.destroy()


def names_like(doctype: str, prefix: str) -> list[str]:
	"""The names of ``doctype`` that start with ``prefix``, its underscores literal (frappe.get_all
	would escape the backslash of a LIKE pattern)."""
	pattern = prefix.replace("_", "\\_") + "%"
	return frappe.db.sql_list(f"select `name` from `tab{doctype}` where `name` like %s", (pattern,))


def delete_requests(names: list[str]) -> None:
	"""Remove requests and everything the workflow wrote about them, in SQL (a submitted or
	cancelled request cannot be deleted through its controller, by design)."""
	if not names:
		return
	frappe.db.delete(DT, {"name": ("in", names)})
	actions = frappe.get_all("Workflow Action", filters={"reference_name": ("in", names)}, pluck="name")
	if actions:
		frappe.db.delete("Workflow Action Permitted Role", {"parent": ("in", actions)})
		frappe.db.delete("Workflow Action", {"name": ("in", actions)})
	for doctype, field in (
		("Comment", "reference_name"),
		("Version", "docname"),
		("Notification Log", "document_name"),
		("Communication", "reference_name"),
		("Email Queue", "reference_name"),
	):
		frappe.db.delete(doctype, {field: ("in", names)})


class TestConcurrentApprovals(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site, cls.sites_path = frappe.local.site, frappe.local.sites_path
		cls.settings = frappe.get_single(ef.SETTINGS).as_dict()
		cls.had = {
			"office_a": frappe.db.exists("CTM Field Office", f.OFFICE_A),
			"fund": ef.fund_project(),
			"donor": frappe.db.exists("CTM Donor", f.FUND_DONOR),
		}
		cls.contributions_before = set(names_like("CTM Contribution", "_TC-FUND-"))
		try:
			frappe.set_user("Administrator")
			f.set_fund_settings()  # no ceilings
			f.make_office(OFFICE, "Switzerland")
			for case in CASES:
				if not frappe.db.exists("CTM Case", case):
					f.make_case(case, OFFICE)
			for user in MANAGERS:
				f.make_user(user, ["CTM Programme Manager"])
			frappe.db.commit()
		except Exception:
			cls.clean_up()
			raise

	@classmethod
	def tearDownClass(cls):
		cls.clean_up()
		super().tearDownClass()

	@classmethod
	def clean_up(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		delete_requests(names_like(DT, "_TRACE-") + names_like(DT, "_TDIS-FUND-"))
		for case in (*CASES, "_TCASE-FUND"):
			frappe.db.delete("CTM Case", {"name": case})
		for name in names_like("CTM Contribution", "_TC-FUND-"):
			if name not in cls.contributions_before:
				frappe.delete_doc("CTM Contribution", name, force=True, ignore_permissions=True)
		if not cls.had["donor"] and frappe.db.exists("CTM Donor", f.FUND_DONOR):
			frappe.delete_doc("CTM Donor", f.FUND_DONOR, force=True, ignore_permissions=True)
		if not cls.had["fund"] and frappe.db.exists("CTM Project", f.FUND):
			frappe.delete_doc("CTM Project", f.FUND, force=True, ignore_permissions=True)
		for office in (OFFICE, *(() if cls.had["office_a"] else (f.OFFICE_A,))):
			frappe.db.delete("CTM Field Office", {"name": office})
		for user in MANAGERS:
			if frappe.db.exists("User", user):
				frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		settings = frappe.get_single(ef.SETTINGS)
		settings.overdue_after_days = cls.settings.overdue_after_days or 3
		settings.ceiling_per_case_usd = cls.settings.ceiling_per_case_usd
		settings.set(
			"ceilings",
			[
				{"assistance_type": r.assistance_type, "ceiling_usd": r.ceiling_usd}
				for r in cls.settings.ceilings
			],
		)
		settings.save(ignore_permissions=True)
		frappe.db.commit()

	def referred_request(self, name: str, case: str) -> str:
		doc = f.make_disbursement(name, case, OFFICE, amount=AMOUNT, requested_date="2003-04-01")
		frappe.db.set_value(
			DT,
			doc.name,
			{"workflow_state": ef.REFERRED, "referred_on": now_datetime()},
			update_modified=False,
		)
		return doc.name

	def test_only_one_of_two_simultaneous_approvals_fits(self):
		outcomes = []
		for number in range(1, ROUNDS + 1):
			f.fund_with_available(AVAILABLE)
			names = [self.referred_request(f"_TRACE-R{number:02d}-{i}", case) for i, case in enumerate(CASES)]
			frappe.db.commit()

			barrier = threading.Barrier(len(names))
			results: list = [None] * len(names)
			threads = [
				threading.Thread(
					target=approve_in_own_connection,
					args=(self.site, self.sites_path, MANAGERS[i], name, barrier, results, i),
				)
				for i, name in enumerate(names)
			]
			for thread in threads:
				thread.start()
			for thread in threads:
				thread.join(TIMEOUT)
			self.assertFalse(any(t.is_alive() for t in threads), f"round {number}: a thread hangs")

			frappe.db.rollback()  # a fresh snapshot: see what the threads committed
			kinds = sorted(r[0] for r in results)
			self.assertEqual(kinds, ["approved", "refused"], f"round {number}: {results}")
			states = frappe.get_all(
				DT, filters={"name": ("in", names)}, fields=["name", "status", "docstatus"]
			)
			self.assertEqual(
				sorted((s.status, s.docstatus) for s in states), [("Approved", 1), ("Requested", 0)]
			)
			self.assertGreaterEqual(ef.fund_position().available, 0, f"round {number}: overdrawn")
			outcomes.append(results)

			delete_requests(names)
			frappe.db.commit()

		self.assertEqual(len(outcomes), ROUNDS)
		# Who won varies; the loser waited for the winner's lock and was refused every time.
		print(
			f"\n{ROUNDS} rounds of two concurrent approvals: one approved and one refused each round; "
			f"the first thread won {sum(r[0][0] == 'approved' for r in outcomes)} times, the second "
			f"{sum(r[1][0] == 'approved' for r in outcomes)} times; the refused approval took "
			f"{max(r[0][1] if r[0][0] == 'refused' else r[1][1] for r in outcomes):.3f} s at most."
		)
