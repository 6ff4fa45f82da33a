"""Reconciliation of a validated bundle as of a date (docs: portfolio-bundle.md).

Exactness: pandas groups and joins integer cents (exact in int64); each group's
cents are multiplied by its exchange rate as a Decimal and summed in Python, so
sum(amount_i x rate_i) is computed exactly. Every reported figure is rounded once,
half-up, to cents, after summing (see :mod:`.money`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from . import spec
from .bundle import Bundle
from .money import CENT, CONTEXT, RATE_PLACES, ZERO, exact_context, round_cents

ERROR, WARNING = "error", "warning"
RATE_SCALE = 10  # rates have at most 10 decimal places
SEVERITY_RANK = {WARNING: 1, ERROR: 2}

FINDINGS: dict[str, tuple[str, str]] = {
	# code: (severity, what it means; shown in the workbook and the desk)
	"EARMARK_BREACH": (
		ERROR,
		"spending charged to an earmarked contribution on a module exceeds the earmark",
	),
	"SPENT_BEYOND_PLEDGE": (ERROR, "spending charged to a contribution exceeds its pledge"),
	"SPENT_AHEAD_OF_CASH": (WARNING, "spending charged to a contribution exceeds what it has received"),
	"RECEIPT_EXCEEDS_PLEDGE": (WARNING, "receipts exceed the contribution's amount"),
	"MODULE_OVER_BUDGET": (ERROR, "a module's spending exceeds its budget"),
	"PROJECT_UNDERFUNDED": (WARNING, "an active project's pledges fall short of its budget"),
	"EXPENDITURE_OUTSIDE_PERIOD": (WARNING, "an expenditure is dated outside the project's period"),
	"UNMATCHED_DISBURSEMENT": (ERROR, "an approved or disbursed payment names no registered case"),
	"DUPLICATE_DISBURSEMENT": (WARNING, "more than one request for the same case and assistance type"),
	"FUND_OVERDRAWN": (ERROR, "the emergency fund has paid and committed more than it received"),
	"TARGET_SHORTFALL": (WARNING, "a target's period has ended with fewer people assisted than targeted"),
}

MONEY_FIGURES = (
	"budget_usd",
	"pledged_usd",
	"received_usd",
	"outstanding_usd",
	"spent_usd",
	"funding_gap_usd",
	"cash_balance_usd",
)

DONOR_FIGURES = ("pledged_usd", "received_usd", "outstanding_usd", "spent_usd")

# The columns of each frame that reconciliation reads. A caller that builds a Bundle's frames
# itself (from a database, say) provides these, in the frames' forms (dates as day ordinals,
# -1 for none; money as integer cents; lists as tuples; rates as Decimals; None for "not given").
FRAME_COLUMNS: dict[str, tuple[str, ...]] = {
	"projects.csv": (
		"project_code",
		"title",
		"title_language",
		"region",
		"start_date",
		"end_date",
		"status",
		"currency",
		"is_emergency_fund",
	),
	"modules.csv": ("project_code", "module", "budget_cents"),
	"targets.csv": (
		"project_code",
		"beneficiary_group",
		"assistance_type",
		"target",
		"period_start",
		"period_end",
	),
	"donors.csv": ("donor_code", "name", "donor_type"),
	"contributions.csv": (
		"contribution_id",
		"donor_code",
		"project_code",
		"currency",
		"amount_cents",
		"pledge_date",
		"status",
	),
	"earmarks.csv": ("contribution_id", "module", "amount_cents"),
	"receipts.csv": ("contribution_id", "date", "amount_cents"),
	"expenditures.csv": (
		"expenditure_id",
		"project_code",
		"module",
		"date",
		"amount_cents",
		"currency",
		"contribution_id",
	),
	"cases.csv": ("case_id", "project_code", "registration_date", "gender", "age_group", "assistance"),
	"disbursements.csv": (
		"disbursement_id",
		"case_id",
		"field_office",
		"assistance_type",
		"amount_cents",
		"currency",
		"requested_date",
		"status",
		"disbursed_date",
	),
	"rates.csv": ("currency", "date", "usd_per_unit"),
}


@dataclass(frozen=True)
class Finding:
	code: str
	entity: str
	id: str
	template: str
	params: dict = field(default_factory=dict, compare=False, hash=False)
	amount_usd: Decimal | None = None

	@property
	def severity(self) -> str:
		return FINDINGS[self.code][0]

	@property
	def message(self) -> str:
		return self.template.format(**self.params)

	def as_dict(self, details: bool = False) -> dict:
		out = {
			"code": self.code,
			"severity": self.severity,
			"entity": self.entity,
			"id": self.id,
			"message": self.message,
			"amount_usd": self.amount_usd,
		}
		if details:
			out["template"] = self.template
			out["params"] = dict(self.params)
		return out


class Rates:
	"""Exchange rates: the rate in force on a value date is the latest on or before it."""

	def __init__(self, frame: pd.DataFrame):
		rates = frame[frame["currency"] != "USD"].sort_values(["date", "currency"], kind="stable")
		self.values: list[Decimal] = [Decimal(1), *rates["usd_per_unit"].tolist()]
		# The same rates as exact integers in units of 1e-10 (a rate has at most 10 places).
		self.scaled: list[int] = [int(v.scaleb(RATE_SCALE)) for v in self.values]
		self.table = pd.DataFrame(
			{
				"currency": rates["currency"].to_numpy(dtype=object),
				"day": rates["date"].to_numpy(dtype=np.int64),
				"ridx": np.arange(1, len(rates) + 1, dtype=np.int64),
			}
		)

	def index(self, currency: pd.Series, day) -> np.ndarray:
		"""Index into ``values`` of the rate for each (currency, day); USD is index 0."""
		out = np.zeros(len(currency), dtype=np.int64)
		currency = np.asarray(currency, dtype=object)
		day = np.broadcast_to(np.asarray(day, dtype=np.int64), (len(currency),))
		foreign = np.flatnonzero(currency != "USD")
		if len(foreign) == 0:
			return out
		left = pd.DataFrame({"currency": currency[foreign], "day": day[foreign], "pos": foreign})
		left = left.sort_values("day", kind="stable")
		merged = pd.merge_asof(left, self.table, on="day", by="currency", direction="backward")
		if merged["ridx"].isna().any():
			raise ValueError("a money row has no rate on or before its value date")  # validation forbids it
		out[merged["pos"].to_numpy()] = merged["ridx"].to_numpy(dtype=np.int64)
		return out

	def usd(self, ridx: int, cents: int) -> Decimal:
		return self.values[ridx] * cents / 100


def reconcile(bundle: Bundle, as_of: date, *, details: bool = False) -> dict:
	"""Every figure and finding of the contract, as a dict of Decimals (rounded once).

	``details=True`` adds what the contract's output does not carry, for callers that show
	more (the Frappe reports): ``contributions`` (one row per contribution that counts, see
	:meth:`_Reconciliation._contribution_rows`); ``donor_totals`` (the donors' figures summed
	exactly, rounded once); ``earmarked_usd`` of each project, region and the portfolio (exact
	sums of the modules', rounded once); each module's ``burn_rate``
	(spent / budget, 4 places, None when the budget is 0, as a project's); and each finding's
	translatable ``template`` and its ``params`` (``message`` is the two combined). Every
	other figure is the same either way.
	"""
	with exact_context():
		return _Reconciliation(bundle, as_of, details=details).result()


class _Reconciliation:
	def __init__(self, bundle: Bundle, as_of: date, details: bool = False):
		self.as_of = as_of
		self.details = details
		self.day = as_of.toordinal()
		frames = bundle.frames
		self.rates = Rates(frames["rates.csv"])
		self.findings: list[Finding] = []
		self._rate_cache: dict[tuple[str, int], Decimal] = {}

		self.projects = frames["projects.csv"].set_index("project_code", drop=False)
		self.modules = frames["modules.csv"]
		self.targets = frames["targets.csv"]
		self.donors = frames["donors.csv"]

		contributions = frames["contributions.csv"]
		self.all_contributions = contributions.set_index("contribution_id")
		live = contributions[
			(contributions["status"] != "Cancelled") & (contributions["pledge_date"] <= self.day)
		]
		self.contributions = live.assign(
			cents=live["amount_cents"], ridx=self.rates.index(live["currency"], live["pledge_date"])
		)
		by_id = self.contributions.set_index("contribution_id")

		earmarks = frames["earmarks.csv"]
		earmarks = earmarks[earmarks["contribution_id"].isin(by_id.index)]
		owner = by_id.loc[earmarks["contribution_id"]]
		self.earmarks = earmarks.assign(
			project_code=owner["project_code"].to_numpy(),
			cents=earmarks["amount_cents"].to_numpy(),
			ridx=owner["ridx"].to_numpy(),
		)

		receipts = frames["receipts.csv"]
		receipts = receipts[
			(receipts["date"] <= self.day) & receipts["contribution_id"].isin(self.all_contributions.index)
		]
		owner = self.all_contributions.loc[receipts["contribution_id"]]
		receipts = receipts.assign(
			project_code=owner["project_code"].to_numpy(),
			donor_code=owner["donor_code"].to_numpy(),
			currency=owner["currency"].to_numpy(),
			status=owner["status"].to_numpy(),
		)
		receipts = receipts[receipts["status"] != "Cancelled"]
		self.receipts = receipts.assign(
			cents=receipts["amount_cents"], ridx=self.rates.index(receipts["currency"], receipts["date"])
		)

		expenditures = frames["expenditures.csv"]
		expenditures = expenditures[expenditures["date"] <= self.day]
		self.expenditures = expenditures.assign(
			cents=expenditures["amount_cents"],
			ridx=self.rates.index(expenditures["currency"], expenditures["date"]),
		)
		# Spending charged to a contribution that counts (not cancelled, pledged by the as-of date).
		self.charged = self.expenditures[self.expenditures["contribution_id"].isin(by_id.index)].assign(
			donor_code=lambda x: by_id["donor_code"].reindex(x["contribution_id"]).to_numpy()
		)

		cases = frames["cases.csv"]
		self.cases = cases[cases["registration_date"] <= self.day]

		disbursements = frames["disbursements.csv"]
		value_day = np.where(
			disbursements["status"] == "Disbursed",
			disbursements["disbursed_date"],
			disbursements["requested_date"],
		)
		disbursements = disbursements.assign(value_day=value_day)
		disbursements = disbursements[disbursements["value_day"] <= self.day]
		self.disbursements = disbursements.assign(
			cents=disbursements["amount_cents"],
			ridx=self.rates.index(disbursements["currency"], disbursements["value_day"]),
		)

	# -- exact sums -------------------------------------------------------------------

	def usd_by(self, frame: pd.DataFrame, keys: list[str]) -> dict:
		"""Exact USD totals of ``frame`` grouped by ``keys`` (a key is a tuple when keys > 1)."""
		if frame.empty:
			return {}
		grouped = frame.groupby([*keys, "ridx"], sort=False)["cents"].sum()
		scaled = self.rates.scaled
		ridx = grouped.index.get_level_values(-1).tolist()
		group_keys = (
			grouped.index.get_level_values(0).tolist()
			if len(keys) == 1
			else grouped.index.droplevel(-1).tolist()
		)
		# Python integers: cents x rate in units of 1e-12 USD, exact at any size.
		totals: dict = {}
		for key, rate, cents in zip(group_keys, ridx, grouped.tolist(), strict=True):
			totals[key] = totals.get(key, 0) + scaled[rate] * cents
		return {key: Decimal(total).scaleb(-2 - RATE_SCALE) for key, total in totals.items()}

	def cents_by(self, frame: pd.DataFrame, key: str, column: str = "cents") -> dict:
		if frame.empty:
			return {}
		return {k: int(v) for k, v in frame.groupby(key, sort=False)[column].sum().items()}

	def rate_at(self, currency: str, day: int) -> Decimal:
		key = (currency, day)
		if key not in self._rate_cache:
			self._rate_cache[key] = self.rates.values[int(self.rates.index(pd.Series([currency]), day)[0])]
		return self._rate_cache[key]

	def finding(
		self, code: str, entity: str, id_: str, template: str, amount: Decimal | None = None, /, **params
	):
		self.findings.append(
			Finding(code, entity, id_, template, params, None if amount is None else round_cents(amount))
		)

	# -- the figures --------------------------------------------------------------------

	def result(self) -> dict:
		project_currency = self.projects["currency"]
		modules = self.modules.assign(
			cents=self.modules["budget_cents"],
			ridx=self.rates.index(
				project_currency.reindex(self.modules["project_code"]).to_numpy(),
				self.projects["start_date"].reindex(self.modules["project_code"]).to_numpy(),
			),
		)
		budget_by_module = self.usd_by(modules, ["project_code", "module"])
		earmarked_by_module = self.usd_by(self.earmarks, ["project_code", "module"])
		spent_by_module = self.usd_by(self.expenditures, ["project_code", "module"])
		budget = _roll(budget_by_module)
		pledged = self.usd_by(self.contributions, ["project_code"])
		received = self.usd_by(self.receipts, ["project_code"])
		spent = _roll(spent_by_module)
		outstanding, outstanding_by_donor, outstanding_by_contribution = self._outstanding()
		# case_id is unique in the caseload: a count of rows is a count of distinct cases
		cases_by_project = self.cases["project_code"].value_counts()

		projects = []
		for p in self.projects.sort_index().to_dict("records"):
			code = p["project_code"]
			b, pl, rc, sp = (d.get(code, ZERO) for d in (budget, pledged, received, spent))
			assisted = int(cases_by_project.get(code, 0))
			gap = max(b - pl, ZERO)
			figures = {
				"project_code": code,
				"title": p["title"],
				"title_language": p["title_language"],
				"region": p["region"],
				"status": p["status"],
				"currency": p["currency"],
				"is_emergency_fund": bool(p["is_emergency_fund"]),
				"budget_usd": b,
				"pledged_usd": pl,
				"received_usd": rc,
				"outstanding_usd": outstanding.get(code, ZERO),
				"spent_usd": sp,
				"funding_gap_usd": gap,
				"cash_balance_usd": rc - sp,
				"burn_rate": (sp / b).quantize(RATE_PLACES) if b else None,
				"cases_assisted": assisted,
				"cost_per_beneficiary_usd": sp / assisted if assisted else None,
			}
			if p["status"] == "Active" and round_cents(gap) > 0:
				self.finding(
					"PROJECT_UNDERFUNDED",
					"project",
					code,
					"project {project}: pledges of {pledged} USD fall {gap} USD short of the budget of {budget} USD",
					gap,
					project=code,
					pledged=f"{round_cents(pl):.2f}",
					gap=f"{round_cents(gap):.2f}",
					budget=f"{round_cents(b):.2f}",
				)
			projects.append(figures)

		module_rows = defaultdict(list)
		for (code, module), module_budget in sorted(budget_by_module.items()):
			module_spent = spent_by_module.get((code, module), ZERO)
			module_rows[code].append(
				{
					"module": module,
					"budget_usd": module_budget,
					"earmarked_usd": earmarked_by_module.get((code, module), ZERO),
					"spent_usd": module_spent,
				}
			)
			if module_spent > module_budget:
				self.finding(
					"MODULE_OVER_BUDGET",
					"module",
					f"{code}/{module}",
					"module {module} of {project}: spent {spent} USD against a budget of {budget} USD",
					module_spent - module_budget,
					module=module,
					project=code,
					spent=f"{round_cents(module_spent):.2f}",
					budget=f"{round_cents(module_budget):.2f}",
				)
		target_rows = self._targets()
		for figures in projects:
			figures["modules"] = module_rows.get(figures["project_code"], [])
			figures["targets"] = target_rows.get(figures["project_code"], [])
			if self.details:
				figures["earmarked_usd"] = sum((m["earmarked_usd"] for m in figures["modules"]), ZERO)
				for m in figures["modules"]:
					b, sp = m["budget_usd"], m["spent_usd"]
					m["burn_rate"] = (sp / b).quantize(RATE_PLACES) if b else None
		extra = ("earmarked_usd",) if self.details else ()

		self._contribution_findings()
		self._expenditure_findings()
		fund = self._emergency_fund(received)
		self._disbursement_findings()

		result = {
			"as_of": self.as_of,
			"currency": "USD",
			"portfolio": _roll_up(projects, extra),
			"regions": [
				{"region": region, **_roll_up([p for p in projects if p["region"] == region], extra)}
				for region in sorted({p["region"] for p in projects})
			],
			"projects": projects,
			"donors": (donors := self._donors(outstanding_by_donor)),
			"emergency_fund": fund,
			"findings": [
				f.as_dict(self.details) for f in sorted(self.findings, key=lambda f: (f.code, f.id))
			],
		}
		if self.details:
			result["contributions"] = self._contribution_rows(outstanding_by_contribution)
			result["donor_totals"] = {
				figure: sum((d[figure] for d in donors), ZERO) for figure in DONOR_FIGURES
			}
		return _round_figures(result)

	def _contribution_rows(self, outstanding: dict) -> list[dict]:
		"""One row per contribution that counts as of the date (details): not cancelled, and
		pledged by then or with receipts by then (a receipt counts by its own date). Its figures
		are those that make up its project's and its donor's."""
		pledged, received, spent = self._by_contribution
		earmarked = self.usd_by(self.earmarks, ["contribution_id"])
		counted = set(self.contributions["contribution_id"]) | set(self.receipts["contribution_id"])
		c = self.all_contributions
		c = c[c.index.isin(counted)].sort_index()
		return [
			{
				"contribution_id": cid,
				"donor_code": donor,
				"project_code": project,
				"currency": currency,
				"status": status,
				"pledge_date": date.fromordinal(int(day)),
				"amount": Decimal(int(cents)).scaleb(-2),
				"pledged_usd": pledged.get(cid, ZERO),
				"earmarked_usd": earmarked.get(cid, ZERO),
				"received_usd": received.get(cid, ZERO),
				"outstanding_usd": outstanding.get(cid, ZERO),
				"spent_usd": spent.get(cid, ZERO),
			}
			for cid, donor, project, currency, status, day, cents in zip(
				c.index,
				c["donor_code"],
				c["project_code"],
				c["currency"],
				c["status"],
				c["pledge_date"],
				c["amount_cents"],
				strict=True,
			)
		]

	def _outstanding(self) -> tuple[dict, dict, dict]:
		"""What is still owed per contribution, in its currency, valued at the as-of date;
		by project, by donor and by contribution."""
		received_cents = self.cents_by(self.receipts, "contribution_id")
		by_project: dict = defaultdict(Decimal)
		by_donor: dict = defaultdict(Decimal)
		by_contribution: dict = {}
		rate_cache: dict[str, Decimal] = {}
		c = self.contributions
		for cid, project, donor, currency, cents in zip(
			c["contribution_id"],
			c["project_code"],
			c["donor_code"],
			c["currency"],
			c["amount_cents"],
			strict=True,
		):
			owed = int(cents) - received_cents.get(cid, 0)
			if owed <= 0:
				continue
			if currency not in rate_cache:
				rate_cache[currency] = self.rate_at(currency, self.day)
			value = rate_cache[currency] * owed / 100
			by_project[project] += value
			by_donor[donor] += value
			by_contribution[cid] = value
		return by_project, by_donor, by_contribution

	def _targets(self) -> dict[str, list[dict]]:
		out: dict[str, list[dict]] = defaultdict(list)
		if self.targets.empty:
			return out
		t = self.targets.reset_index(drop=True)
		start = t["period_start"].where(
			t["period_start"] >= 0, t["project_code"].map(self.projects["start_date"])
		)
		end = t["period_end"].where(t["period_end"] >= 0, t["project_code"].map(self.projects["end_date"]))
		t = t.assign(tid=np.arange(len(t)), start=start.astype(np.int64), end=end.astype(np.int64))
		assisted = self._assisted(t)

		for row in t.assign(assisted=assisted).itertuples(index=False):
			first, last = date.fromordinal(row.start), date.fromordinal(row.end)
			out[row.project_code].append(
				{
					"beneficiary_group": row.beneficiary_group,
					"assistance_type": row.assistance_type,
					"period_start": first,
					"period_end": last,
					"target": int(row.target),
					"assisted": int(row.assisted),
				}
			)
			if row.end <= self.day and row.assisted < row.target:
				suffix = f"/{row.assistance_type}" if row.assistance_type else ""
				self.finding(
					"TARGET_SHORTFALL",
					"target",
					f"{row.project_code}/{row.beneficiary_group}{suffix}/{first.isoformat()}",
					"{project}: {assisted} of {target} {group} assisted in the period {start} to {end}",
					project=row.project_code,
					assisted=int(row.assisted),
					target=int(row.target),
					group=row.beneficiary_group,
					start=first.isoformat(),
					end=last.isoformat(),
				)
		for rows in out.values():
			rows.sort(key=lambda r: (r["beneficiary_group"], r["assistance_type"] or "", r["period_start"]))
		return out

	def _assisted(self, targets: pd.DataFrame) -> np.ndarray:
		"""Distinct cases per target: of its project, registered in its period, in its group,
		with its assistance type when it names one. One join of targets to cases, on integer
		codes: a case's (gender, age group) and assistance list, a target's group and assistance
		type are coded first, and whether a code pair matches is read from small tables made by
		the same rules (:func:`_in_groups`; ``kind in assistance``) over the distinct values.
		The join pairs each target with the cases of its project, a slice of the cases sorted
		by project."""
		cases = self.cases
		codes = pd.Index(self.projects.index)  # join on integer positions, not on text
		genders, gender_values = pd.factorize(cases["gender"], use_na_sentinel=False)
		ages, age_values = pd.factorize(cases["age_group"], use_na_sentinel=False)
		lists, list_values = pd.factorize(cases["assistance"], use_na_sentinel=False)
		groups, group_values = pd.factorize(targets["beneficiary_group"], use_na_sentinel=False)
		kinds, kind_values = pd.factorize(targets["assistance_type"])  # -1: names no type

		case_project = codes.get_indexer(cases["project_code"])  # -1: none, or a project not shown
		order = np.argsort(case_project, kind="stable")
		target_project = codes.get_indexer(targets["project_code"])
		first = np.searchsorted(case_project[order], target_project, side="left")
		last = np.searchsorted(case_project[order], target_project, side="right")
		sizes = np.where(target_project >= 0, last - first, 0)
		if not sizes.sum():
			return np.zeros(len(targets), dtype=np.int64)
		# pair i: target tid[i] and case case[i] (positions in ``targets`` and ``cases``)
		tid = np.repeat(np.arange(len(targets)), sizes)
		offset = np.arange(len(tid)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
		case = order[np.repeat(first, sizes) + offset]

		# member[group, fact]: whether a case of that (gender, age group) is in that group.
		combos = pd.DataFrame(
			[(g, gender, age) for g in group_values for gender in gender_values for age in age_values],
			columns=["beneficiary_group", "gender", "age_group"],
		)
		member = _in_groups(combos).reshape(len(group_values), len(gender_values) * len(age_values))
		fact = genders * len(age_values) + ages
		day = cases["registration_date"].to_numpy()[case]
		keep = (
			(day >= targets["start"].to_numpy()[tid])
			& (day <= targets["end"].to_numpy()[tid])
			& member[groups[tid], fact[case]]
		)
		kind = kinds[tid]
		named = kind >= 0
		if named.any():
			# has[kind, list]: whether that assistance list holds that assistance type.
			has = np.array([[k in given for given in list_values] for k in kind_values], dtype=bool)
			keep[named] &= has[kind[named], lists[case[named]]]
		# case_id is unique in the caseload, so each pair is a distinct case of its target.
		return np.bincount(tid[keep], minlength=len(targets))

	@cached_property
	def _by_contribution(self) -> tuple[dict, dict, dict]:
		"""Pledged, received and spent (charged to it) per contribution, exact USD."""
		return (
			self.usd_by(self.contributions, ["contribution_id"]),
			self.usd_by(self.receipts, ["contribution_id"]),
			self.usd_by(self.charged, ["contribution_id"]),
		)

	def _contribution_findings(self) -> None:
		c = self.contributions
		pledge, received, spent = self._by_contribution
		for cid in sorted(spent):
			used, pledged, cash = spent[cid], pledge.get(cid, ZERO), received.get(cid, ZERO)
			params = {"contribution": cid, "spent": f"{round_cents(used):.2f}"}
			if used > pledged:
				self.finding(
					"SPENT_BEYOND_PLEDGE",
					"contribution",
					cid,
					"{contribution}: spent {spent} USD against a pledge of {pledged} USD",
					used - pledged,
					pledged=f"{round_cents(pledged):.2f}",
					**params,
				)
			elif used > cash:
				self.finding(
					"SPENT_AHEAD_OF_CASH",
					"contribution",
					cid,
					"{contribution}: spent {spent} USD but only {received} USD received",
					used - cash,
					received=f"{round_cents(cash):.2f}",
					**params,
				)

		received_cents = self.cents_by(self.receipts, "contribution_id")
		for cid, currency, cents in zip(c["contribution_id"], c["currency"], c["amount_cents"], strict=True):
			excess = received_cents.get(cid, 0) - int(cents)
			if excess > 0:
				self.finding(
					"RECEIPT_EXCEEDS_PLEDGE",
					"contribution",
					cid,
					"{contribution}: received {received} {currency}, more than its amount {amount} {currency}",
					self.rate_at(currency, self.day) * excess / 100,
					contribution=cid,
					currency=currency,
					received=f"{Decimal(received_cents[cid]) / 100:.2f}",
					amount=f"{Decimal(int(cents)) / 100:.2f}",
				)

		earmarked = set(self.earmarks["contribution_id"])
		if not earmarked:
			return
		limits = self.usd_by(self.earmarks, ["contribution_id", "module"])
		charged = self.charged[self.charged["contribution_id"].isin(earmarked)]
		for (cid, module), used in sorted(self.usd_by(charged, ["contribution_id", "module"]).items()):
			limit = limits.get((cid, module), ZERO)
			if used > limit:
				self.finding(
					"EARMARK_BREACH",
					"earmark",
					f"{cid}/{module}",
					"{contribution}: spent {spent} USD on module {module}, earmarked {earmark} USD",
					used - limit,
					contribution=cid,
					module=module,
					spent=f"{round_cents(used):.2f}",
					earmark=f"{round_cents(limit):.2f}",
				)

	def _expenditure_findings(self) -> None:
		x = self.expenditures
		if x.empty:
			return
		start = self.projects["start_date"].reindex(x["project_code"]).to_numpy()
		end = self.projects["end_date"].reindex(x["project_code"]).to_numpy()
		outside = x[(x["date"].to_numpy() < start) | (x["date"].to_numpy() > end)]
		for row in outside.itertuples(index=False):
			project = self.projects.loc[row.project_code]
			self.finding(
				"EXPENDITURE_OUTSIDE_PERIOD",
				"expenditure",
				row.expenditure_id,
				"{expenditure} dated {date} is outside {project}'s period {start} to {end}",
				self.rates.usd(row.ridx, int(row.cents)),
				expenditure=row.expenditure_id,
				date=date.fromordinal(row.date).isoformat(),
				project=row.project_code,
				start=date.fromordinal(int(project["start_date"])).isoformat(),
				end=date.fromordinal(int(project["end_date"])).isoformat(),
			)

	def _emergency_fund(self, received: dict) -> dict | None:
		funds = self.projects[self.projects["is_emergency_fund"].astype(bool)]
		if funds.empty:
			return None
		code = funds.index[0]
		d = self.disbursements
		paid = d[d["status"] == "Disbursed"]
		approved = d[d["status"] == "Approved"]
		total_received = received.get(code, ZERO)
		disbursed = sum(self.usd_by(paid, ["status"]).values(), ZERO)
		committed = sum(self.usd_by(approved, ["status"]).values(), ZERO)
		if disbursed + committed > total_received:
			self.finding(
				"FUND_OVERDRAWN",
				"emergency_fund",
				code,
				"the emergency fund {fund} has disbursed {disbursed} USD and committed {committed} USD, "
				"but received {received} USD",
				disbursed + committed - total_received,
				fund=code,
				disbursed=f"{round_cents(disbursed):.2f}",
				committed=f"{round_cents(committed):.2f}",
				received=f"{round_cents(total_received):.2f}",
			)

		def breakdown(key: str) -> list[dict]:
			paid_by, committed_by = self.usd_by(paid, [key]), self.usd_by(approved, [key])
			return [
				{key: k, "disbursed_usd": paid_by.get(k, ZERO), "committed_usd": committed_by.get(k, ZERO)}
				for k in sorted(set(paid_by) | set(committed_by))
			]

		return {
			"project_code": code,
			"received_usd": total_received,
			"disbursed_usd": disbursed,
			"committed_usd": committed,
			"available_usd": total_received - disbursed - committed,
			"cases_assisted": int(paid["case_id"].nunique()),
			"by_assistance_type": breakdown("assistance_type"),
			"by_field_office": breakdown("field_office"),
		}

	def _disbursement_findings(self) -> None:
		d = self.disbursements
		if d.empty:
			return
		registered = self.cases["case_id"]
		for row in d[d["status"].isin(["Approved", "Disbursed"]) & ~d["case_id"].isin(registered)].itertuples(
			index=False
		):
			self.finding(
				"UNMATCHED_DISBURSEMENT",
				"disbursement",
				row.disbursement_id,
				"{disbursement} ({status}) names case {case}, which is not in the caseload",
				self.rates.usd(row.ridx, int(row.cents)),
				disbursement=row.disbursement_id,
				status=row.status,
				case=row.case_id,
			)
		live = d[d["status"] != "Rejected"].sort_values(["requested_date", "disbursement_id"], kind="stable")
		extra = live[live.duplicated(["case_id", "assistance_type"], keep="first")]
		if extra.empty:
			return
		first = live.drop_duplicates(["case_id", "assistance_type"], keep="first").set_index(
			["case_id", "assistance_type"]
		)
		for row in extra.itertuples(index=False):
			self.finding(
				"DUPLICATE_DISBURSEMENT",
				"disbursement",
				row.disbursement_id,
				"{disbursement} repeats {first}: case {case} already has a {assistance} request",
				self.rates.usd(row.ridx, int(row.cents)),
				disbursement=row.disbursement_id,
				first=first.loc[(row.case_id, row.assistance_type), "disbursement_id"],
				case=row.case_id,
				assistance=row.assistance_type,
			)

	def _donors(self, outstanding: dict) -> list[dict]:
		pledged = self.usd_by(self.contributions, ["donor_code"])
		received = self.usd_by(self.receipts, ["donor_code"])
		spent = self.usd_by(self.charged, ["donor_code"])
		return [
			{
				"donor_code": code,
				"name": name,
				"donor_type": donor_type,
				"pledged_usd": pledged.get(code, ZERO),
				"received_usd": received.get(code, ZERO),
				"outstanding_usd": outstanding.get(code, ZERO),
				"spent_usd": spent.get(code, ZERO),
			}
			for code, name, donor_type in sorted(
				zip(self.donors["donor_code"], self.donors["name"], self.donors["donor_type"], strict=True)
			)
		]


def _roll(by_pair: dict) -> dict:
	"""Totals by the first part of a two-part key (e.g. project from (project, module)), exactly."""
	totals: dict = {}
	for (first, _), value in by_pair.items():
		totals[first] = totals.get(first, ZERO) + value
	return totals


def _in_groups(pairs: pd.DataFrame) -> np.ndarray:
	"""Whether each case is in its target's beneficiary group (the contract's membership)."""
	gender = pairs["gender"].to_numpy()
	age = pairs["age_group"].to_numpy()
	group = pairs["beneficiary_group"].to_numpy()
	child, adult = age == "child", age == "adult"
	female, male = gender == "female", gender == "male"
	members = {
		"women": female & adult,
		"men": male & adult,
		"girls": female & child,
		"boys": male & child,
		"children": child,
		"adults": adult,
		"women_and_children": (female & adult) | child,
		"all": np.ones(len(pairs), dtype=bool),
	}
	out = np.zeros(len(pairs), dtype=bool)
	for name, member in members.items():
		chosen = group == name
		out[chosen] = member[chosen]
	return out


def _roll_up(projects: list[dict], extra: tuple[str, ...] = ()) -> dict:
	"""Exact sums of the projects' unrounded figures (and of the ``extra`` ones); rounded once later."""
	out = {
		"project_count": len(projects),
		"projects_by_status": {status: 0 for status in spec.PROJECT_STATUSES},
	}
	for p in projects:
		out["projects_by_status"][p["status"]] += 1
	for figure in (*MONEY_FIGURES, *extra):
		out[figure] = sum((p[figure] for p in projects), ZERO)
	out["cases_assisted"] = sum(p["cases_assisted"] for p in projects)
	return out


def _round_figures(node):
	"""Round every money figure (a ``*_usd`` Decimal) once, half-up, to cents; rates are already
	at 4 places, and a project's ``targets`` hold counts and dates only.

	Rounds in place (the result is freshly built) and returns ``node``."""
	stack = [node]
	containers = (dict, list)
	while stack:
		item = stack.pop()
		if type(item) is list:
			stack.extend(v for v in item if type(v) in containers)
			continue
		for key, value in item.items():
			if key.endswith("_usd"):
				if value is not None:
					item[key] = value.quantize(CENT, context=CONTEXT)
			elif type(value) in containers and key != "targets":
				stack.append(value)
	return node
