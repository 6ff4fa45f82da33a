"""The pure engine of ctm_portfolio: the bundle contract, validation and reconciliation.

Never imports frappe: the headless command ``ctm-portfolio`` and the Frappe app both use it.
"""

from .errors import BundleInvalid, CTMError, Problem
from .reconcile import FINDINGS, reconcile
from .validate import load_bundle, validate_tables

__all__ = ["FINDINGS", "BundleInvalid", "CTMError", "Problem", "load_bundle", "reconcile", "validate_tables"]
