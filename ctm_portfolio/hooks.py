app_name = "ctm_portfolio"
app_title = "CTM Portfolio"
app_publisher = "ctm_portfolio developers"
app_description = (
	"Grant and project portfolio management for counter-trafficking programmes, "
	"reconciled against the CTM caseload"
)
app_email = "ctm-portfolio@example.org"
app_license = "mit"
required_apps = ["frappe"]

# Fixtures shipped with the app (roles and the like are created from these on install/migrate).
fixtures = []
