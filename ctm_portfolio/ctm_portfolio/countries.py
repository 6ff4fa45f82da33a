"""ISO 3166-1 alpha-2 codes ⇄ Frappe Country records.

Frappe names its Country records by the country's name and keeps the lower-case ISO
alpha-2 code in the ``code`` field; the bundle speaks in upper-case codes. The map is
read once per site and cached (cleared when a Country changes: see hooks ``doc_events``).
"""

from __future__ import annotations

import frappe

CACHE_KEY = "ctm_portfolio:country_codes"


def _load() -> dict[str, str]:
	"""Country name -> upper-case ISO code, for every Country with a code."""
	return {
		row.name: row.code.strip().upper()
		for row in frappe.get_all("Country", fields=["name", "code"], order_by="name asc")
		if row.code and row.code.strip()
	}


def _maps() -> tuple[dict[str, str], dict[str, str]]:
	local = getattr(frappe.local, "ctm_country_maps", None)
	if local is None:
		to_code = frappe.cache.get_value(CACHE_KEY, generator=_load)
		to_country = {}
		for name, code in sorted(to_code.items()):
			to_country.setdefault(code, name)
		local = frappe.local.ctm_country_maps = (to_code, to_country)
	return local


def code_to_country(code: str | None) -> str | None:
	"""The name of the Country record whose ISO alpha-2 code is ``code`` (any case); None if unknown."""
	if not code:
		return None
	return _maps()[1].get(code.strip().upper())


def country_to_code(name: str | None) -> str | None:
	"""The upper-case ISO alpha-2 code of the Country record ``name``; None if unknown or without a code."""
	if not name:
		return None
	return _maps()[0].get(name)


def clear_cache(*args, **kwargs) -> None:
	"""Forget the map (a doc event of Country: a code or name may have changed)."""
	frappe.cache.delete_value(CACHE_KEY)
	frappe.local.ctm_country_maps = None
