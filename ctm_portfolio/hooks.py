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

# The app's roles: Role records synced from fixtures/role.json on install-app and on every migrate.
CTM_ROLES = ["CTM Programme Manager", "CTM Finance Officer", "CTM Field Office", "CTM HQ Reviewer"]
fixtures = [{"dt": "Role", "filters": [["name", "in", CTM_ROLES]]}]
