"""The demo portfolio, and synthetic portfolios of any size (docs: ``demo_data/README.md``).

``build_demo()`` is IOM's counter-trafficking portfolio as MC/INF/270 (November 2003)
describes it in mid-2003: 85 projects of more than USD 20 million, ten of them named in
the document's Annex (with its titles and figures), 75 synthetic (code ``SYN-…``, title
ending " (synthetic)"), a pseudonymous caseload, donors, money in several currencies, and
one planted instance of every finding code (:data:`PLANTED_FINDINGS`).

``build_synthetic()`` makes a clean, valid portfolio of any size with the same machinery,
for benchmarks. Everything is drawn from ``random.Random(seed)`` in a fixed order: the
output depends on nothing else (not on dict or set order, nor on today's date).

    python -m ctm_portfolio.engine.demo --out DIR      # regenerate the demo CSV files
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import spec
from .bundle import write_csv_bundle

DEMO_DIR = Path(__file__).with_name("demo_data")
DEMO_SEED = 2003
SYNTHETIC_PREFIX = "SYN-"
SYNTHETIC_SUFFIX = " (synthetic)"

# Findings planted on purpose in the demo: code -> the finding ids (``Finding.id``).
# They hold at the as-of date 2026-12-03 and at any later date (no row is dated later).
PLANTED_FINDINGS: dict[str, list[str]] = {
	"EARMARK_BREACH": ["SYN-007-C9/Coordination and management"],
	"SPENT_BEYOND_PLEDGE": ["SYN-015-C9"],
	"SPENT_AHEAD_OF_CASH": ["SYN-023-C9"],
	"RECEIPT_EXCEEDS_PLEDGE": ["SYN-031-C9"],
	"MODULE_OVER_BUDGET": ["SYN-042/Coordination and management"],
	"PROJECT_UNDERFUNDED": ["COL-CT-2003"],
	"EXPENDITURE_OUTSIDE_PERIOD": ["SYN-050-E9001"],
	"UNMATCHED_DISBURSEMENT": ["GLO-GAP-2003-D9001"],
	"DUPLICATE_DISBURSEMENT": ["GLO-GAP-2003-D9002"],
	"FUND_OVERDRAWN": ["GLO-GAP-2003"],
	"TARGET_SHORTFALL": ["SYN-061/women_and_children/2002-03-01"],
}

ZERO = Decimal(0)
ONE = Decimal(1)
CHARGE_LIMIT = Decimal("0.95")  # generated charges stay below 95% of a pledge, receipt or earmark
BUDGET_LIMIT = Decimal("0.97")  # generated spending stays below 97% of a module's budget

# -- exchange rates ---------------------------------------------------------------------

RATE_FIRST_YEAR = 2002
RATE_MONTHS = (2026 - RATE_FIRST_YEAR + 1) * 12  # monthly, 2002-01-01 to 2026-12-01
_RATES_SEED = 20031111

# USD per unit on 1 January of the year (roughly the market's), interpolated monthly
# with a small seeded wobble.
_RATE_ANCHORS: dict[str, dict[int, float]] = {
	"AUD": {
		2002: 0.510,
		2003: 0.562,
		2004: 0.752,
		2005: 0.777,
		2006: 0.733,
		2008: 0.875,
		2009: 0.700,
		2011: 1.020,
		2013: 1.040,
		2015: 0.815,
		2016: 0.730,
		2018: 0.780,
		2020: 0.700,
		2022: 0.720,
		2024: 0.680,
		2025: 0.620,
		2026: 0.665,
	},
	"CAD": {
		2002: 0.628,
		2003: 0.646,
		2004: 0.775,
		2005: 0.832,
		2006: 0.860,
		2008: 1.000,
		2009: 0.810,
		2011: 1.000,
		2013: 1.000,
		2015: 0.860,
		2016: 0.720,
		2018: 0.790,
		2020: 0.770,
		2022: 0.790,
		2024: 0.755,
		2025: 0.695,
		2026: 0.725,
	},
	"CHF": {
		2002: 0.600,
		2003: 0.720,
		2004: 0.810,
		2005: 0.870,
		2006: 0.760,
		2008: 0.910,
		2010: 0.970,
		2011: 1.070,
		2012: 1.070,
		2015: 1.000,
		2018: 1.020,
		2021: 1.120,
		2023: 1.090,
		2025: 1.100,
		2026: 1.260,
	},
	"DKK": {
		2002: 0.120,
		2003: 0.141,
		2004: 0.169,
		2005: 0.182,
		2006: 0.159,
		2008: 0.197,
		2009: 0.187,
		2011: 0.180,
		2014: 0.184,
		2015: 0.160,
		2016: 0.146,
		2018: 0.161,
		2020: 0.150,
		2022: 0.152,
		2024: 0.148,
		2025: 0.139,
		2026: 0.157,
	},
	"EUR": {
		2002: 0.890,
		2003: 1.040,
		2004: 1.260,
		2005: 1.350,
		2006: 1.180,
		2007: 1.320,
		2008: 1.470,
		2009: 1.390,
		2010: 1.430,
		2011: 1.340,
		2012: 1.290,
		2014: 1.370,
		2015: 1.190,
		2016: 1.090,
		2017: 1.050,
		2018: 1.200,
		2019: 1.140,
		2020: 1.120,
		2021: 1.220,
		2022: 1.130,
		2023: 1.070,
		2024: 1.100,
		2025: 1.040,
		2026: 1.170,
	},
	"GBP": {
		2002: 1.450,
		2003: 1.610,
		2004: 1.790,
		2005: 1.920,
		2006: 1.720,
		2007: 1.960,
		2008: 1.990,
		2009: 1.450,
		2011: 1.550,
		2014: 1.660,
		2016: 1.470,
		2017: 1.230,
		2018: 1.350,
		2020: 1.320,
		2022: 1.350,
		2023: 1.210,
		2024: 1.270,
		2025: 1.250,
		2026: 1.340,
	},
	"JPY": {
		2002: 0.00763,
		2003: 0.00842,
		2004: 0.00935,
		2005: 0.00974,
		2006: 0.00850,
		2008: 0.00895,
		2009: 0.01100,
		2012: 0.01300,
		2013: 0.01160,
		2015: 0.00834,
		2017: 0.00853,
		2020: 0.00920,
		2022: 0.00869,
		2023: 0.00762,
		2024: 0.00710,
		2025: 0.00636,
		2026: 0.00640,
	},
	"NOK": {
		2002: 0.111,
		2003: 0.144,
		2004: 0.150,
		2005: 0.165,
		2006: 0.148,
		2008: 0.184,
		2009: 0.143,
		2011: 0.167,
		2014: 0.162,
		2015: 0.134,
		2016: 0.113,
		2018: 0.115,
		2020: 0.114,
		2022: 0.101,
		2024: 0.098,
		2025: 0.088,
		2026: 0.099,
	},
	"SEK": {
		2002: 0.095,
		2003: 0.115,
		2004: 0.138,
		2005: 0.150,
		2006: 0.128,
		2008: 0.155,
		2009: 0.128,
		2011: 0.145,
		2014: 0.155,
		2015: 0.128,
		2016: 0.118,
		2018: 0.122,
		2020: 0.107,
		2022: 0.110,
		2024: 0.097,
		2025: 0.090,
		2026: 0.105,
	},
}
CURRENCIES = tuple(sorted(_RATE_ANCHORS))


def _interpolate(anchors: list[tuple[int, float]], t: float) -> float:
	for (y0, v0), (y1, v1) in itertools.pairwise(anchors):
		if t <= y1:
			return v0 + (v1 - v0) * (t - y0) / (y1 - y0)
	return anchors[-1][1]


@lru_cache(maxsize=1)
def _rate_table() -> dict[str, tuple[Decimal, ...]]:
	"""Monthly USD-per-unit rates per currency; the same for every seed."""
	rng = random.Random(_RATES_SEED)
	table = {}
	for currency in CURRENCIES:
		anchors = sorted(_RATE_ANCHORS[currency].items())
		wobble, values = 0.0, []
		for month in range(RATE_MONTHS):
			wobble = 0.8 * wobble + (rng.random() - 0.5) * 0.02
			value = _interpolate(anchors, RATE_FIRST_YEAR + month / 12) * (1 + wobble)
			values.append(Decimal(f"{value:.6f}" if value >= 0.1 else f"{value:.8f}"))
		table[currency] = tuple(values)
	return table


# -- places, donors, words --------------------------------------------------------------

# country: (field office, English name); by region.
_PLACES: dict[str, dict[str, tuple[str, str]]] = {
	"Africa": {
		"GH": ("Accra", "Ghana"),
		"NG": ("Lagos", "Nigeria"),
		"ML": ("Bamako", "Mali"),
		"BF": ("Ouagadougou", "Burkina Faso"),
		"CI": ("Abidjan", "Côte d'Ivoire"),
		"BJ": ("Cotonou", "Benin"),
		"TG": ("Lomé", "Togo"),
		"SN": ("Dakar", "Senegal"),
		"NE": ("Niamey", "Niger"),
		"GA": ("Libreville", "Gabon"),
		"ZA": ("Pretoria", "South Africa"),
		"MZ": ("Maputo", "Mozambique"),
		"KE": ("Nairobi", "Kenya"),
		"ET": ("Addis Ababa", "Ethiopia"),
		"UG": ("Kampala", "Uganda"),
		"TZ": ("Dar es Salaam", "Tanzania"),
		"ZM": ("Lusaka", "Zambia"),
	},
	"Americas and the Caribbean": {
		"CO": ("Bogotá", "Colombia"),
		"DO": ("Santo Domingo", "the Dominican Republic"),
		"HT": ("Port-au-Prince", "Haiti"),
		"GT": ("Guatemala City", "Guatemala"),
		"HN": ("Tegucigalpa", "Honduras"),
		"SV": ("San Salvador", "El Salvador"),
		"NI": ("Managua", "Nicaragua"),
		"CR": ("San José", "Costa Rica"),
		"PA": ("Panama City", "Panama"),
		"MX": ("Mexico City", "Mexico"),
		"EC": ("Quito", "Ecuador"),
		"PE": ("Lima", "Peru"),
		"BO": ("La Paz", "Bolivia"),
		"BR": ("Brasília", "Brazil"),
		"AR": ("Buenos Aires", "Argentina"),
		"JM": ("Kingston", "Jamaica"),
	},
	"Asia": {
		"TH": ("Bangkok", "Thailand"),
		"KH": ("Phnom Penh", "Cambodia"),
		"VN": ("Hanoi", "Viet Nam"),
		"LA": ("Vientiane", "the Lao People's Democratic Republic"),
		"MM": ("Yangon", "Myanmar"),
		"CN": ("Beijing", "China"),
		"NP": ("Kathmandu", "Nepal"),
		"IN": ("New Delhi", "India"),
		"BD": ("Dhaka", "Bangladesh"),
		"LK": ("Colombo", "Sri Lanka"),
		"PK": ("Islamabad", "Pakistan"),
		"PH": ("Manila", "the Philippines"),
		"ID": ("Jakarta", "Indonesia"),
		"KG": ("Bishkek", "Kyrgyzstan"),
		"UZ": ("Tashkent", "Uzbekistan"),
		"TJ": ("Dushanbe", "Tajikistan"),
		"KZ": ("Almaty", "Kazakhstan"),
	},
	"Europe": {
		"AL": ("Tirana", "Albania"),
		"BA": ("Sarajevo", "Bosnia and Herzegovina"),
		"HR": ("Zagreb", "Croatia"),
		"MK": ("Skopje", "North Macedonia"),
		"RS": ("Belgrade", "Serbia and Montenegro"),
		"MD": ("Chișinău", "the Republic of Moldova"),
		"RO": ("Bucharest", "Romania"),
		"UA": ("Kyiv", "Ukraine"),
		"BG": ("Sofia", "Bulgaria"),
		"BY": ("Minsk", "Belarus"),
		"RU": ("Moscow", "the Russian Federation"),
		"PL": ("Warsaw", "Poland"),
		"CZ": ("Prague", "the Czech Republic"),
		"LT": ("Vilnius", "Lithuania"),
		"LV": ("Riga", "Latvia"),
		"HU": ("Budapest", "Hungary"),
		"TR": ("Ankara", "Türkiye"),
		"GE": ("Tbilisi", "Georgia"),
		"AM": ("Yerevan", "Armenia"),
	},
}
_OFFICE = {code: place[0] for places in _PLACES.values() for code, place in places.items()}
_OFFICE.update({"JP": "Tokyo", "LB": "Beirut", "IT": "Rome", "DE": "Berlin", "NL": "The Hague"})
_EUROPE_OFFICES = frozenset(_OFFICE[c] for c in (*_PLACES["Europe"], "IT", "DE", "NL"))

# Where victims were taken, by the region of the project.
_DESTINATIONS = {
	"Africa": ("CI", "GA", "NG", "ZA", "IT", "NL", "BE", "ES"),
	"Americas and the Caribbean": ("US", "ES", "JP", "NL", "AR", "CR", "MX", "PA"),
	"Asia": ("TH", "MY", "JP", "IN", "AE", "CN", "KR", "SG"),
	"Europe": ("IT", "DE", "NL", "TR", "AE", "GR", "BA", "RS", "MK", "RU", "IL"),
}
_DESTINATIONS["Global"] = tuple(dict.fromkeys(d for ds in _DESTINATIONS.values() for d in ds))

_FR_PLACE = {
	"ML": "au Mali",
	"BF": "au Burkina Faso",
	"CI": "en Côte d'Ivoire",
	"BJ": "au Bénin",
	"TG": "au Togo",
	"SN": "au Sénégal",
	"NE": "au Niger",
	"GA": "au Gabon",
	"HT": "en Haïti",
}
_ES_PLACE = {
	"CO": "Colombia",
	"DO": "la República Dominicana",
	"GT": "Guatemala",
	"HN": "Honduras",
	"SV": "El Salvador",
	"NI": "Nicaragua",
	"CR": "Costa Rica",
	"PA": "Panamá",
	"MX": "México",
	"EC": "Ecuador",
	"PE": "el Perú",
	"BO": "Bolivia",
	"AR": "la Argentina",
}
_TITLES = {
	"en": {
		"women": (
			"Shelter and direct assistance for trafficked women in {place}",
			"Return and reintegration of trafficked women to {place}",
		),
		"children": (
			"Prevention of child trafficking and assistance to child victims in {place}",
			"Return and reintegration of trafficked children in {place}",
		),
		"mixed": (
			"Assistance to victims of trafficking in {place}",
			"Counter-trafficking capacity building and victim assistance in {place}",
		),
		"labour": ("Assistance to persons trafficked for forced labour from {place}",),
		"capacity": (
			"Counter-trafficking capacity building for the authorities of {place}",
			"Information campaign on the risks of trafficking in {place}",
		),
	},
	"fr": {
		"women": ("Assistance directe aux femmes victimes de la traite {place}",),
		"children": ("Prévention de la traite des enfants et assistance aux enfants victimes {place}",),
		"mixed": ("Assistance aux victimes de la traite des personnes {place}",),
		"labour": ("Assistance aux victimes de la traite à des fins de travail forcé {place}",),
		"capacity": ("Renforcement des capacités de lutte contre la traite des personnes {place}",),
	},
	"es": {
		"women": ("Asistencia directa a mujeres víctimas de la trata en {place}",),
		"children": ("Prevención de la trata de niños y asistencia a niños víctimas en {place}",),
		"mixed": ("Asistencia a víctimas de la trata de personas en {place}",),
		"labour": ("Asistencia a víctimas de la trata con fines de trabajo forzoso en {place}",),
		"capacity": ("Fortalecimiento institucional contra la trata de personas en {place}",),
	},
}
_GLOBAL_TITLES = (
	"Global research on trafficking routes and trends",
	"Training of consular and border officials on counter-trafficking",
	"Global exchange of counter-trafficking good practices",
)

_CORE_MODULES = ("Coordination and management", "Direct assistance to victims")
_EXTRA_MODULES = (
	"Return and reintegration",
	"Shelter and protection",
	"Awareness raising",
	"Capacity building",
	"Research and data collection",
	"Legal and policy support",
	"Medical and psychosocial care",
	"Livelihood and micro-enterprise",
)


@dataclass(frozen=True)
class _Donor:
	code: str
	name: str
	kind: str
	country: str
	currency: str


_DONOR_POOL = (
	_Donor("GOV-NO", "Government of Norway", "Government", "NO", "NOK"),
	_Donor("GOV-SE", "Government of Sweden", "Government", "SE", "SEK"),
	_Donor("GOV-CH", "Government of Switzerland", "Government", "CH", "CHF"),
	_Donor("GOV-GB", "Government of the United Kingdom", "Government", "GB", "GBP"),
	_Donor("GOV-JP", "Government of Japan", "Government", "JP", "JPY"),
	_Donor("GOV-DK", "Government of Denmark", "Government", "DK", "DKK"),
	_Donor("GOV-CA", "Government of Canada", "Government", "CA", "CAD"),
	_Donor("GOV-AU", "Government of Australia", "Government", "AU", "AUD"),
	_Donor("GOV-IT", "Government of Italy", "Government", "IT", "EUR"),
	_Donor("GOV-DE", "Government of Germany", "Government", "DE", "EUR"),
	_Donor("GOV-BE", "Government of Belgium", "Government", "BE", "EUR"),
	_Donor("EU-EC", "European Commission", "Multilateral", "", "EUR"),
	_Donor("OSCE", "Organization for Security and Co-operation in Europe", "Multilateral", "", "EUR"),
	_Donor("UNICEF", "United Nations Children's Fund", "Multilateral", "", "USD"),
	_Donor("FDN-MERIDIAN", "Meridian Foundation (synthetic)", "Foundation", "US", "USD"),
	_Donor("FDN-ALDER", "Alder Trust (synthetic)", "Foundation", "GB", "GBP"),
	_Donor("FDN-LINDENHOF", "Stiftung Lindenhof (synthetic)", "Foundation", "CH", "CHF"),
	_Donor("PRV-CORPORATE", "Corporate donors (synthetic)", "Private", "", "USD"),
	_Donor("OTH-POOLED", "Pooled donor fund (synthetic)", "Other", "", "USD"),
)
_DEMO_DONORS = (
	_Donor("NLD-EMB", "Royal Netherlands Embassy", "Government", "NL", "USD"),
	_Donor("USA-DOS", "US Department of State (G-TIP/INL)", "Government", "US", "USD"),
)
# Donors a project of a region draws on (codes of the pool), the first ones more often.
_DONORS_BY_REGION = {
	"Africa": (
		"EU-EC",
		"GOV-IT",
		"GOV-BE",
		"GOV-GB",
		"GOV-NO",
		"UNICEF",
		"GOV-CA",
		"FDN-ALDER",
		"OTH-POOLED",
	),
	"Americas and the Caribbean": ("GOV-CA", "EU-EC", "GOV-SE", "UNICEF", "FDN-MERIDIAN", "PRV-CORPORATE"),
	"Asia": ("GOV-JP", "GOV-AU", "GOV-SE", "GOV-DK", "UNICEF", "FDN-MERIDIAN", "PRV-CORPORATE"),
	"Europe": ("EU-EC", "OSCE", "GOV-NO", "GOV-CH", "GOV-DE", "GOV-SE", "GOV-DK", "FDN-LINDENHOF", "GOV-GB"),
	"Global": ("GOV-GB", "GOV-NO", "GOV-CH", "OTH-POOLED", "EU-EC", "FDN-MERIDIAN"),
}

# Caseload vocabularies by the focus of a project.
_MIX = {  # (gender, age_group): weight
	"women": (
		(("female", "adult"), 75),
		(("female", "child"), 15),
		(("male", "child"), 4),
		(("male", "adult"), 4),
		(("female", "unknown"), 2),
	),
	"children": (
		(("female", "child"), 45),
		(("male", "child"), 45),
		(("female", "adult"), 5),
		(("male", "adult"), 3),
		(("unknown", "child"), 2),
	),
	"mixed": (
		(("female", "adult"), 45),
		(("male", "adult"), 20),
		(("female", "child"), 15),
		(("male", "child"), 12),
		(("unknown", "unknown"), 5),
		(("other", "adult"), 3),
	),
	"labour": (
		(("male", "adult"), 55),
		(("female", "adult"), 20),
		(("male", "child"), 15),
		(("female", "child"), 8),
		(("unknown", "adult"), 2),
	),
}
_MIX["capacity"] = _MIX["mixed"]
_EXPLOITATION = {
	"women": (("sexual_exploitation", 80), ("forced_labour", 10), ("forced_marriage", 5), ("other", 5)),
	"children": (
		("forced_labour", 50),
		("forced_begging", 20),
		("sexual_exploitation", 20),
		("forced_criminality", 5),
		("forced_adoption", 5),
	),
	"mixed": (
		("sexual_exploitation", 45),
		("forced_labour", 40),
		("forced_begging", 5),
		("forced_criminality", 5),
		("other", 5),
	),
	"labour": (
		("forced_labour", 85),
		("forced_criminality", 5),
		("forced_begging", 5),
		("sexual_exploitation", 5),
	),
}
_EXPLOITATION["capacity"] = _EXPLOITATION["mixed"]
_ASSISTANCE = {  # (given to every case, sometimes added)
	"women": (("shelter", "protection"), ("medical", "psychosocial", "legal", "return", "livelihood")),
	"children": (("return", "reintegration"), ("education", "medical", "psychosocial", "shelter")),
	"mixed": (("return",), ("shelter", "medical", "psychosocial", "legal", "reintegration")),
	"labour": (("return", "reintegration"), ("legal", "medical", "livelihood")),
	"capacity": (("protection",), ("shelter", "medical", "legal", "return")),
}
_TARGET_GROUPS = {
	"women": ("women_and_children", "women", "girls"),
	"children": ("children", "girls", "boys"),
	"mixed": ("all", "women", "men", "children"),
	"labour": ("adults", "men", "all"),
	"capacity": ("all", "women_and_children"),
}
_ORDER = {word: i for i, word in enumerate(spec.EXPLOITATION_TYPES + spec.ASSISTANCE_TYPES)}

# Emergency fund requests: assistance type -> (weight, lowest, highest amount in USD).
_FUND_ASSISTANCE = {
	"return": (30, 400, 2500),
	"shelter": (15, 300, 1800),
	"medical": (15, 150, 1500),
	"protection": (12, 100, 800),
	"reintegration": (10, 500, 2000),
	"psychosocial": (8, 100, 600),
	"legal": (6, 150, 900),
	"education": (2, 200, 900),
	"livelihood": (2, 300, 1500),
}
_FUND_STATUS = (("Disbursed", 80), ("Approved", 7), ("Requested", 7), ("Rejected", 6))


def _in_group(group: str, gender: str, age: str) -> bool:
	if group == "all":
		return True
	if group == "children":
		return age == "child"
	if group == "adults":
		return age == "adult"
	if group == "women_and_children":
		return age == "child" or (gender == "female" and age == "adult")
	wanted = {"women": ("female", "adult"), "men": ("male", "adult"), "girls": ("female", "child")}
	return (gender, age) == wanted.get(group, ("male", "child"))


# -- small helpers ----------------------------------------------------------------------


def _money(cents: int) -> str:
	return f"{cents // 100}.{cents % 100:02d}"


def _cents(text: str) -> int:
	whole, _, frac = text.partition(".")
	return int(whole) * 100 + int((frac + "00")[:2])


def _add_months(day: date, months: int) -> date:
	index = day.year * 12 + day.month - 1 + months
	return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=256)
def _cumulative(weighted: tuple) -> tuple[tuple, tuple[float, ...]]:
	items = tuple(item for item, _ in weighted)
	return items, tuple(itertools.accumulate(float(weight) for _, weight in weighted))


def _pick(rng: random.Random, weighted, k: int | None = None):
	"""One item of ``((item, weight), ...)`` drawn by weight; a list of ``k`` when k is given."""
	items, cumulative = _cumulative(tuple(weighted))
	drawn = rng.choices(items, cum_weights=cumulative, k=1 if k is None else k)
	return drawn[0] if k is None else drawn


def _allocate(total: int, weights: list[float], minimum: int = 0) -> list[int]:
	"""Split ``total`` in proportion to ``weights`` (largest remainder), each at least ``minimum``."""
	n = len(weights)
	if n == 0:
		return []
	base = minimum if total >= minimum * n else 0
	rest = total - base * n
	weight_sum = sum(weights)
	if weight_sum <= 0:
		weights, weight_sum = [1.0] * n, float(n)
	raw = [rest * w / weight_sum for w in weights]
	counts = [int(r) for r in raw]
	for i in sorted(range(n), key=lambda i: (counts[i] - raw[i], i))[: rest - sum(counts)]:
		counts[i] += 1
	return [base + c for c in counts]


def _require(condition: bool, what: str) -> None:
	"""A planted finding's precondition (kept under ``python -O``, unlike assert)."""
	if not condition:
		raise AssertionError(f"demo generator: {what}")


def _ordered(words) -> tuple[str, ...]:
	return tuple(sorted(set(words), key=_ORDER.__getitem__))


# -- the portfolio being generated --------------------------------------------------------


@dataclass(eq=False)
class _Case:
	seq: int
	project: str
	registered: date
	gender: str
	age: str
	citizenship: str
	assisted_in: str
	exploitation: tuple[str, ...]
	assistance: tuple[str, ...]
	route: tuple[str, ...]
	id: str = ""


@dataclass(frozen=True)
class _CaseProfile:
	groups: tuple  # ((gender, age), weight), or ((gender, age), count) when exact
	citizenship: tuple[str, ...]  # drawn with repetition as weight
	assisted_in: tuple[str, ...]
	destinations: tuple[str, ...]
	exploitation: tuple
	assistance: tuple[tuple[str, ...], tuple[str, ...]]
	exact: bool = False


@dataclass(eq=False)
class _Contribution:
	id: str
	donor: str
	project: _Project
	currency: str
	amount: int
	pledge: date
	status: str
	pledge_usd: Decimal
	earmarks: dict[str, int] = field(default_factory=dict)
	earmark_usd: dict[str, Decimal] = field(default_factory=dict)
	earmark_used: dict[str, Decimal] = field(default_factory=dict)
	receipts: list[tuple[str, date, int]] = field(default_factory=list)
	receipt_days: list[int] = field(default_factory=list)
	receipt_sums: list[Decimal] = field(default_factory=list)  # USD received up to each receipt
	charged_usd: Decimal = ZERO

	def received_by(self, day: date) -> Decimal:
		i = bisect.bisect_right(self.receipt_days, day.toordinal())
		return self.receipt_sums[i - 1] if i else ZERO


@dataclass(eq=False)
class _Project:
	code: str
	title: str
	language: str
	region: str
	countries: tuple[str, ...]
	office: str
	start: date
	end: date
	status: str
	currency: str
	emergency: bool = False
	focus: str = "mixed"
	burn: float = 0.65
	charge_share: float = 0.6
	modules: list[list] = field(default_factory=list)  # [name, budget cents]
	budget_usd: dict[str, Decimal] = field(default_factory=dict)
	spent_usd: dict[str, Decimal] = field(default_factory=dict)
	targets: list[dict[str, str]] = field(default_factory=list)
	contributions: list[_Contribution] = field(default_factory=list)
	cases: list[_Case] = field(default_factory=list)
	expenditure_count: int = 0

	@property
	def total_budget_usd(self) -> Decimal:
		return sum(self.budget_usd.values(), ZERO)


class _Generator:
	def __init__(self, seed: int):
		self.rng = random.Random(seed)
		self.rates = _rate_table()
		self.donors: dict[str, _Donor] = {}
		self.projects: list[_Project] = []
		self.cases: list[_Case] = []
		self.expenditures: list[dict[str, str]] = []
		self.disbursements: list[dict[str, str]] = []
		self.titles_seen: dict[str, int] = {}

	# -- money ---------------------------------------------------------------------------

	def rate(self, currency: str, day: date) -> Decimal:
		"""The rate in force on ``day``: the monthly row of its month (rates.csv's rule)."""
		if currency == "USD":
			return ONE
		index = (day.year - RATE_FIRST_YEAR) * 12 + day.month - 1
		if index < 0:
			raise ValueError(f"no {currency} rate before {RATE_FIRST_YEAR}-01-01 ({day})")
		values = self.rates[currency]
		return values[min(index, len(values) - 1)]

	def usd(self, currency: str, day: date, cents: int) -> Decimal:
		return self.rate(currency, day) * cents / 100

	def in_currency(self, usd: float | Decimal, currency: str, day: date, unit: int = 100) -> int:
		"""USD as cents of ``currency`` on ``day``, rounded down to whole ``unit``s of it."""
		units = int(Decimal(str(usd)) / self.rate(currency, day))
		return max(unit, units // unit * unit) * 100

	def day(self, first: date, last: date) -> date:
		start = first.toordinal()
		return date.fromordinal(start + int(self.rng.random() * (last.toordinal() - start + 1)))

	# -- projects --------------------------------------------------------------------------

	def add_donors(self, donors) -> None:
		for donor in donors:
			self.donors[donor.code] = donor

	def add_project(self, project: _Project, modules: list[tuple[str, str]]) -> _Project:
		self.projects.append(project)
		self.set_modules(project, [[name, _cents(budget)] for name, budget in modules])
		return project

	def set_modules(self, p: _Project, modules: list[list]) -> None:
		p.modules = modules
		rate = self.rate(p.currency, p.start)
		p.budget_usd = {name: rate * cents / 100 for name, cents in modules}
		for name, _ in modules:
			p.spent_usd.setdefault(name, ZERO)

	def random_project(
		self, code: str, window: tuple[date, date], snapshot: date, budget: tuple[float, float], **profile
	) -> _Project:
		"""A synthetic project; ``profile`` fixes some of its fields (for planted findings)."""
		rng = self.rng
		region = _pick(
			rng,
			(
				("Europe", 34),
				("Asia", 20),
				("Africa", 20),
				("Americas and the Caribbean", 20),
				("Global", 6),
			),
		)
		if region == "Global":
			pool = sorted(c for places in _PLACES.values() for c in places)
			countries = tuple(rng.sample(pool, rng.randint(3, 6)))
			focus = "capacity"
		else:
			pool = list(_PLACES[region])
			countries = tuple(rng.sample(pool, _pick(rng, ((1, 60), (2, 25), (3, 15)))))
			focus = _pick(
				rng, (("women", 30), ("children", 25), ("mixed", 25), ("labour", 8), ("capacity", 12))
			)
		focus = profile.get("focus", focus)
		main = countries[0]
		language = "en"
		if region != "Global" and main in _FR_PLACE and rng.random() < 0.7:
			language = "fr"
		elif region != "Global" and main in _ES_PLACE and rng.random() < 0.8:
			language = "es"
		if region == "Global":
			title = rng.choice(_GLOBAL_TITLES)
		else:
			place = {"fr": _FR_PLACE, "es": _ES_PLACE}.get(language, {}).get(main) or _PLACES[region][main][1]
			title = rng.choice(_TITLES[language][focus]).format(place=place)
		seen = self.titles_seen.get(title, 0) + 1
		self.titles_seen[title] = seen
		if seen > 1:
			title += f" - {'Fase' if language == 'es' else 'Phase'} {seen}"
		start = _add_months(self.day(*window), 0)
		end = _add_months(start, rng.randint(12, 36)) - timedelta(days=1)
		start, end = profile.get("start", start), profile.get("end", end)
		if start > snapshot:
			status = "Pipeline"
		elif end < snapshot:
			status = "Closed"
		else:
			status = "Suspended" if rng.random() < 0.04 else "Active"
		status = profile.get("status", status)
		if region == "Europe":
			currency = _pick(rng, (("EUR", 50), ("USD", 40), ("CHF", 10)))
		else:
			currency = _pick(rng, (("USD", 85), ("EUR", 15)))
		currency = profile.get("currency", currency)
		p = _Project(
			code=code,
			title=title + SYNTHETIC_SUFFIX,
			language=language,
			region=region,
			countries=countries,
			office="Geneva" if region == "Global" else _OFFICE[main],
			start=start,
			end=end,
			status=status,
			currency=currency,
			focus=focus,
			burn=profile.get("burn", 0.45 + 0.4 * rng.random()),
		)
		self.projects.append(p)
		if "modules" in profile:
			self.set_modules(p, [[name, _cents(amount)] for name, amount in profile["modules"]])
			return p
		extras = rng.sample(_EXTRA_MODULES, rng.randint(1, 3))
		names = [*_CORE_MODULES, *sorted(extras, key=_EXTRA_MODULES.index)]
		weights = [0.10 + 0.08 * rng.random()] + [0.5 + rng.random() for _ in names[1:]]
		total_usd = budget[0] * (budget[1] / budget[0]) ** rng.random()
		rest = 1 - weights[0]
		shares = [weights[0]] + [rest * w / sum(weights[1:]) for w in weights[1:]]
		self.set_modules(
			p,
			[
				[name, self.in_currency(total_usd * share, currency, start)]
				for name, share in zip(names, shares, strict=True)
			],
		)
		return p

	# -- contributions and receipts ------------------------------------------------------------

	def add_contribution(
		self,
		p: _Project,
		number: int,
		donor: str,
		currency: str,
		amount: int,
		pledge: date,
		status: str,
		earmarks: dict[str, int] | None = None,
	) -> _Contribution:
		c = _Contribution(
			id=f"{p.code}-C{number}",
			donor=donor,
			project=p,
			currency=currency,
			amount=amount,
			pledge=pledge,
			status=status,
			pledge_usd=self.usd(currency, pledge, amount),
		)
		for module, cents in (earmarks or {}).items():
			c.earmarks[module] = cents
			c.earmark_usd[module] = self.usd(currency, pledge, cents)
			c.earmark_used[module] = ZERO
		p.contributions.append(c)
		return c

	def add_receipt(self, c: _Contribution, day: date, cents: int, number: int | None = None) -> None:
		number = len(c.receipts) + 1 if number is None else number
		c.receipts.append((f"{c.id}-R{number}", day, cents))
		total = (c.receipt_sums[-1] if c.receipt_sums else ZERO) + self.usd(c.currency, day, cents)
		if c.receipt_days and day.toordinal() < c.receipt_days[-1]:
			raise ValueError("receipts are added in date order")
		c.receipt_days.append(day.toordinal())
		c.receipt_sums.append(total)

	def random_receipts(self, c: _Contribution) -> None:
		rng = self.rng
		if c.status == "Cancelled":
			return
		if c.status == "Signed":
			fraction = 1.0 if rng.random() < 0.55 else 0.4 + 0.55 * rng.random()
		else:
			fraction = 0.0 if rng.random() < 0.6 else 0.2 + 0.3 * rng.random()
		units = c.amount // 100
		total = units if fraction >= 1 else int(units * fraction)
		if total <= 0:
			return
		tranches = 1 if total < 5000 else rng.randint(1, 3)
		weights = [0.5 + rng.random() for _ in range(tranches)]
		parts = [int(total * w / sum(weights)) for w in weights[:-1]]
		parts.append(total - sum(parts))
		day = c.pledge
		for part in parts:
			day = day + timedelta(days=rng.randint(10, 90) if day == c.pledge else rng.randint(60, 240))
			if part > 0:
				self.add_receipt(c, day, part * 100)

	def random_contributions(self, p: _Project) -> None:
		rng = self.rng
		count = _pick(rng, ((1, 45), (2, 35), (3, 20)))
		cover = 1.02 + 0.08 * rng.random() if rng.random() < 0.5 else 0.5 + 0.47 * rng.random()
		shares = [0.5 + rng.random() for _ in range(count)]
		budget = float(p.total_budget_usd)
		for number in range(1, count + 1):
			donor = self.donors[
				_pick(rng, [(code, 10 - i) for i, code in enumerate(_DONORS_BY_REGION[p.region])])
			]
			pledge = max(p.start + timedelta(days=rng.randint(-120, 60)), date(RATE_FIRST_YEAR, 1, 1))
			status = _pick(rng, (("Signed", 78), ("Pledged", 17), ("Cancelled", 5)))
			if number == 1 and status != "Signed":  # the first donor of a project has signed
				status = "Signed"
			unit = 10000 if donor.currency == "JPY" else 100
			amount = self.in_currency(
				budget * cover * shares[number - 1] / sum(shares), donor.currency, pledge, unit
			)
			earmarks = None
			if status != "Cancelled" and rng.random() < 0.35:
				names = [name for name, _ in p.modules]
				chosen = sorted(rng.sample(names, rng.randint(1, min(3, len(names)))), key=names.index)
				weights = [0.5 + rng.random() for _ in chosen]
				units = amount // 100
				parts = [int(units * w / sum(weights)) for w in weights[:-1]]
				parts.append(units - sum(parts))
				earmarks = {name: part * 100 for name, part in zip(chosen, parts, strict=True) if part > 0}
			c = self.add_contribution(p, number, donor.code, donor.currency, amount, pledge, status, earmarks)
			self.random_receipts(c)

	# -- cases and targets ----------------------------------------------------------------

	def generic_profile(self, p: _Project) -> _CaseProfile:
		main = p.countries[:1] * 3 + p.countries[1:]
		return _CaseProfile(
			groups=_MIX[p.focus],
			citizenship=main,
			assisted_in=p.countries,
			destinations=_DESTINATIONS[p.region],
			exploitation=_EXPLOITATION[p.focus],
			assistance=_ASSISTANCE[p.focus],
		)

	def add_cases(
		self, project: _Project | None, count: int, profile: _CaseProfile, first: date, last: date
	) -> list[_Case]:
		rng = self.rng
		if profile.exact:
			labels = [group for group, n in profile.groups for _ in range(n)]
			rng.shuffle(labels)
		else:
			labels = _pick(rng, profile.groups, count)
		made = []
		base, extra = profile.assistance
		exploitations = _pick(rng, profile.exploitation, len(labels))
		code = project.code if project else ""
		for (gender, age), exploited in zip(labels, exploitations, strict=True):
			citizenship = rng.choice(profile.citizenship)
			assisted_in = rng.choice(profile.assisted_in)
			if assisted_in != citizenship:
				route = (citizenship, assisted_in)
			else:
				abroad = [d for d in profile.destinations if d != citizenship]
				route = (citizenship, rng.choice(abroad)) if abroad else (citizenship,)
			exploitation = (
				(exploited, _pick(rng, profile.exploitation)) if rng.random() < 0.1 else (exploited,)
			)
			assistance = [*base, *(word for word in extra if rng.random() < 0.35)]
			case = _Case(
				seq=len(self.cases),
				project=code,
				registered=self.day(first, last),
				gender=gender,
				age=age,
				citizenship=citizenship,
				assisted_in=assisted_in,
				exploitation=_ordered(exploitation) if len(exploitation) > 1 else exploitation,
				assistance=_ordered(assistance),
				route=route,
			)
			self.cases.append(case)
			made.append(case)
			if project is not None:
				project.cases.append(case)
		return made

	def number_cases(self) -> None:
		"""Case ids in order of registration, as the CTM numbers them: CTM-000001, ..."""
		for number, case in enumerate(sorted(self.cases, key=lambda c: (c.registered, c.seq)), start=1):
			case.id = f"CTM-{number:06d}"

	def eligible(self, p: _Project, group: str, assistance: str | None, first: date, last: date) -> int:
		return sum(
			1
			for c in p.cases
			if first <= c.registered <= last
			and _in_group(group, c.gender, c.age)
			and (assistance is None or assistance in c.assistance)
		)

	def add_target(
		self, p: _Project, group: str, target: int, assistance: str | None = None, period=None
	) -> None:
		first, last = period or (None, None)
		p.targets.append(
			{
				"project_code": p.code,
				"beneficiary_group": group,
				"assistance_type": assistance or "",
				"target": str(target),
				"period_start": first.isoformat() if first else "",
				"period_end": last.isoformat() if last else "",
			}
		)

	def derived_targets(self, p: _Project) -> None:
		"""1-3 targets the project's own caseload meets: no accidental shortfall."""
		rng = self.rng
		groups = _TARGET_GROUPS[p.focus]
		for group in rng.sample(groups, rng.randint(1, len(groups))):
			assistance = rng.choice(_ASSISTANCE[p.focus][0]) if rng.random() < 0.4 else None
			period = None
			if rng.random() < 0.25:
				period = (p.start, min(_add_months(p.start, 12) - timedelta(days=1), p.end))
			met = self.eligible(p, group, assistance, *(period or (p.start, p.end)))
			if met:
				self.add_target(p, group, max(1, int(met * (0.75 + 0.25 * rng.random()))), assistance, period)
		if not p.targets:  # a project with no cases has an unmet target, as in life
			self.add_target(p, "all", max(1, len(p.cases)) if p.cases else rng.randint(10, 60))

	# -- expenditures ------------------------------------------------------------------------

	def add_expenditure(
		self,
		p: _Project,
		module: str,
		day: date,
		cents: int,
		charged: _Contribution | None = None,
		number=None,
	) -> str:
		if number is None:
			p.expenditure_count += 1
			number = p.expenditure_count
		usd = self.usd(p.currency, day, cents)
		p.spent_usd[module] += usd
		if charged is not None:
			charged.charged_usd += usd
			if charged.earmarks:
				charged.earmark_used[module] = charged.earmark_used.get(module, ZERO) + usd
		expenditure_id = f"{p.code}-E{number:04d}"
		self.expenditures.append(
			{
				"expenditure_id": expenditure_id,
				"project_code": p.code,
				"module": module,
				"date": day.isoformat(),
				"amount": _money(cents),
				"currency": p.currency,
				"contribution_id": charged.id if charged else "",
			}
		)
		return expenditure_id

	def chargeable(self, p: _Project, module: str, day: date, usd: Decimal) -> _Contribution | None:
		"""A contribution that can carry this spending and stay clean at every as-of date."""
		live = [c for c in p.contributions if c.status != "Cancelled" and c.pledge <= day]
		if not live:
			return None
		offset = self.rng.randrange(len(live))
		for c in live[offset:] + live[:offset]:
			if c.earmarks:
				if module not in c.earmarks:
					continue
				if c.earmark_used[module] + usd > CHARGE_LIMIT * c.earmark_usd[module]:
					continue
			if c.charged_usd + usd > CHARGE_LIMIT * min(c.pledge_usd, c.received_by(day)):
				continue
			return c
		return None

	def random_expenditures(self, p: _Project, count: int, modules: list[str] | None = None) -> None:
		"""``count`` expenditures within the period, in date order, inside every limit."""
		if count <= 0:
			return
		rng = self.rng
		names = modules or [name for name, _ in p.modules]
		budget_of = dict((name, cents) for name, cents in p.modules)
		per_module = _allocate(count, [float(budget_of[name]) for name in names])
		# A project spends about what it has been paid, not its whole budget.
		received = sum((c.receipt_sums[-1] for c in p.contributions if c.receipt_sums), ZERO)
		funded = min(1.0, float(received / p.total_budget_usd)) if p.total_budget_usd else 1.0
		burn = p.burn * max(funded, 0.5)
		planned = []
		for name, n in zip(names, per_module, strict=True):
			mean = budget_of[name] * burn / n if n else 0
			for _ in range(n):
				planned.append((self.day(p.start, p.end), name, max(100, int(mean * (0.5 + rng.random())))))
		planned.sort(key=lambda item: (item[0], names.index(item[1])))
		for day, name, cents in planned:
			rate = self.rate(p.currency, day)
			room = BUDGET_LIMIT * p.budget_usd[name] - p.spent_usd[name]
			usd = rate * cents / 100
			if usd > room:
				cents = max(1, int(room / rate * 100))
				usd = rate * cents / 100
			charged = self.chargeable(p, name, day, usd) if rng.random() < p.charge_share else None
			self.add_expenditure(p, name, day, cents, charged)

	# -- the emergency fund ------------------------------------------------------------------

	def fund_profile(self) -> _CaseProfile:
		return _CaseProfile(
			groups=(*_MIX["women"][:4], (("male", "adult"), 8)),
			citizenship=(
				"NG",
				"GH",
				"CO",
				"DO",
				"TH",
				"KH",
				"MD",
				"UA",
				"AL",
				"RO",
				"BG",
				"CN",
				"PH",
				"ID",
				"GT",
				"MX",
				"UZ",
				"NP",
				"BR",
				"KE",
			),
			assisted_in=(
				"TH",
				"RS",
				"CO",
				"GH",
				"MK",
				"BA",
				"AL",
				"UA",
				"ML",
				"NP",
				"DO",
				"ZA",
				"ID",
				"PH",
				"TR",
				"JP",
				"GT",
				"MX",
				"RU",
				"LB",
			),
			destinations=(),
			exploitation=_EXPLOITATION["mixed"],
			assistance=(("protection",), ("shelter", "medical", "return", "psychosocial", "legal")),
		)

	def add_disbursement(
		self,
		fund: _Project,
		number: int,
		case_id: str,
		office: str,
		assistance: str,
		cents: int,
		requested: date,
		status: str,
		disbursed: date | None = None,
	) -> dict[str, str]:
		row = {
			"disbursement_id": f"{fund.code}-D{number:04d}",
			"case_id": case_id,
			"field_office": office,
			"assistance_type": assistance,
			"amount": _money(cents),
			"currency": "EUR" if office in _EUROPE_OFFICES else "USD",
			"requested_date": requested.isoformat(),
			"status": status,
			"disbursed_date": disbursed.isoformat() if disbursed else "",
		}
		self.disbursements.append(row)
		return row

	def random_disbursements(self, fund: _Project, count: int, cases: list[_Case]) -> None:
		"""Case-by-case requests; never two live requests of one case for one assistance type."""
		if count and not cases:
			raise ValueError("disbursements need cases of the emergency fund")
		rng = self.rng
		used: dict[str, set[str]] = {}
		weighted = [(word, w) for word, (w, _, _) in _FUND_ASSISTANCE.items()]
		for number in range(1, count + 1):
			case = rng.choice(cases)
			taken = used.setdefault(case.id, set())
			free = [(word, w) for word, w in weighted if word not in taken]
			status = _pick(rng, _FUND_STATUS)
			if not free:
				status, free = "Rejected", weighted
			assistance = _pick(rng, free)
			if status != "Rejected":
				taken.add(assistance)
			_, low, high = _FUND_ASSISTANCE[assistance]
			cents = rng.randint(low, high) * 100 + (rng.randrange(100) if rng.random() < 0.3 else 0)
			requested = min(case.registered + timedelta(days=rng.randint(0, 45)), fund.end)
			disbursed = requested + timedelta(days=rng.randint(2, 21)) if status == "Disbursed" else None
			self.add_disbursement(
				fund,
				number,
				case.id,
				_OFFICE[case.assisted_in],
				assistance,
				cents,
				requested,
				status,
				disbursed,
			)

	def paid_and_committed_usd(self) -> Decimal:
		total = ZERO
		for row in self.disbursements:
			if row["status"] in ("Disbursed", "Approved"):
				day = date.fromisoformat(row["disbursed_date"] or row["requested_date"])
				total += self.usd(row["currency"], day, _cents(row["amount"]))
		return total

	# -- output --------------------------------------------------------------------------------

	def tables(self) -> dict[str, list[dict[str, str]]]:
		projects, modules, targets, contributions, earmarks, receipts = [], [], [], [], [], []
		for p in self.projects:
			projects.append(
				{
					"project_code": p.code,
					"title": p.title,
					"title_language": p.language,
					"region": p.region,
					"countries": ";".join(p.countries),
					"field_office": p.office,
					"start_date": p.start.isoformat(),
					"end_date": p.end.isoformat(),
					"status": p.status,
					"currency": p.currency,
					"is_emergency_fund": "1" if p.emergency else "0",
				}
			)
			modules.extend({"project_code": p.code, "module": n, "budget": _money(b)} for n, b in p.modules)
			targets.extend(p.targets)
			for c in p.contributions:
				contributions.append(
					{
						"contribution_id": c.id,
						"donor_code": c.donor,
						"project_code": p.code,
						"currency": c.currency,
						"amount": _money(c.amount),
						"pledge_date": c.pledge.isoformat(),
						"status": c.status,
					}
				)
				earmarks.extend(
					{"contribution_id": c.id, "module": m, "amount": _money(a)} for m, a in c.earmarks.items()
				)
				receipts.extend(
					{"receipt_id": r, "contribution_id": c.id, "date": d.isoformat(), "amount": _money(a)}
					for r, d, a in c.receipts
				)
		used = {c.donor for p in self.projects for c in p.contributions}
		donors = [
			{"donor_code": d.code, "name": d.name, "donor_type": d.kind, "country": d.country}
			for d in sorted(self.donors.values(), key=lambda d: d.code)
			if d.code in used
		]
		cases = [
			{
				"case_id": c.id,
				"project_code": c.project,
				"registration_date": c.registered.isoformat(),
				"gender": c.gender,
				"age_group": c.age,
				"citizenship": c.citizenship,
				"country_of_assistance": c.assisted_in,
				"exploitation": ";".join(c.exploitation),
				"assistance": ";".join(c.assistance),
				"route": ";".join(c.route),
				"field_office": _OFFICE[c.assisted_in],
			}
			for c in sorted(self.cases, key=lambda c: c.id)
		]
		rates = [
			{
				"currency": currency,
				"date": date(RATE_FIRST_YEAR + month // 12, month % 12 + 1, 1).isoformat(),
				"usd_per_unit": format(value, "f"),
			}
			for currency in CURRENCIES
			for month, value in enumerate(self.rates[currency])
		]
		return {
			"projects.csv": projects,
			"modules.csv": modules,
			"targets.csv": targets,
			"donors.csv": donors,
			"contributions.csv": contributions,
			"earmarks.csv": earmarks,
			"receipts.csv": receipts,
			"expenditures.csv": self.expenditures,
			"cases.csv": cases,
			"disbursements.csv": self.disbursements,
			"rates.csv": rates,
		}


# -- synthetic portfolios of any size ---------------------------------------------------------


def build_synthetic(
	projects: int, cases: int, expenditures: int, disbursements: int, seed: int = 7
) -> dict[str, list[dict[str, str]]]:
	"""A clean, valid portfolio of the given size (for benchmarks).

	Project 1 is the emergency fund (it receives more than it pays and commits); every
	other project is drawn by the same machinery as the demo's synthetic projects. Only
	PROJECT_UNDERFUNDED arises by nature (and TARGET_SHORTFALL when a project gets no case).
	"""
	if projects < 1:
		raise ValueError("a portfolio needs at least one project")
	g = _Generator(seed)
	g.add_donors(_DONOR_POOL)
	width = max(4, len(str(projects)))
	fund_end = date(2015, 12, 31)
	fund = g.add_project(
		_Project(
			code=f"{SYNTHETIC_PREFIX}{1:0{width}d}",
			title="Global emergency assistance fund for trafficked persons" + SYNTHETIC_SUFFIX,
			language="en",
			region="Global",
			countries=(),
			office="Geneva",
			start=date(2002, 1, 1),
			end=fund_end,
			status="Active",
			currency="USD",
			emergency=True,
			charge_share=0.0,
		),
		[("Emergency assistance", "0.00"), ("Programme management", f"{max(50_000, 40 * disbursements)}.00")],
	)
	others = [
		g.random_project(
			f"{SYNTHETIC_PREFIX}{number:0{width}d}",
			(date(2002, 1, 1), date(2012, 12, 1)),
			date(2008, 6, 30),
			(60_000.0, 400_000.0),
		)
		for number in range(2, projects + 1)
	]
	for p in others:
		g.random_contributions(p)

	fund_cases = min(cases, math.ceil(disbursements / 2)) if disbursements else 0
	linked = cases - fund_cases
	unlinked = linked // 25 if others else linked
	linked -= unlinked
	g.add_cases(fund, fund_cases, g.fund_profile(), fund.start, date(2015, 9, 30))
	weights = [float(p.total_budget_usd) for p in others]
	for p, n in zip(others, _allocate(linked, weights, minimum=1), strict=True):
		g.add_cases(p, n, g.generic_profile(p), p.start, p.end)
	g.add_cases(None, unlinked, g.fund_profile(), date(2002, 1, 1), date(2014, 12, 31))
	g.number_cases()
	for p in others:
		g.derived_targets(p)
	if fund_cases:
		g.add_target(fund, "all", max(1, fund_cases // 2))  # met: every fund case is registered in time

	g.random_disbursements(fund, disbursements, fund.cases)
	_fund_fully_funded(g, fund)

	counts = _allocate(expenditures, [float(fund.budget_usd["Programme management"]), *weights])
	g.random_expenditures(fund, counts[0], ["Programme management"])
	for p, n in zip(others, counts[1:], strict=True):
		g.random_expenditures(p, n)
	return g.tables()


def _fund_fully_funded(g: _Generator, fund: _Project) -> None:
	"""Size the fund's emergency budget and its pledges, received at its start, to cover it."""
	need = g.paid_and_committed_usd()
	budget = int(need * Decimal("1.3")) // 1000 * 1000 + 1000
	g.set_modules(fund, [["Emergency assistance", budget * 100], fund.modules[1]])
	total = fund.total_budget_usd
	for number, donor, share in ((1, "GOV-GB", Decimal("0.6")), (2, "GOV-NO", Decimal("0.4"))):
		currency = g.donors[donor].currency
		amount = g.in_currency(total * share * Decimal("1.01") + 1000, currency, fund.start, 1000)
		c = g.add_contribution(fund, number, donor, currency, amount, fund.start, "Signed")
		g.add_receipt(c, fund.start, amount)


# -- the demo -----------------------------------------------------------------------------------

_SNAPSHOT = date(2003, 6, 30)  # "A mediados de 2003": the portfolio's status date


def _named_projects(g: _Generator) -> dict[str, _Project]:
	"""The ten projects of the Annex of MC/INF/270, with the document's titles and figures."""

	def project(code, title, language, region, countries, office, start, end, currency, modules, **more):
		p = _Project(
			code=code,
			title=title,
			language=language,
			region=region,
			countries=tuple(countries.split(";")) if countries else (),
			office=office,
			start=date.fromisoformat(start),
			end=date.fromisoformat(end),
			status=more.pop("status", "Active"),
			currency=currency,
			**more,
		)
		return g.add_project(p, modules)

	named = {}
	named["GAP"] = project(
		"GLO-GAP-2003",
		"Programme of Assistance for the Protection and Reintegration of Trafficked Women and Children",
		"en",
		"Global",
		"",
		"Geneva",
		"2002-01-01",
		"2005-12-31",
		"USD",
		[
			("Emergency assistance fund (case-by-case)", "400000.00"),
			("Programme management (Geneva)", "60000.00"),
		],
		emergency=True,
		charge_share=0.0,
	)
	named["CTM"] = project(
		"GLO-CTM-2003",
		"Global Assistance Counter-Trafficking Database",
		"en",
		"Global",
		"",
		"Geneva",
		"2003-09-01",
		"2005-08-31",
		"USD",
		[
			("Integration with MiMOSA", "180000.00"),
			("Reintegration part of the database", "120000.00"),
			("Multilingual platform (English, French, Spanish)", "90000.00"),
			("Intelligence gathering functionality", "110000.00"),
			("Secure web access", "100000.00"),
		],
		status="Pipeline",
		burn=0.6,
	)
	named["GHA"] = project(
		"GHA-CT-2003",
		"Assisted Voluntary Return and Reintegration of Ghanaian Children Victims of Trafficking "
		"for Labour Exploitation in Yeji Fishing Communities",
		"en",
		"Africa",
		"GH",
		"Accra",
		"2003-06-01",
		"2005-05-31",
		"USD",
		[
			("Identification and documentation", "120000.00"),
			("Return and family reunification", "210000.00"),
			("Reintegration and schooling", "260000.00"),
			("Training of fishermen and livelihoods", "150000.00"),
			("Coordination and management", "80000.00"),
		],
	)
	named["MLI"] = project(
		"MLI-CT-2003",
		"Programme d'assistance au retour et à la réintégration des enfants maliens victimes du "
		"trafic transfrontalier entre le Mali et la Côte d'Ivoire",
		"fr",
		"Africa",
		"ML;CI",
		"Bamako",
		"2003-04-01",
		"2005-03-31",
		"EUR",
		[
			("Retour et regroupement familial", "140000.00"),
			("Réinsertion : assistance financière, psychologique et sanitaire", "180000.00"),
			("Réhabilitation des services sociaux et des infrastructures", "120000.00"),
			("Renforcement des capacités", "90000.00"),
		],
	)
	named["DOM"] = project(
		"DOM-CT-2003-P3",
		"Prevention and Combat of Trafficking in Persons in the Dominican Republic - Phase 3",
		"en",
		"Americas and the Caribbean",
		"DO;HT",
		"Santo Domingo",
		"2003-05-01",
		"2004-10-31",
		"USD",
		[
			("Victim assistance and reintegration", "220000.00"),
			("Institutional capacity building", "160000.00"),
			("Public information on internal and Haitian trafficking", "90000.00"),
			("Coordination and management", "55000.00"),
		],
	)
	named["COL"] = project(
		"COL-CT-2003",
		"Programa de Prevención, Asistencia y Reinserción para las Víctimas de la Trata de Personas "
		"en Colombia. Módulo de Asistencia a Víctimas de la Trata",
		"es",
		"Americas and the Caribbean",
		"CO",
		"Bogotá",
		"2003-03-01",
		"2005-02-28",
		"USD",
		[
			("1-Fortalecimiento Institucional", "250000.00"),
			("2-Reinserción de las víctimas", "400000.00"),
			("3-Sensibilización sobre la Trata", "200000.00"),
			("4-Investigación", "150000.00"),
		],
		burn=0.5,
	)
	named["MEK"] = project(
		"MEK-CT-2003",
		"Return and Reintegration of Trafficked and other Vulnerable Women and Children between "
		"Selected Countries in the Mekong Region",
		"en",
		"Asia",
		"KH;TH;VN;LA;MM;CN",
		"Bangkok",
		"2003-07-01",
		"2006-06-30",
		"USD",
		[
			("Return and reintegration assistance", "1150000.00"),
			("Capacity building of government and NGO partners", "420000.00"),
			("Research and mapping of networks and routes", "260000.00"),
			("National and regional seminars and workshops", "180000.00"),
			("Coordination and management", "290000.00"),
		],
	)
	named["NPL"] = project(
		"NPL-CT-2003",
		"Pilot Project on Assisted Return and Integration of Trafficked Women and Children in Nepal",
		"en",
		"Asia",
		"NP;IN",
		"Kathmandu",
		"2003-04-01",
		"2004-09-30",
		"USD",
		[
			("Return and integration assistance", "95000.00"),
			("Best practices and research", "35000.00"),
			("Coordination and management", "30000.00"),
		],
	)
	named["WBK"] = project(
		"WBK-CT-2003",
		"Programme of Assistance for the Protection, Return and Reintegration of Trafficked Women and "
		"Children in the Western Balkans and Main Countries of Origin",
		"en",
		"Europe",
		"AL;BA;HR;MK;RS;MD;RO;UA;BG",
		"Belgrade",
		"2003-06-01",
		"2004-05-31",
		"EUR",
		[
			("Pre-departure counselling and return", "480000.00"),
			("Shelter, medical and social services", "520000.00"),
			("Reintegration, vocational training and employment", "410000.00"),
			("Data collection (CTM database)", "90000.00"),
			("Coordination and management", "150000.00"),
		],
	)
	named["MDA"] = project(
		"MDA-CT-2003",
		"Combating Trafficking in Human Beings: Republic of Moldova",
		"en",
		"Europe",
		"MD",
		"Chișinău",
		"2003-01-01",
		"2004-12-31",
		"USD",
		[
			("Prevention: public awareness", "240000.00"),
			("Prosecution: law enforcement and judiciary", "210000.00"),
			("Protection and reintegration: micro-enterprises", "380000.00"),
			("Coordination and management", "95000.00"),
		],
	)

	# Colombia: the document's budget and donors, and no other live contribution.
	col = named["COL"]
	modules = [name for name, _ in col.modules]
	netherlands = g.add_contribution(
		col,
		1,
		"NLD-EMB",
		"USD",
		_cents("584936.00"),
		date(2003, 2, 14),
		"Signed",
		{modules[0]: _cents("245000.00"), modules[2]: _cents("190000.00"), modules[3]: _cents("149936.00")},
	)
	g.add_receipt(netherlands, date(2003, 3, 20), _cents("300000.00"))
	g.add_receipt(netherlands, date(2004, 2, 16), _cents("284936.00"))
	united_states = g.add_contribution(
		col,
		2,
		"USA-DOS",
		"USD",
		_cents("200000.00"),
		date(2003, 4, 10),
		"Signed",
		{modules[1]: _cents("200000.00")},
	)
	g.add_receipt(united_states, date(2003, 6, 2), _cents("120000.00"))
	g.add_receipt(united_states, date(2004, 5, 3), _cents("80000.00"))
	for key in ("CTM", "GHA", "MLI", "DOM", "MEK", "NPL", "WBK", "MDA"):
		g.random_contributions(named[key])
	return named


def _named_cases(g: _Generator, named: dict[str, _Project]) -> None:
	def profile(groups, citizenship, assisted_in, destinations, exploitation, base, extra):
		return _CaseProfile(
			groups=groups,
			citizenship=citizenship,
			assisted_in=assisted_in,
			destinations=destinations,
			exploitation=exploitation,
			assistance=(base, extra),
			exact=True,
		)

	p = named["GHA"]  # 1,213 school-age children to reunite with their families
	g.add_cases(
		p,
		0,
		profile(
			((("male", "child"), 820), (("female", "child"), 416)),
			("GH",),
			("GH",),
			(),
			(("forced_labour", 1),),
			("return", "reintegration"),
			("education", "medical", "psychosocial"),
		),
		p.start,
		p.end - timedelta(days=60),
	)
	p = named["MEK"]  # 900 women and children over three years, mostly back to Cambodia
	g.add_cases(
		p,
		0,
		profile(
			(
				(("female", "adult"), 562),
				(("female", "child"), 248),
				(("male", "child"), 112),
				(("male", "adult"), 26),
			),
			("KH",) * 6 + ("VN", "VN", "LA", "MM"),
			("TH",) * 5 + ("VN", "VN", "KH", "KH", "KH"),
			("TH", "VN", "MY"),
			(("sexual_exploitation", 60), ("forced_labour", 25), ("forced_begging", 15)),
			("return", "reintegration"),
			("shelter", "medical", "psychosocial", "education", "livelihood"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["NPL"]  # 60 women and children trafficked to India
	g.add_cases(
		p,
		0,
		profile(
			((("female", "adult"), 38), (("female", "child"), 25)),
			("NP",),
			("NP",),
			("IN",),
			(("sexual_exploitation", 85), ("forced_labour", 15)),
			("return", "reintegration"),
			("medical", "psychosocial", "livelihood"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["MLI"]
	g.add_cases(
		p,
		0,
		profile(
			((("male", "child"), 120), (("female", "child"), 65)),
			("ML",),
			("ML",),
			("CI",),
			(("forced_labour", 90), ("forced_begging", 10)),
			("return", "reintegration"),
			("medical", "psychosocial", "livelihood"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["DOM"]
	g.add_cases(
		p,
		0,
		profile(
			((("female", "adult"), 52), (("female", "child"), 14), (("male", "adult"), 6)),
			("DO", "DO", "DO", "HT", "HT"),
			("DO",),
			("AR", "CR", "PA"),
			(("sexual_exploitation", 70), ("forced_labour", 20), ("forced_begging", 10)),
			("protection",),
			("shelter", "medical", "legal", "reintegration"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["COL"]
	g.add_cases(
		p,
		0,
		profile(
			((("female", "adult"), 74), (("female", "child"), 9), (("male", "adult"), 13)),
			("CO",),
			("CO",),
			("ES", "JP", "NL", "EC", "PA"),
			(("sexual_exploitation", 75), ("forced_labour", 15), ("forced_marriage", 10)),
			("reintegration",),
			("return", "psychosocial", "medical", "legal", "livelihood"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["WBK"]
	g.add_cases(
		p,
		0,
		profile(
			((("female", "adult"), 372), (("female", "child"), 48), (("male", "adult"), 10)),
			("MD",) * 4 + ("RO", "RO", "UA", "UA", "BG", "AL", "AL", "RS"),
			("BA", "BA", "BA", "RS", "RS", "MK", "MK", "MK", "AL"),
			("IT", "GR"),
			(("sexual_exploitation", 85), ("forced_labour", 10), ("forced_begging", 5)),
			("return",),
			("shelter", "medical", "psychosocial", "reintegration", "education"),
		),
		p.start,
		p.end - timedelta(days=15),
	)
	p = named["MDA"]
	g.add_cases(
		p,
		0,
		profile(
			((("female", "adult"), 196), (("female", "child"), 19)),
			("MD",),
			("MD",),
			("TR", "RU", "AE", "BA", "IL", "IT"),
			(("sexual_exploitation", 85), ("forced_labour", 15)),
			("reintegration",),
			("protection", "medical", "psychosocial", "livelihood", "legal"),
		),
		p.start,
		p.end - timedelta(days=30),
	)
	p = named["GAP"]
	fund = g.fund_profile()
	g.add_cases(
		p,
		0,
		_CaseProfile(
			groups=(
				(("female", "adult"), 150),
				(("female", "child"), 50),
				(("male", "child"), 20),
				(("male", "adult"), 20),
			),
			citizenship=fund.citizenship,
			assisted_in=fund.assisted_in,
			destinations=fund.destinations,
			exploitation=fund.exploitation,
			assistance=fund.assistance,
			exact=True,
		),
		p.start,
		date(2005, 10, 31),
	)


# Synthetic projects shaped so that a planted row has room (or none) where it needs it.
_PLANT_PROFILES = {
	7: {
		"currency": "EUR",
		"start": date(2002, 9, 1),
		"end": date(2004, 8, 31),
		"status": "Active",
		"burn": 0.4,
		"modules": (
			("Coordination and management", "45000.00"),
			("Direct assistance to victims", "120000.00"),
			("Shelter and protection", "70000.00"),
		),
	},
	15: {
		"currency": "USD",
		"start": date(2002, 11, 1),
		"end": date(2004, 10, 31),
		"status": "Active",
		"burn": 0.4,
		"modules": (
			("Coordination and management", "50000.00"),
			("Direct assistance to victims", "150000.00"),
			("Return and reintegration", "90000.00"),
		),
	},
	23: {
		"currency": "CHF",
		"start": date(2003, 1, 1),
		"end": date(2004, 12, 31),
		"status": "Active",
		"burn": 0.4,
		"modules": (
			("Coordination and management", "60000.00"),
			("Direct assistance to victims", "160000.00"),
			("Awareness raising", "80000.00"),
		),
	},
	31: {"currency": "USD", "start": date(2002, 10, 1), "end": date(2004, 9, 30), "status": "Active"},
	42: {
		"currency": "USD",
		"start": date(2002, 7, 1),
		"end": date(2004, 6, 30),
		"status": "Active",
		"burn": 0.45,
		"modules": (
			("Coordination and management", "40000.00"),
			("Direct assistance to victims", "130000.00"),
			("Capacity building", "60000.00"),
		),
	},
	50: {
		"currency": "USD",
		"start": date(2002, 4, 1),
		"end": date(2003, 3, 31),
		"status": "Closed",
		"burn": 0.5,
	},
	61: {"start": date(2002, 3, 1), "end": date(2004, 2, 29), "status": "Active", "focus": "mixed"},
}
_PLANT_CASES = {61: 12}  # a caseload far below its first-year target


def build_demo() -> dict[str, list[dict[str, str]]]:
	"""The demo bundle: cell texts per file, all eleven files."""
	g = _Generator(DEMO_SEED)
	g.add_donors(_DONOR_POOL + _DEMO_DONORS)
	named = _named_projects(g)
	synthetic = [
		g.random_project(
			f"{SYNTHETIC_PREFIX}{number:03d}",
			(date(2002, 1, 1), date(2003, 10, 1)),
			_SNAPSHOT,
			(60_000.0, 400_000.0),
			**_PLANT_PROFILES.get(number, {}),
		)
		for number in range(1, 76)
	]
	for p in synthetic:
		g.random_contributions(p)

	_named_cases(g, named)
	counts = _allocate(2300, [float(p.total_budget_usd) for p in synthetic], minimum=5)
	for number, (p, n) in enumerate(zip(synthetic, counts, strict=True), start=1):
		g.add_cases(p, _PLANT_CASES.get(number, n), g.generic_profile(p), p.start, p.end)
	g.add_cases(None, 120, g.fund_profile(), date(2002, 1, 1), date(2005, 12, 31))
	g.number_cases()
	for p in synthetic:
		g.derived_targets(p)
	ghana, mekong, nepal = named["GHA"], named["MEK"], named["NPL"]
	g.add_target(ghana, "children", 1213, "return")
	g.add_target(mekong, "women_and_children", 900, None, (mekong.start, mekong.end))
	g.add_target(nepal, "women_and_children", 60)

	gap = named["GAP"]
	g.random_disbursements(gap, 310, gap.cases)
	_plant_disbursements(g, gap)
	_fund_short_of_cash(g, gap)

	spending = {
		"COL": 90,
		"GHA": 70,
		"MLI": 60,
		"DOM": 50,
		"MEK": 160,
		"NPL": 25,
		"WBK": 110,
		"MDA": 80,
		"CTM": 45,
	}
	g.random_expenditures(gap, 30, ["Programme management (Geneva)"])
	for key, count in spending.items():
		g.random_expenditures(named[key], count)
	counts = _allocate(2600, [float(p.total_budget_usd) for p in synthetic])
	for p, n in zip(synthetic, counts, strict=True):
		g.random_expenditures(p, n)
	_plant_money(g, {int(p.code.removeprefix(SYNTHETIC_PREFIX)): p for p in synthetic})
	return g.tables()


def _plant_disbursements(g: _Generator, gap: _Project) -> None:
	# UNMATCHED_DISBURSEMENT: paid against a case number that is not in the caseload.
	g.add_disbursement(
		gap,
		9001,
		"CTM-904512",
		"Bangkok",
		"return",
		_cents("1180.00"),
		date(2004, 3, 2),
		"Disbursed",
		date(2004, 3, 9),
	)
	# DUPLICATE_DISBURSEMENT: a second office asks again for a case's return already paid.
	first = next(
		r for r in g.disbursements if r["status"] == "Disbursed" and r["assistance_type"] == "return"
	)
	office = "Skopje" if first["field_office"] != "Skopje" else "Tirana"
	requested = date.fromisoformat(first["requested_date"]) + timedelta(days=24)
	g.add_disbursement(
		gap, 9002, first["case_id"], office, "return", _cents(first["amount"]), requested, "Approved"
	)


def _fund_short_of_cash(g: _Generator, gap: _Project) -> None:
	"""FUND_OVERDRAWN: fully pledged, but the second Norwegian tranche never arrived."""
	need = g.paid_and_committed_usd()
	budget = gap.total_budget_usd
	_require(budget >= need * Decimal("1.2"), "the fund's budget should exceed what it pays and commits")
	uk_pledge = date(2002, 1, 15)
	uk = g.add_contribution(
		gap,
		1,
		"GOV-GB",
		"GBP",
		g.in_currency(need * Decimal("0.6"), "GBP", uk_pledge, 1000),
		uk_pledge,
		"Signed",
	)
	g.add_receipt(uk, date(2002, 2, 1), uk.amount // 2)
	g.add_receipt(uk, date(2003, 2, 3), uk.amount - uk.amount // 2)
	no_pledge, no_paid = date(2002, 11, 20), date(2003, 1, 15)
	norway = g.add_contribution(
		gap,
		2,
		"GOV-NO",
		"NOK",
		g.in_currency(budget - uk.pledge_usd, "NOK", no_pledge, 1000) + 100000,
		no_pledge,
		"Signed",
	)
	first_tranche = need * Decimal("0.92") - uk.receipt_sums[-1]
	g.add_receipt(norway, no_paid, g.in_currency(first_tranche, "NOK", no_paid, 1000))
	received = uk.receipt_sums[-1] + norway.receipt_sums[-1]
	_require(
		received < need <= budget <= norway.pledge_usd + uk.pledge_usd, "the fund: pledged, short of cash"
	)


def _plant_money(g: _Generator, syn: dict[int, _Project]) -> None:
	"""The planted contribution, expenditure and target findings (see demo_data/README.md)."""
	coordination, direct = _CORE_MODULES

	def assert_within(p: _Project, *modules: str) -> None:
		for module in modules:
			_require(p.spent_usd[module] <= p.budget_usd[module], f"planting overspent {p.code}/{module}")

	# EARMARK_BREACH: coordination costs charged to a grant earmarked for direct assistance.
	p = syn[7]
	c = g.add_contribution(
		p, 9, "EU-EC", "EUR", _cents("60000.00"), date(2002, 10, 15), "Signed", {direct: _cents("60000.00")}
	)
	g.add_receipt(c, date(2002, 11, 20), _cents("60000.00"))
	g.add_expenditure(p, direct, date(2003, 3, 12), _cents("21400.00"), c, 9001)
	g.add_expenditure(p, coordination, date(2003, 6, 18), _cents("7850.00"), c, 9002)
	assert_within(p, direct, coordination)
	_require(c.earmark_used[direct] <= c.earmark_usd[direct], "EARMARK_BREACH on the earmarked module")
	_require(c.charged_usd <= c.received_by(date(2003, 6, 18)), "EARMARK_BREACH plant ahead of cash")

	# SPENT_BEYOND_PLEDGE: spending kept being charged to a grant already used up.
	p = syn[15]
	c = g.add_contribution(p, 9, "GOV-JP", "JPY", _cents("3000000.00"), date(2003, 1, 20), "Signed")
	g.add_receipt(c, date(2003, 3, 5), _cents("2400000.00"))
	g.add_expenditure(p, direct, date(2003, 5, 14), _cents("15800.00"), c, 9001)
	g.add_expenditure(p, "Return and reintegration", date(2003, 9, 9), _cents("16400.00"), c, 9002)
	assert_within(p, direct, "Return and reintegration")
	_require(c.charged_usd > c.pledge_usd, "SPENT_BEYOND_PLEDGE not beyond the pledge")

	# SPENT_AHEAD_OF_CASH: spent beyond the first tranche, within the pledge.
	p = syn[23]
	c = g.add_contribution(p, 9, "GOV-CH", "CHF", _cents("90000.00"), date(2003, 2, 3), "Signed")
	g.add_receipt(c, date(2003, 3, 10), _cents("30000.00"))
	g.add_expenditure(p, direct, date(2003, 5, 6), _cents("24000.00"), c, 9001)
	g.add_expenditure(p, "Awareness raising", date(2003, 8, 19), _cents("19500.00"), c, 9002)
	assert_within(p, direct, "Awareness raising")
	_require(c.received_by(date(2026, 12, 3)) < c.charged_usd <= c.pledge_usd, "SPENT_AHEAD_OF_CASH")

	# RECEIPT_EXCEEDS_PLEDGE: the second tranche paid in full instead of the balance.
	p = syn[31]
	c = g.add_contribution(p, 9, "GOV-NO", "NOK", _cents("400000.00"), date(2002, 11, 5), "Signed")
	g.add_receipt(c, date(2002, 12, 12), _cents("250000.00"))
	g.add_receipt(c, date(2003, 6, 30), _cents("250000.00"))

	# MODULE_OVER_BUDGET: staff costs of an unbudgeted extension booked on coordination.
	p = syn[42]
	g.add_expenditure(p, coordination, date(2004, 5, 28), _cents("31500.00"), None, 9001)
	_require(p.spent_usd[coordination] > p.budget_usd[coordination], "MODULE_OVER_BUDGET not over")

	# EXPENDITURE_OUTSIDE_PERIOD: an audit fee booked seven weeks after the project ended.
	p = syn[50]
	g.add_expenditure(p, coordination, date(2003, 5, 20), _cents("3200.00"), None, 9001)
	assert_within(p, coordination)

	# TARGET_SHORTFALL: a first-year target far above the project's caseload.
	p = syn[61]
	g.add_target(p, "women_and_children", 120, None, (p.start, _add_months(p.start, 12) - timedelta(days=1)))
	_require(len(p.cases) < 120, "TARGET_SHORTFALL target met")


def write_demo(folder) -> list[Path]:
	"""Write the demo bundle's eleven CSV files into ``folder``."""
	return write_csv_bundle(build_demo(), folder)


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(
		prog="python -m ctm_portfolio.engine.demo", description="Regenerate the demo portfolio's CSV files."
	)
	parser.add_argument(
		"--out", default=str(DEMO_DIR), metavar="DIR", help=f"folder to write to (default: {DEMO_DIR})"
	)
	args = parser.parse_args(argv)
	written = write_demo(args.out)
	print(f"wrote {len(written)} files to {args.out}")
	return 0


if __name__ == "__main__":
	raise SystemExit(main())
