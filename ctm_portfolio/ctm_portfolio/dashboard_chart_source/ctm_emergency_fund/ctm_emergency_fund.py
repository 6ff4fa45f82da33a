# Copyright (c) 2026, ctm_portfolio developers and contributors
# For license information, please see license.txt

"""Dashboard Chart Source "CTM Emergency Fund": the charts of the dashboard CTM Emergency Fund."""

import frappe
from frappe.utils.dashboard import cache_source

from ctm_portfolio.ctm_portfolio.emergency_fund import fund_chart

# Chart -> what it breaks the fund down by (a chart of another name: by month).
BREAKDOWN = {
	"CTM Fund Disbursed by Month": "month",
	"CTM Fund by Field Office": "field_office",
	"CTM Fund by Assistance Type": "assistance_type",
}


@frappe.whitelist()
@cache_source
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	name = chart_name or (frappe.parse_json(chart).get("name") if chart else None)
	return fund_chart(BREAKDOWN.get(name, "month"))
