"""The engine never imports frappe: the headless command and pure tests run anywhere."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "ctm_portfolio" / "engine"


def test_no_engine_module_imports_frappe():
	for path in ENGINE.glob("*.py"):
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if isinstance(node, ast.Import):
				names = [alias.name for alias in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
			else:
				continue
			assert not any(n == "frappe" or n.startswith("frappe.") for n in names), (
				f"{path.name} imports frappe"
			)


def test_the_engine_loads_without_frappe():
	code = "import sys, ctm_portfolio.engine.cli, ctm_portfolio.engine.workbook; assert 'frappe' not in sys.modules"
	assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
