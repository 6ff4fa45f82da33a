// The app's desk script (hooks.app_include_js), built by `bench build --app ctm_portfolio`.
import "./reports";
