app_name = "ctm_portfolio"
app_title = "CTM Portfolio"
app_publisher = "ctm_portfolio developers"
app_description = (
	"Grant and project portfolio management for counter-trafficking programmes, "
	"reconciled against the CTM caseload"
)
app_email = "ctm-portfolio@example.org"
app_license = "mit"
# frappe itself is always installed; listing it here makes install-app look it up on GitHub.
required_apps = []

# Keep the "auto-generated types" blocks of the DocType controllers up to date (developer mode).
export_python_type_annotations = True

# The reports' shared helpers (public/js/reports.js), built by `bench build --app ctm_portfolio`
# (bench get-app and bench update build it).
app_include_js = "ctm_portfolio.bundle.js"
# ... and the vocabularies their filters offer, from the engine's spec.
boot_session = "ctm_portfolio.ctm_portfolio.portfolio_reports.boot_session"

# The app's roles: Role records synced from fixtures/role.json on install-app and on every migrate.
CTM_ROLES = ["CTM Programme Manager", "CTM Finance Officer", "CTM Field Office", "CTM HQ Reviewer"]
# The emergency fund's workflow on CTM Emergency Disbursement, with the states and actions it adds to
# Frappe's own (Approved, Rejected; Approve, Reject): see ctm_portfolio/ctm_portfolio/emergency_fund.py.
EMERGENCY_WORKFLOW = "CTM Emergency Disbursement"
EMERGENCY_WORKFLOW_STATES = ["Draft", "Assessed", "Referred to HQ", "Disbursed", "Cancelled"]
EMERGENCY_WORKFLOW_ACTIONS = [
	"Assess",
	"Revise",
	"Refer to HQ",
	"Return to Field Office",
	"Disburse",
	"Cancel",
]
fixtures = [
	{"dt": "Role", "filters": [["name", "in", CTM_ROLES]]},
	{"dt": "Workflow State", "filters": [["name", "in", EMERGENCY_WORKFLOW_STATES]]},
	{"dt": "Workflow Action Master", "filters": [["name", "in", EMERGENCY_WORKFLOW_ACTIONS]]},
	{"dt": "Workflow", "filters": [["name", "=", EMERGENCY_WORKFLOW]]},
]

# Field-office restriction of cases and disbursements (see ctm_portfolio/ctm_portfolio/permissions.py).
permission_query_conditions = {
	"CTM Case": "ctm_portfolio.ctm_portfolio.permissions.office_query_conditions",
	"CTM Emergency Disbursement": "ctm_portfolio.ctm_portfolio.permissions.office_query_conditions",
	# The workflow's pending actions name their request: only those of the user's offices.
	"Workflow Action": "ctm_portfolio.ctm_portfolio.permissions.workflow_action_query_conditions",
}
has_permission = {
	"CTM Case": "ctm_portfolio.ctm_portfolio.permissions.has_office_permission",
	"CTM Emergency Disbursement": "ctm_portfolio.ctm_portfolio.permissions.has_office_permission",
	"Workflow Action": "ctm_portfolio.ctm_portfolio.permissions.has_workflow_action_permission",
}
# Frappe v15's frappe.client.get_count checks no permission: count this app's DocTypes through get_list;
# frappe.client.validate_link tells whether a name exists: not a case of another field office.
override_whitelisted_methods = {
	"frappe.client.get_count": "ctm_portfolio.ctm_portfolio.permissions.get_count",
	"frappe.client.validate_link": "ctm_portfolio.ctm_portfolio.permissions.validate_link",
}

doc_events = {
	# Sharing would bypass the field-office restriction.
	"DocShare": {"validate": "ctm_portfolio.ctm_portfolio.permissions.validate_share"},
	# Cases carry no personal data: no custom field that could identify a person.
	"Custom Field": {"validate": "ctm_portfolio.ctm_portfolio.doc_bundle.refuse_identity_custom_field"},
	# The ISO code <-> Country map is cached.
	"Country": {
		"on_update": "ctm_portfolio.ctm_portfolio.countries.clear_cache",
		"on_trash": "ctm_portfolio.ctm_portfolio.countries.clear_cache",
		"after_rename": "ctm_portfolio.ctm_portfolio.countries.clear_cache",
	},
}

# Remove the roles (fixtures are not removed by uninstall-app) and the field-office User Permissions.
before_uninstall = "ctm_portfolio.install.before_uninstall"
