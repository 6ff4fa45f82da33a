"""Bench commands of the app (frappe finds the ``commands`` list of ``<app>.commands``):

    bench --site SITE ctm-portfolio import BUNDLE [--no-progress]
    bench --site SITE ctm-portfolio export DIR [--user USER]
    bench --site SITE ctm-portfolio load-demo [--no-progress]

``import`` exits 2 and prints every problem as FILE:ROW:COLUMN: message when the bundle is
invalid (nothing is written then), as the engine's ``ctm-portfolio validate`` does.
The engine and pandas are imported only when a command runs, not on every ``bench`` call.
"""

from __future__ import annotations

import sys

import click
import frappe
from frappe import _
from frappe.commands import get_site, pass_context

EXIT_INVALID = 2


def _connect(context) -> None:
	frappe.init(site=get_site(context))
	frappe.connect()


def _import(path, progress: bool) -> None:
	from ctm_portfolio.ctm_portfolio.bundle_io import import_bundle, problem_text
	from ctm_portfolio.engine.errors import BundleInvalid

	try:
		summary = import_bundle(str(path), progress=progress)
	except BundleInvalid as error:
		for p in error.problems:
			click.echo(problem_text(p), err=True)
		click.echo(
			_("{0} problem(s): the bundle is invalid; nothing was imported").format(len(error.problems)),
			err=True,
		)
		sys.exit(EXIT_INVALID)
	click.echo(str(summary))


@click.group("ctm-portfolio", help="Import and export counter-trafficking portfolio bundles.")
def ctm_portfolio():
	pass


@ctm_portfolio.command("import", help="Import a bundle (a folder of CSV files or one .xlsx workbook).")
@click.argument("bundle", type=click.Path())
@click.option("--no-progress", is_flag=True, default=False, help="Do not show a progress bar.")
@pass_context
def import_command(context, bundle, no_progress=False):
	_connect(context)
	try:
		_import(bundle, progress=not no_progress)
	finally:
		frappe.destroy()


@ctm_portfolio.command("export", help="Export the site's portfolio as a CSV bundle into DIR.")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--user", default=None, help="Export only what this user may read (default: Administrator).")
@pass_context
def export_command(context, folder, user=None):
	from ctm_portfolio.ctm_portfolio.bundle_io import export_bundle

	_connect(context)
	try:
		if user:
			if not frappe.db.exists("User", user):
				click.echo(_("No such user: {0}").format(user), err=True)
				sys.exit(1)
			frappe.set_user(user)
		counts = export_bundle(folder)
		click.echo(_("Exported {0} rows to {1}").format(sum(counts.values()), folder))
		for name, count in counts.items():
			click.echo(f"  {name}: {count}")
	finally:
		frappe.destroy()


@ctm_portfolio.command("load-demo", help="Import the demo portfolio bundled with the app.")
@click.option("--no-progress", is_flag=True, default=False, help="Do not show a progress bar.")
@pass_context
def load_demo(context, no_progress=False):
	import tempfile

	from ctm_portfolio.engine.demo import DEMO_DIR, write_demo

	_connect(context)
	try:
		if DEMO_DIR.is_dir():
			_import(DEMO_DIR, progress=not no_progress)
		else:  # a source tree without the generated CSV files: build them
			with tempfile.TemporaryDirectory(prefix="ctm-demo-") as folder:
				write_demo(folder)
				_import(folder, progress=not no_progress)
	finally:
		frappe.destroy()


commands = [ctm_portfolio]
