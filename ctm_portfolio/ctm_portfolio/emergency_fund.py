"""The global emergency fund: its position, the guards of an approval, duplicates, the desk's figures.

The annex of MC/INF/270: a field office assesses a case and refers it at once to the Programme
Manager at HQ, who decides quickly; finance then disburses through local partners. On a
CTM Emergency Disbursement this is the workflow "CTM Emergency Disbursement" (fixtures):

    Draft -> Assessed -> Referred to HQ -> Approved | Rejected;  Approved -> Disbursed
    (field office)        (programme manager)                     (finance officer)

The bundle's ``status`` follows the workflow state (:data:`STATUS_OF_STATE`), so the engine,
the export and the reports read the requests as the contract says.

Money is exact: sums are read from the database as text (Frappe turns DECIMAL columns into
floats), each group is converted to USD with the engine's :class:`~ctm_portfolio.engine.reconcile.Rates`
(the rate in force on its value date), the products are summed as Decimals and a figure is
rounded once, half-up, to cents — as the engine reconciles, so the figures agree with its
``emergency_fund``.

The fund can never be overdrawn: an approval (and a disbursement) locks the emergency fund's
CTM Project row (``SELECT ... FOR UPDATE``) before anything else of the request, then reads what
the fund has received and committed with *locking* reads, which see the latest committed rows
(a plain read would see the transaction's older snapshot). Two approvals at the same moment are
thus serialised on the fund's row, and the second sees the first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import frappe
import pandas as pd
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime

from ctm_portfolio.engine.money import ZERO, exact_context, round_cents
from ctm_portfolio.engine.reconcile import Rates

DISBURSEMENT = "CTM Emergency Disbursement"
SETTINGS = "CTM Emergency Fund Settings"
PROJECT = "CTM Project"
CONTRIBUTION = "CTM Contribution"
RATE = "CTM Exchange Rate"
WORKFLOW = "CTM Emergency Disbursement"

FIELD_OFFICE_ROLE = "CTM Field Office"
PROGRAMME_MANAGER_ROLE = "CTM Programme Manager"
FINANCE_ROLE = "CTM Finance Officer"

# Workflow states
DRAFT, ASSESSED, REFERRED = "Draft", "Assessed", "Referred to HQ"
APPROVED, REJECTED, DISBURSED, CANCELLED = "Approved", "Rejected", "Disbursed", "Cancelled"
# The bundle's status of each state (a cancelled request keeps its status and leaves the bundle).
STATUS_OF_STATE = {
	DRAFT: "Requested",
	ASSESSED: "Requested",
	REFERRED: "Requested",
	APPROVED: "Approved",
	REJECTED: "Rejected",
	DISBURSED: "Disbursed",
}
OPEN_STATES = (DRAFT, ASSESSED, REFERRED)
DECIDED_STATES = (APPROVED, REJECTED)
# Statuses whose money counts against the fund: committed (Approved) and paid (Disbursed).
COUNTED = ("Approved", "Disbursed")
# The index on (status, docstatus) of CTM Emergency Disbursement (its controller's on_doctype_update).
COUNTED_INDEX = "status_docstatus_index"


class FundOverdrawnError(frappe.ValidationError):
	"""Approving or disbursing this request would overdraw the emergency fund."""


class CeilingExceededError(frappe.ValidationError):
	"""Approving this request would exceed a ceiling of the emergency fund's settings."""


# ---------------------------------------------------------------------------
# Settings


def settings():
	"""CTM Emergency Fund Settings (read afresh: an approval must not see a stale ceiling)."""
	return frappe.get_single(SETTINGS)


def overdue_after_days() -> int:
	return cint(settings().overdue_after_days)


def ceiling_of(assistance_type: str) -> Decimal:
	"""The USD ceiling per case of an assistance type (0: none)."""
	for row in settings().ceilings:
		if row.assistance_type == assistance_type:
			return _decimal(row.ceiling_usd)
	return ZERO


def _decimal(value) -> Decimal:
	# A Currency field comes as a float: its shortest repr is the value typed.
	return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value or 0))


def _money(value: Decimal) -> str:
	return f"{round_cents(value):,.2f}"


# ---------------------------------------------------------------------------
# Exchange rates and exact conversion


def load_rates(currencies: Iterable[str] | None = None) -> Rates:
	"""The CTM Exchange Rates (of ``currencies``, or all), as the engine's :class:`Rates`."""
	filters = {}
	if currencies is not None:
		wanted = sorted({c for c in currencies if c and c != "USD"})
		filters = {"currency": ("in", wanted or [""])}
	rows = frappe.get_all(
		RATE, filters=filters, fields=["currency", "rate_date", "usd_per_unit"], limit_page_length=0
	)
	return Rates(
		pd.DataFrame(
			{
				"currency": [r.currency for r in rows],
				"date": [getdate(r.rate_date).toordinal() for r in rows],
				"usd_per_unit": [Decimal(str(r.usd_per_unit).strip()) for r in rows],
			},
			columns=["currency", "date", "usd_per_unit"],
		)
	)


def to_usd(groups: list[tuple], rates: Rates) -> list[Decimal]:
	"""The exact USD value of each ``(currency, value date, amount, ...)`` group (not rounded)."""
	if not groups:
		return []
	currencies = pd.Series([g[0] for g in groups], dtype=object)
	days = [getdate(g[1]).toordinal() for g in groups]
	try:
		ridx = rates.index(currencies, days)
	except ValueError:
		for currency, day, *_rest in sorted(groups, key=lambda g: (g[0], getdate(g[1]))):
			try:
				rates.index(pd.Series([currency], dtype=object), [getdate(day).toordinal()])
			except ValueError:
				frappe.throw(
					_("No exchange rate for {0} on or before {1}: add a {2}").format(
						currency, frappe.format(getdate(day), "Date"), _(RATE)
					),
					title=_("Missing exchange rate"),
				)
		raise
	with exact_context():
		return [rates.values[int(i)] * Decimal(g[2]) for i, g in zip(ridx, groups, strict=True)]


# ---------------------------------------------------------------------------
# The fund and what it holds


def fund_project() -> str | None:
	"""The emergency fund's CTM Project (the one with ``is_emergency_fund``), if any."""
	names = frappe.get_all(
		PROJECT, filters={"is_emergency_fund": 1}, pluck="name", order_by="creation asc", limit=1
	)
	return names[0] if names else None


def lock_fund() -> str | None:
	"""Lock the emergency fund's CTM Project row until the transaction ends; return its name.

	One row, by its primary key: ``SELECT ... FOR UPDATE`` on ``is_emergency_fund = 1`` would
	lock every project it scans.
	"""
	fund = fund_project()
	if not fund:
		return None
	locked = frappe.db.sql(
		"select `name`, `is_emergency_fund` from `tabCTM Project` where `name` = %s for update", fund
	)
	if not locked or not cint(locked[0][1]):
		# Another transaction changed the fund meanwhile: find it again, under the lock.
		return lock_fund() if fund_project() != fund else None
	return fund


def _received_groups(fund: str, as_of: datetime.date, lock: bool = False) -> list[tuple]:
	"""(currency, receipt date, amount) of the fund's receipts by ``as_of``; cancelled contributions
	count for nothing."""
	rows = frappe.db.sql(
		f"""select c.`currency`, r.`receipt_date`, cast(sum(r.`amount`) as char)
		from `tabCTM Contribution Receipt` r
		join `tabCTM Contribution` c on c.`name` = r.`parent`
		where r.`parenttype` = 'CTM Contribution' and r.`parentfield` = 'receipts'
			and c.`project_code` = %(fund)s and c.`status` != 'Cancelled' and r.`receipt_date` <= %(as_of)s
		group by c.`currency`, r.`receipt_date`
		{"lock in share mode" if lock else ""}""",
		{"fund": fund, "as_of": as_of},
	)
	return [(currency, day, Decimal(total)) for currency, day, total in rows if total is not None]


def _committed_rows(
	case_id: str | None, assistance_type: str | None, exclude: str | None, lock: bool
) -> list:
	"""(currency, value date, amount, status, same case, same case and type) of every approved or
	disbursed request but ``exclude``. With ``lock``, read with a shared lock: the latest committed
	rows, whatever the transaction's snapshot. The (status, docstatus) index keeps that lock on
	approved and disbursed requests only, so a field office saving a draft is never waited for."""
	rows = frappe.db.sql(
		f"""select `currency`,
			if(`status` = 'Disbursed', `disbursed_date`, `requested_date`) as value_date,
			cast(sum(`amount`) as char), `status`,
			ifnull(`case_id` = %(case)s, 0) as same_case,
			ifnull(`case_id` = %(case)s and `assistance_type` = %(type)s, 0) as same_type
		from `tabCTM Emergency Disbursement` force index (`{COUNTED_INDEX}`)
		where `status` in ('Approved', 'Disbursed') and `docstatus` = 1 and `name` != %(exclude)s
		group by `currency`, value_date, `status`, same_case, same_type
		{"lock in share mode" if lock else ""}""",
		{"case": case_id or "", "type": assistance_type or "", "exclude": exclude or ""},
	)
	return [
		(currency, day, Decimal(total), status, cint(same_case), cint(same_type))
		for currency, day, total, status, same_case, same_type in rows
	]


def fund_position(
	case_id: str | None = None,
	assistance_type: str | None = None,
	exclude: str | None = None,
	lock: bool = False,
	extra_currencies: Iterable[str] = (),
) -> frappe._dict:
	"""What the fund holds as an approval sees it, exact (not rounded): ``received`` (its receipts
	dated by today), ``disbursed`` and ``committed`` (every disbursed and approved request but
	``exclude``, whatever its date), ``available``; ``case_total`` and ``type_total``, what
	``case_id`` has been approved and paid (in all, and for ``assistance_type``); ``rates``.

	With ``lock``: the fund's row is locked first and the rows are read with locking reads.
	``fund`` is None when no project is the emergency fund."""
	fund = lock_fund() if lock else fund_project()
	received_groups = _received_groups(fund, getdate(), lock=lock) if fund else []
	committed = _committed_rows(case_id, assistance_type, exclude, lock)
	rates = load_rates({g[0] for g in received_groups} | {r[0] for r in committed} | set(extra_currencies))
	committed_usd = to_usd(committed, rates)

	def total(keep) -> Decimal:
		return sum((u for u, r in zip(committed_usd, committed, strict=True) if keep(r)), ZERO)

	with exact_context():
		received = sum(to_usd(received_groups, rates), ZERO)
		disbursed = total(lambda r: r[3] == "Disbursed")
		committed_total = total(lambda r: r[3] == "Approved")
		return frappe._dict(
			fund=fund,
			received=received,
			disbursed=disbursed,
			committed=committed_total,
			available=received - disbursed - committed_total,
			case_total=total(lambda r: r[4]),
			type_total=total(lambda r: r[5]),
			rates=rates,
		)


def check_fund_and_ceilings(doc, value_date, amount: Decimal, ceilings: bool = True) -> Decimal:
	"""Refuse (FundOverdrawnError, CeilingExceededError) when ``amount`` of ``doc`` at ``value_date``
	would overdraw the fund or (``ceilings``) exceed a ceiling; return its USD value.

	Locks the fund's row first (a no-op when the controller already has), then reads the receipts
	and the approved and disbursed requests with locking reads (:func:`fund_position`).
	"""
	position = fund_position(
		doc.case_id, doc.assistance_type, exclude=doc.name, lock=True, extra_currencies=[doc.currency]
	)
	if not position.fund:
		frappe.throw(
			_("There is no emergency fund: mark one {0} as the emergency fund first").format(_(PROJECT)),
			FundOverdrawnError,
			title=_("No emergency fund"),
		)
	(this_usd,) = to_usd([(doc.currency, value_date, amount)], position.rates)

	with exact_context():
		if ceilings:
			type_ceiling = ceiling_of(doc.assistance_type)
			if type_ceiling and position.type_total + this_usd > type_ceiling:
				frappe.throw(
					_(
						"Approval refused: the ceiling for {0} is {1} USD per case. Case {2} has already been "
						"approved {3} USD for {0}, and this request needs {4} USD."
					).format(
						_(doc.assistance_type),
						_money(type_ceiling),
						doc.case_id,
						_money(position.type_total),
						_money(this_usd),
					),
					CeilingExceededError,
					title=_("Ceiling exceeded"),
				)
			case_ceiling = _decimal(settings().ceiling_per_case_usd)
			if case_ceiling and position.case_total + this_usd > case_ceiling:
				frappe.throw(
					_(
						"Approval refused: the ceiling per case is {0} USD. Case {1} has already been approved "
						"{2} USD, and this request needs {3} USD."
					).format(
						_money(case_ceiling), doc.case_id, _money(position.case_total), _money(this_usd)
					),
					CeilingExceededError,
					title=_("Ceiling exceeded"),
				)

		if this_usd > position.available:
			message = (
				_(
					"Approval refused: the emergency fund {0} has received {1} USD, disbursed {2} USD and "
					"committed {3} USD, so {4} USD remain; this request needs {5} USD."
				)
				if ceilings
				else _(
					"Disbursement refused: the emergency fund {0} has received {1} USD, disbursed {2} USD "
					"and committed {3} USD besides this request, so {4} USD remain; the payment is worth {5} USD."
				)
			)
			frappe.throw(
				message.format(
					position.fund,
					_money(position.received),
					_money(position.disbursed),
					_money(position.committed),
					_money(position.available),
					_money(this_usd),
				),
				FundOverdrawnError,
				title=_("The emergency fund would be overdrawn"),
			)
	return this_usd


# ---------------------------------------------------------------------------
# Figures of the fund (the dashboard), as the engine's ``emergency_fund``


def _match_conditions(doctype: str) -> str:
	"""The rows of ``doctype`` the session user may read, as SQL (throws without read permission)."""
	from frappe.model.db_query import DatabaseQuery

	frappe.has_permission(doctype, "read", throw=True)
	conditions = DatabaseQuery(doctype).build_match_conditions(as_condition=True)
	return f"and ({conditions})" if conditions else ""


def _counted_groups(as_of: datetime.date) -> list[tuple]:
	"""(currency, value date, amount, status, field office, assistance type, case count) of the
	approved and disbursed requests dated by ``as_of`` that the user may read."""
	match = _match_conditions(DISBURSEMENT).replace("%", "%%")
	return [
		(currency, day, Decimal(total), status, office, assistance)
		for currency, day, total, status, office, assistance in frappe.db.sql(
			f"""select `currency`, if(`status` = 'Disbursed', `disbursed_date`, `requested_date`) as value_date,
				cast(sum(`amount`) as char), `status`, `field_office`, `assistance_type`
			from `tabCTM Emergency Disbursement`
			where `docstatus` = 1 and `status` in ('Approved', 'Disbursed')
				and if(`status` = 'Disbursed', `disbursed_date`, `requested_date`) <= %(as_of)s {match}
			group by `currency`, value_date, `status`, `field_office`, `assistance_type`""",
			{"as_of": as_of},
		)
	]


def fund_figures(as_of: datetime.date | str | None = None, with_received: bool | None = None) -> dict:
	"""The emergency fund as the engine reconciles it as of ``as_of`` (default: today), from the rows
	the user may read. Money as Decimals rounded once to cents; ``received_usd`` and
	``available_usd`` are None for a user who may not read contributions."""
	as_of = getdate(as_of) if as_of else getdate()
	fund = fund_project()
	groups = _counted_groups(as_of)
	if with_received is None:
		with_received = bool(frappe.has_permission(CONTRIBUTION, "read"))
	received_groups = []
	if fund and with_received:
		_match_conditions(CONTRIBUTION)
		received_groups = _received_groups(fund, as_of)
	rates = load_rates({g[0] for g in groups} | {g[0] for g in received_groups})
	usd = to_usd(groups, rates)

	with exact_context():
		totals = defaultdict(lambda: ZERO)
		by_office = defaultdict(lambda: defaultdict(lambda: ZERO))
		by_type = defaultdict(lambda: defaultdict(lambda: ZERO))
		by_month = defaultdict(lambda: ZERO)
		for value, (_currency, day, _amount, status, office, assistance) in zip(usd, groups, strict=True):
			totals[status] += value
			by_office[office][status] += value
			by_type[assistance][status] += value
			if status == "Disbursed":
				by_month[getdate(day).strftime("%Y-%m")] += value
		received = sum(to_usd(received_groups, rates), ZERO)
		disbursed, committed = totals["Disbursed"], totals["Approved"]
		cases = frappe.db.sql(
			f"""select count(distinct `case_id`) from `tabCTM Emergency Disbursement`
			where `docstatus` = 1 and `status` = 'Disbursed' and `disbursed_date` <= %(as_of)s
			{_match_conditions(DISBURSEMENT).replace("%", "%%")}""",
			{"as_of": as_of},
		)[0][0]

		def breakdown(key: str, table: dict) -> list[dict]:
			return [
				{
					key: k,
					"disbursed_usd": round_cents(table[k]["Disbursed"]),
					"committed_usd": round_cents(table[k]["Approved"]),
				}
				for k in sorted(table)
			]

		return {
			"project_code": fund,
			"as_of": as_of,
			"received_usd": round_cents(received) if with_received else None,
			"disbursed_usd": round_cents(disbursed),
			"committed_usd": round_cents(committed),
			"available_usd": round_cents(received - disbursed - committed) if with_received else None,
			"cases_assisted": int(cases or 0),
			"by_assistance_type": breakdown("assistance_type", by_type),
			"by_field_office": breakdown("field_office", by_office),
			"disbursed_by_month": [
				{"month": month, "disbursed_usd": round_cents(by_month[month])} for month in sorted(by_month)
			],
		}


@frappe.whitelist()
def request_position(name: str) -> dict:
	"""For the form of a request: what the fund has available as an approval of it would see, and
	this request's USD value."""
	doc = frappe.get_doc(DISBURSEMENT, name)
	doc.check_permission("read")
	frappe.has_permission(CONTRIBUTION, "read", throw=True)
	position = fund_position(exclude=doc.name, extra_currencies=[doc.currency])
	value_date = doc.disbursed_date if doc.status == "Disbursed" else doc.requested_date
	(this_usd,) = to_usd([(doc.currency, value_date, _decimal(doc.amount))], position.rates)
	return {
		"available_usd": round_cents(position.available) if position.fund else None,
		"request_usd": round_cents(this_usd),
		"fund": position.fund,
	}


def fund_chart(breakdown: str) -> dict:
	"""A dashboard chart's data: disbursed USD by month, or disbursed and committed USD by field
	office or by assistance type, as of today."""
	figures = fund_figures(with_received=False)
	if breakdown == "month":
		rows = figures["disbursed_by_month"]
		return {
			"labels": [r["month"] for r in rows],
			"datasets": [{"name": _("Disbursed (USD)"), "values": [float(r["disbursed_usd"]) for r in rows]}],
		}
	rows = figures[f"by_{breakdown}"]
	label = (lambda k: _(k)) if breakdown == "assistance_type" else (lambda k: k)
	return {
		"labels": [label(r[breakdown]) for r in rows],
		"datasets": [
			{"name": _("Disbursed (USD)"), "values": [float(r["disbursed_usd"]) for r in rows]},
			{"name": _("Committed (USD)"), "values": [float(r["committed_usd"]) for r in rows]},
		],
	}


# Number Cards of type "Custom" (the dashboard CTM Emergency Fund): the desk shows ``value`` as
# ``fieldtype``; a click opens the route. The filters are not used.


def _card(value: Decimal, route_options: dict | None = None) -> dict:
	return {
		"value": float(value),  # for display only: the figure is already exact and rounded
		"fieldtype": "Currency",
		"route": ["List", DISBURSEMENT],
		"route_options": route_options or {},
	}


@frappe.whitelist()
def fund_received_card(filters=None) -> dict:
	frappe.has_permission(CONTRIBUTION, "read", throw=True)
	out = _card(fund_figures()["received_usd"])
	fund = fund_project()
	out["route"], out["route_options"] = ["List", CONTRIBUTION], {"project_code": fund} if fund else {}
	return out


@frappe.whitelist()
def fund_disbursed_card(filters=None) -> dict:
	return _card(fund_figures(with_received=False)["disbursed_usd"], {"status": "Disbursed", "docstatus": 1})


@frappe.whitelist()
def fund_committed_card(filters=None) -> dict:
	return _card(fund_figures(with_received=False)["committed_usd"], {"status": "Approved", "docstatus": 1})


@frappe.whitelist()
def fund_available_card(filters=None) -> dict:
	frappe.has_permission(CONTRIBUTION, "read", throw=True)
	return _card(fund_figures()["available_usd"], {"workflow_state": REFERRED})


# ---------------------------------------------------------------------------
# Duplicates: a second request for the same case and assistance type


def refresh_duplicates(case_ids: Iterable[str] | None = None) -> dict[str, str | None]:
	"""Flag the requests of ``case_ids`` (None: of every case) as the engine's DUPLICATE_DISBURSEMENT
	does: among the live requests (not rejected, not cancelled) of one case and assistance type,
	ordered by requested date then id, every one after the first is a possible duplicate of the
	first. Writes only the rows whose flag changes (not their ``modified``); returns name ->
	duplicate_of of the rows read."""
	conditions, values = "", {}
	if case_ids is not None:
		case_ids = sorted({c for c in case_ids if c})
		if not case_ids:
			return {}
		conditions, values = "where `case_id` in %(cases)s", {"cases": case_ids}
	rows = frappe.db.sql(
		f"""select `name`, `disbursement_id`, `case_id`, `assistance_type`, `requested_date`, `status`,
			`docstatus`, `duplicate_of`, `possible_duplicate`
		from `tabCTM Emergency Disbursement` {conditions}""",
		values,
		as_dict=True,
	)
	live = sorted(
		(r for r in rows if r.docstatus < 2 and r.status != "Rejected"),
		key=lambda r: (getdate(r.requested_date), r.disbursement_id or r.name),
	)
	first: dict[tuple, str] = {}
	wanted: dict[str, str | None] = {r.name: None for r in rows}
	for r in live:
		key = (r.case_id, r.assistance_type)
		if key in first:
			wanted[r.name] = first[key]
		else:
			first[key] = r.name
	for r in rows:
		target = wanted[r.name]
		if (r.duplicate_of or None) != target or cint(r.possible_duplicate) != (1 if target else 0):
			frappe.db.sql(
				"""update `tabCTM Emergency Disbursement` set `duplicate_of` = %s, `possible_duplicate` = %s
				where `name` = %s""",
				(target, 1 if target else 0, r.name),
			)
	return wanted


# ---------------------------------------------------------------------------
# The bundle import: a request's docstatus and workflow state follow its status


def sync_states_from_status(names: Iterable[str]) -> None:
	"""After a bundle import wrote the rows of ``names``: docstatus and workflow state from the
	status (Requested: a draft, Referred to HQ unless the site already holds it in an open state;
	Approved, Disbursed, Rejected: submitted), the approved amount of an approved or disbursed
	request and the amount paid of a disbursed one; then the duplicate flags of their cases."""
	names = list(dict.fromkeys(names))
	if not names:
		return
	for start in range(0, len(names), 5000):
		frappe.db.sql(
			"""update `tabCTM Emergency Disbursement` set
				`docstatus` = if(`status` = 'Requested', 0, 1),
				`workflow_state` = if(`status` = 'Requested',
					if(`workflow_state` in ('Draft', 'Assessed', 'Referred to HQ'), `workflow_state`, 'Referred to HQ'),
					`status`),
				`approved_amount` = case
					when `status` = 'Approved' then `amount`
					when `status` = 'Disbursed' and `approved_amount` < `amount` then `amount`
					else `approved_amount` end,
				`amount_paid` = if(`status` = 'Disbursed', `amount`, `amount_paid`)
			where `name` in %(names)s""",
			{"names": names[start : start + 5000]},
		)
	refresh_duplicates(None if len(names) > 1000 else _cases_of(names))
	frappe.clear_document_cache(DISBURSEMENT)


def _cases_of(names: list[str]) -> list[str]:
	return frappe.get_all(DISBURSEMENT, filters={"name": ("in", names)}, pluck="case_id", distinct=True)


def site_states(names: Iterable[str]) -> dict[str, tuple[int, str | None, str]]:
	"""name -> (docstatus, workflow state, status) of the requests the site holds."""
	names = list(names)
	out = {}
	for start in range(0, len(names), 5000):
		for name, docstatus, state, status in frappe.db.sql(
			"""select `name`, `docstatus`, `workflow_state`, `status` from `tabCTM Emergency Disbursement`
			where `name` in %(names)s""",
			{"names": names[start : start + 5000]},
		):
			out[name] = (cint(docstatus), state, status)
	return out


def bundle_may_set(docstatus: int, status: str, new_status: str) -> bool:
	"""Whether a bundle may give a request the site holds (docstatus, status) the status ``new_status``:
	never a cancelled one, and never back from a decision (Approved -> Disbursed only)."""
	if docstatus == 2:
		return False
	if status == new_status or docstatus == 0:
		return True
	return status == "Approved" and new_status == "Disbursed"


# ---------------------------------------------------------------------------
# Notifications: who "the field office" of a request is


def office_users(doc) -> list[str]:
	"""The enabled users of the request's field office (CTM Field Office role and a User
	Permission on the office) who may read it, its requester first."""
	if not doc.get("field_office"):
		return []
	permissions = frappe.get_all(
		"User Permission",
		filters={"allow": "CTM Field Office", "for_value": doc.field_office},
		fields=["user", "applicable_for", "apply_to_all_doctypes"],
	)
	candidates = {
		p.user
		for p in permissions
		if cint(p.apply_to_all_doctypes) or not p.applicable_for or p.applicable_for == DISBURSEMENT
	}
	if doc.get("requested_by"):
		candidates.add(doc.requested_by)
	holders = set(
		frappe.get_all(
			"Has Role",
			filters={
				"role": FIELD_OFFICE_ROLE,
				"parenttype": "User",
				"parent": ("in", sorted(candidates) or [""]),
			},
			pluck="parent",
		)
	)
	enabled = set(
		frappe.get_all("User", filters={"name": ("in", sorted(holders) or [""]), "enabled": 1}, pluck="name")
	)
	users = [u for u in sorted(enabled) if frappe.has_permission(DISBURSEMENT, "read", doc=doc, user=u)]
	requester = doc.get("requested_by")
	return sorted(users, key=lambda u: (u != requester, u))


def notification_context(context: dict) -> dict:
	"""``get_context`` of the app's notifications to a field office: ``office_users`` is the
	recipients' list (one per line), for the recipient row's CC."""
	doc = context.get("doc")
	return {"office_users": "\n".join(office_users(doc)) if doc else ""}


# ---------------------------------------------------------------------------
# Quick assessment


def decision_seconds(referred_on, requested_date, decided_on) -> int:
	"""Seconds from the referral (else the request's date) to the decision."""
	start = get_datetime(referred_on) if referred_on else get_datetime(getdate(requested_date))
	return max(int((get_datetime(decided_on) - start).total_seconds()), 0)


def stamp_decision(doc) -> None:
	doc.decided_on = now_datetime()
	doc.decided_by = frappe.session.user
	doc.decision_time = decision_seconds(doc.referred_on, doc.requested_date, doc.decided_on)
