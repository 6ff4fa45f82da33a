"""The French and Spanish catalogs cover every message of the app, placeholders intact.

Pure: the .po files are parsed with the standard library, the engine's templates are collected
by parsing its sources (ctm_portfolio.ctm_portfolio.engine_messages). After changing a message,
run ``bench generate-pot-file --app ctm_portfolio`` and ``bench update-po-files --app ctm_portfolio``,
then translate the new entries of fr.po and es.po.
"""

from __future__ import annotations

import ast
import io
import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ctm_portfolio.ctm_portfolio import engine_messages
from ctm_portfolio.engine.reconcile import FINDINGS

LOCALE = Path(__file__).resolve().parents[1] / "ctm_portfolio" / "locale"
LANGUAGES = ("fr", "es")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
	msgid: str = ""
	msgstr: str = ""
	context: str | None = None
	flags: set[str] = field(default_factory=set)


# .po keyword -> Entry attribute (plural forms are not used by the app: their extra lines are read and dropped)
KEYWORDS = {"msgctxt": "context", "msgid": "msgid", "msgstr": "msgstr", "msgstr[0]": "msgstr"}


def _unquote(text: str) -> str:
	text = text.strip()
	assert text.startswith('"') and text.endswith('"'), text
	return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
	"""(msgctxt, msgid) -> entry of a .po/.pot file; the header and obsolete (#~) entries are left out."""
	entries: dict[tuple[str | None, str], Entry] = {}
	entry, attribute = Entry(), None
	dropped = Entry()  # receives msgid_plural, msgstr[1], ...

	def close():
		nonlocal entry, attribute
		if entry.msgid:
			entries[(entry.context, entry.msgid)] = entry
		entry, attribute = Entry(), None

	for line in path.read_text(encoding="utf-8").splitlines():
		line = line.strip()
		if not line:
			close()
		elif line.startswith("#,"):
			entry.flags |= {flag.strip() for flag in line[2:].split(",")}
		elif line.startswith("#"):
			continue  # comments, references, obsolete entries
		elif line.startswith('"'):
			target = entry if attribute in ("context", "msgid", "msgstr") else dropped
			name = attribute if target is entry else "msgid"
			setattr(target, name, getattr(target, name) + _unquote(line))
		else:
			keyword, _, rest = line.partition(" ")
			attribute = KEYWORDS.get(keyword)
			if attribute is None:
				dropped.msgid = _unquote(rest)
			else:
				setattr(entry, attribute, _unquote(rest))
	close()
	return entries


def placeholders(text: str) -> set[str]:
	return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def tags(text: str) -> list[str]:
	return re.findall(r"</?[a-zA-Z][^>]*>", text)


@pytest.fixture(scope="module")
def pot():
	return read_po(LOCALE / "main.pot")


@pytest.fixture(scope="module", params=LANGUAGES)
def po(request):
	return request.param, read_po(LOCALE / f"{request.param}.po")


def test_the_template_holds_the_app_messages(pot):
	ids = {msgid for _, msgid in pot}
	assert len(ids) > 200
	for sample in ("CTM Project", "Funding", "Field Office", "CTM Finance Officer", "Active Projects"):
		assert sample in ids


def test_every_engine_template_is_in_the_pot_file(pot):
	"""main.pot is regenerated whenever the engine's messages change."""
	ids = {msgid for _, msgid in pot}
	stale = [
		f"{t!r} ({', '.join(where)})"
		for t, where in engine_messages.engine_templates().items()
		if t not in ids
	]
	assert not stale, (
		"run `bench generate-pot-file --app ctm_portfolio`; missing from main.pot:\n" + "\n".join(stale)
	)


def test_every_message_is_translated(pot, po):
	language, catalog = po
	wanted = set(pot) | {(None, t) for t in engine_messages.engine_templates()}
	missing = sorted(
		msgid
		for key in wanted
		for msgid in [key[1]]
		if key not in catalog or not catalog[key].msgstr.strip() or "fuzzy" in catalog[key].flags
	)
	assert not missing, f"{language}.po lacks a translation of {len(missing)} message(s):\n" + "\n".join(
		map(repr, missing)
	)


def test_translations_keep_the_placeholders_and_tags(po):
	language, catalog = po
	wrong = []
	for (_, msgid), entry in catalog.items():
		if not entry.msgstr:
			continue
		try:
			expected = placeholders(msgid)
		except ValueError:
			continue  # not a format string
		try:
			found = placeholders(entry.msgstr)
		except ValueError as error:
			wrong.append(f"{msgid!r} -> {entry.msgstr!r}: {error}")
			continue
		if found != expected:
			wrong.append(f"{msgid!r} -> {entry.msgstr!r}: {sorted(found)} instead of {sorted(expected)}")
		elif tags(msgid) != tags(entry.msgstr):
			wrong.append(f"{msgid!r} -> {entry.msgstr!r}: HTML tags changed")
	assert not wrong, f"{language}.po:\n" + "\n".join(wrong)


def test_engine_templates_are_collected():
	templates = engine_messages.engine_templates()
	for _, description in FINDINGS.values():
		assert description in templates
	assert "'{value}' is not a date in the form YYYY-MM-DD" in templates  # invalid(...)
	assert "unreadable CSV: {error}" in templates  # problem(...) in reader.py
	assert "a value is required" in templates  # problem(...) in validate.py
	assert "{contribution}: spent {spent} USD against a pledge of {pledged} USD" in templates  # self.finding
	assert "a value is required by the site's {doctype}" in templates  # bundle_io.py
	assert "ISO 4217 currency" in templates  # a {what} noun


def test_a_template_that_is_not_a_literal_is_refused():
	with pytest.raises(engine_messages.NotALiteral):
		engine_messages.messages_of_source("problem(name, 1, None, f'bad {x}')")
	with pytest.raises(engine_messages.NotALiteral):
		engine_messages.messages_of_source("raise invalid(TEMPLATE, value=1)")


def test_every_template_call_of_the_sources_is_collected():
	"""No template call hides in a file that engine_messages does not read."""
	app = engine_messages.APP
	read = set(engine_messages.SOURCES)
	for path in [*app.glob("engine/*.py"), *app.glob("ctm_portfolio/*.py")]:
		relative = path.relative_to(app).as_posix()
		if relative in read or path.name.startswith("test_") or path.name == "engine_messages.py":
			continue
		calls = [
			node.lineno
			for node in ast.walk(ast.parse(path.read_bytes()))
			if isinstance(node, ast.Call)
			and engine_messages._call_name(node) in engine_messages.TEMPLATE_CALLS
		]
		assert not calls, (
			f"{relative} makes template calls (lines {calls}): add it to engine_messages.SOURCES"
		)


def test_the_po_reader(tmp_path):
	path = tmp_path / "sample.po"
	path.write_text(
		'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
		'#. a comment\n#: file.py:1\nmsgid "Say \\"{0}\\""\nmsgstr ""\n"Dites "\n"« {0} »"\n\n'
		'#, fuzzy\nmsgid "Old"\nmsgstr "Vieux"\n\n'
		'msgctxt "Status"\nmsgid "Open"\nmsgstr "Ouvert"\n\n'
		'#~ msgid "Gone"\n#~ msgstr "Parti"\n',
		encoding="utf-8",
	)
	entries = read_po(path)
	assert entries[(None, 'Say "{0}"')].msgstr == "Dites « {0} »"
	assert "fuzzy" in entries[(None, "Old")].flags
	assert entries[("Status", "Open")].msgstr == "Ouvert"
	assert (None, "Gone") not in entries
	assert len(entries) == 3


def test_the_desk_json_extractor():
	records = [
		{"doctype": "Number Card", "name": "CTM X", "label": "Cases Assisted"},
		{"doctype": "Dashboard Chart", "chart_name": "Fund by Month"},
		{
			"doctype": "Workflow",
			"name": "W",
			"states": [{"state": "Draft", "message": None}],
			"transitions": [{"action": "Approve", "state": "Draft"}],
		},
		{"doctype": "Workflow State", "workflow_state_name": "Draft"},
		{"doctype": "Role", "role_name": "CTM HQ Reviewer"},
		{"doctype": "Custom Field", "label": "ignored"},
	]
	found = [
		message
		for _, _, message, _ in engine_messages.extract_desk_json(
			io.BytesIO(json.dumps(records).encode()), [], [], {}
		)
	]
	assert found == ["Cases Assisted", "Fund by Month", "Draft", "Approve", "Draft", "CTM HQ Reviewer"]
