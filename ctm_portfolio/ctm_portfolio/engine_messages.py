"""The translatable messages Frappe's extractor cannot see, and babel extractors that add them to main.pot.

The engine never imports frappe, so it has no ``_()``: its user-facing messages are constant
templates with ``{placeholders}`` that the Frappe layer translates as
``_(template).format(**params)``. They are the string literals passed to

- ``invalid(template, ...)`` (engine/schemas.py),
- ``problem(file, row, column, template, ...)`` (engine/reader.py, engine/validate.py, and the
  site checks of bundle_io.py),
- ``self.finding(code, entity, id, template, ...)`` (engine/reconcile.py),

plus the descriptions of ``FINDINGS`` (engine/reconcile.py) and the ``what`` nouns the
validators of engine/schemas.py put in their messages ("amount", "ISO 4217 currency", ...).
:func:`engine_templates` collects them all by parsing the sources (nothing is imported), so the
list cannot drift from the code.

``babel_extractors.csv`` (at the root of the repository, read by ``bench generate-pot-file``)
maps those files to :func:`extract`; the number cards, dashboards, dashboard charts and
fixtures (JSON that Frappe has no extractor for) to :func:`extract_desk_json`; and hooks.py to
Frappe's plain Python extractor (its navbar extractor fails on an app outside the bench folder).

This module imports neither frappe nor babel at import time: the pure tests use it.
"""

from __future__ import annotations

import ast
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parents[1]  # the ctm_portfolio package

# call name -> index of the positional argument that is the template
TEMPLATE_CALLS: dict[str, int] = {
	"invalid": 0,
	"problem": 3,
	"finding": 3,  # self.finding(code, entity, id_, template, amount, **params)
}
# validator factory of engine/schemas.py -> index of its ``what`` argument
WHAT_CALLS: dict[str, int] = {
	"_decimal_validator": 2,
	"_code_validator": 1,
	"_list_validator": 1,
	"_vocabulary": 1,
}
# The files whose messages are collected, relative to the ctm_portfolio package.
SOURCES: tuple[str, ...] = (
	"engine/schemas.py",
	"engine/reader.py",
	"engine/validate.py",
	"engine/reconcile.py",
	"ctm_portfolio/bundle_io.py",
	"ctm_portfolio/doc_bundle.py",
)

TEMPLATE_COMMENT = "Message template of the portfolio checks: keep every {placeholder} as it is"
FINDING_COMMENT = "Description of a reconciliation finding"
WHAT_COMMENT = "What a value should be, put in the {what} placeholder of a check's message"


@dataclass(frozen=True)
class Message:
	text: str
	lineno: int
	comment: str


class NotALiteral(ValueError):
	"""A template that is not a string literal: the extractor cannot collect it."""


def _call_name(node: ast.Call) -> str | None:
	if isinstance(node.func, ast.Name):
		return node.func.id
	if isinstance(node.func, ast.Attribute):
		return node.func.attr
	return None


def _literal(node: ast.expr, where: str) -> str:
	if isinstance(node, ast.Constant) and isinstance(node.value, str):
		return node.value
	raise NotALiteral(f"{where}:{node.lineno}: a message template must be a string literal")


def messages_of_source(source: str | bytes, where: str = "<source>") -> list[Message]:
	"""Every engine message template of one Python source, in order of appearance.

	A call ``problem(...)`` etc. whose template argument is not a string literal raises
	:class:`NotALiteral`, except the calls that pass on a template received as a variable
	(``Problem(name, ..., template, ...)`` is not a collected call; ``problem`` always gets a literal).
	"""
	found: list[Message] = []
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Call):
			name = _call_name(node)
			if name in TEMPLATE_CALLS:
				at = TEMPLATE_CALLS[name]
				if len(node.args) > at:
					found.append(Message(_literal(node.args[at], where), node.lineno, TEMPLATE_COMMENT))
			elif name in WHAT_CALLS:
				at = WHAT_CALLS[name]
				if len(node.args) > at and not isinstance(node.args[at], ast.Name):
					found.append(Message(_literal(node.args[at], where), node.lineno, WHAT_COMMENT))
		elif isinstance(node, ast.AnnAssign | ast.Assign):
			targets = node.targets if isinstance(node, ast.Assign) else [node.target]
			if any(isinstance(t, ast.Name) and t.id == "FINDINGS" for t in targets):
				found.extend(_finding_descriptions(node.value, where))
	return sorted(found, key=lambda m: m.lineno)


def _finding_descriptions(node: ast.expr | None, where: str) -> list[Message]:
	if not isinstance(node, ast.Dict):
		raise NotALiteral(f"{where}: FINDINGS must be a dict literal")
	found = []
	for value in node.values:
		if not (isinstance(value, ast.Tuple) and len(value.elts) == 2):
			raise NotALiteral(f"{where}:{value.lineno}: a finding must be (severity, description)")
		found.append(Message(_literal(value.elts[1], where), value.lineno, FINDING_COMMENT))
	return found


def engine_templates() -> dict[str, list[str]]:
	"""Every engine message template -> its locations ("engine/schemas.py:35", ...)."""
	templates: dict[str, list[str]] = {}
	for relative in SOURCES:
		path = APP / relative
		for m in messages_of_source(path.read_bytes(), relative):
			templates.setdefault(m.text, []).append(f"{relative}:{m.lineno}")
	return templates


# -- babel extractors (called by ``bench generate-pot-file`` through babel_extractors.csv) ----------


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
	"""The ``_()`` messages of a Python file (as Frappe extracts them) plus its engine templates."""
	from frappe.gettext.extractors.python import extract as extract_python

	source = fileobj.read()
	yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
	name = getattr(fileobj, "name", "<source>")
	for m in messages_of_source(source, name):
		yield m.lineno, "_", m.text, [m.comment]


def _desk_messages(record: dict) -> Iterator[tuple[str, str]]:
	"""(message, comment) of one desk record the desk shows through ``__()``."""
	doctype, name = record.get("doctype"), record.get("name")
	if doctype == "Number Card" and record.get("label"):
		yield record["label"], f"Label of the Number Card '{name}'"
	elif doctype == "Dashboard Chart" and record.get("chart_name"):
		yield record["chart_name"], "Name of a Dashboard Chart"
	elif doctype == "Dashboard" and record.get("dashboard_name"):
		yield record["dashboard_name"], "Name of a Dashboard"
	elif doctype == "Role" and record.get("role_name"):
		yield record["role_name"], "Name of a role"
	elif doctype == "Workflow State" and record.get("workflow_state_name"):
		yield record["workflow_state_name"], "Name of a Workflow State"
	elif doctype == "Workflow Action Master" and record.get("workflow_action_name"):
		yield record["workflow_action_name"], "Name of a Workflow Action"
	elif doctype == "Workflow":
		for state in record.get("states") or ():
			if state.get("state"):
				yield state["state"], f"State of the Workflow '{name}'"
			if state.get("message"):
				yield (
					state["message"],
					f"Message of the state '{state.get('state')}' of the Workflow '{name}'",
				)
		for transition in record.get("transitions") or ():
			if transition.get("action"):
				yield transition["action"], f"Action of the Workflow '{name}'"


def extract_desk_json(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
	"""Labels of the desk records Frappe has no extractor for: number cards, dashboards and
	their charts, and the fixtures (roles, workflows, workflow states and actions)."""
	data = json.load(fileobj)
	for record in data if isinstance(data, list) else [data]:
		if isinstance(record, dict):
			for message, comment in _desk_messages(record):
				yield None, "_", message, [comment]
