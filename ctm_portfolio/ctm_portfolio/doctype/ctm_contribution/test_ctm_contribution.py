# Copyright (c) 2026, ctm_portfolio developers and Contributors
# See license.txt

# import frappe
from frappe.tests.utils import FrappeTestCase


class TestCTMContribution(FrappeTestCase):
	pass
