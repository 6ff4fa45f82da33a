"""What the desk is given for the reports at boot (hooks.boot_session)."""

from __future__ import annotations

import frappe
from frappe.boot import get_bootinfo
from frappe.tests.utils import FrappeTestCase

from ctm_portfolio.engine import spec
from ctm_portfolio.engine.reconcile import FINDINGS


class TestBootSession(FrappeTestCase):
	def test_the_desk_boots_with_the_contracts_vocabularies(self):
		frappe.set_user("Administrator")
		bootinfo = get_bootinfo()
		self.assertEqual(
			bootinfo.ctm_portfolio,
			{
				"regions": list(spec.REGIONS),
				"assistance_types": list(spec.ASSISTANCE_TYPES),
				"finding_codes": list(FINDINGS),
			},
		)
