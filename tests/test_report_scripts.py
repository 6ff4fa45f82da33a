"""The reports' desk scripts use only the shared helpers that public/js/reports.js defines, the
app's desk bundle (hooks.app_include_js) is the one that imports it, and every script parses
(``node --check``, where Node.js is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ctm_portfolio.engine import spec
from ctm_portfolio.engine.reconcile import FINDINGS

APP = Path(__file__).resolve().parents[1] / "ctm_portfolio"
SHARED = APP / "public" / "js" / "reports.js"
REPORTS = sorted((APP / "ctm_portfolio" / "report").glob("*/*.js"))


def defined_helpers() -> set[str]:
	body = SHARED.read_text(encoding="utf-8")
	block = body[body.index("Object.assign(ctm_portfolio.reports, {") :]
	return set(re.findall(r"^\t(\w+)\(", block, flags=re.MULTILINE))


def test_the_shared_helpers_are_defined():
	assert defined_helpers() == {"url", "formatter", "vocabulary", "filter"}


def test_no_script_holds_a_copy_of_the_contracts_vocabularies():
	"""Regions, assistance types and finding codes come from the engine (hooks.boot_session)."""
	words = {*spec.REGIONS, *spec.ASSISTANCE_TYPES, *FINDINGS}
	for script in [SHARED, *REPORTS]:
		quoted = set(re.findall(r'"([^"]+)"', script.read_text(encoding="utf-8")))
		assert not quoted & words, f"{script.name} lists {sorted(quoted & words)}"


def test_every_report_script_uses_only_defined_helpers():
	helpers = defined_helpers()
	assert len(REPORTS) == 7
	for script in REPORTS:
		text = script.read_text(encoding="utf-8")
		used = set(re.findall(r"ctm_portfolio\.reports\.(\w+)", text))
		assert used <= helpers, f"{script.name} uses {used - helpers}"
		assert "Object.assign(ctm_portfolio.reports" not in text, f"{script.name} redefines the helpers"


def test_the_desk_bundle_imports_the_helpers_and_hooks_include_it():
	bundle = APP / "public" / "js" / "ctm_portfolio.bundle.js"
	assert 'import "./reports";' in bundle.read_text(encoding="utf-8")
	hooks = (APP / "hooks.py").read_text(encoding="utf-8")
	assert re.search(r'^app_include_js = "ctm_portfolio\.bundle\.js"$', hooks, flags=re.MULTILINE)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_every_script_parses():
	for script in [SHARED, *REPORTS]:
		checked = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
		assert checked.returncode == 0, f"{script.name}: {checked.stderr}"
