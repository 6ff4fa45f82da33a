"""``ctm-portfolio``: validate and reconcile a portfolio bundle without a Frappe site.

Exit status: 0 done (findings or not); 2 the bundle is invalid (every problem is
printed as FILE:ROW:COLUMN: message) or the command line is wrong; 3 ``--fail-on``
found findings of that severity or worse.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .errors import BundleInvalid
from .money import round_cents
from .reconcile import FINDINGS, SEVERITY_RANK, reconcile
from .validate import load_bundle

EXIT_OK, EXIT_INVALID, EXIT_FINDINGS = 0, 2, 3


def _as_of(text: str) -> date:
	try:
		return date.fromisoformat(text)
	except ValueError:
		raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
	parser = argparse.ArgumentParser(
		prog="ctm-portfolio",
		description="Validate and reconcile a counter-trafficking portfolio bundle (a folder of CSVs or one .xlsx).",
	)
	commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

	check = commands.add_parser("validate", help="check a bundle against every rule of the contract")
	check.add_argument("bundle", help="a folder of CSV files or one .xlsx workbook")

	rec = commands.add_parser("reconcile", help="compute every figure and finding of a bundle")
	rec.add_argument("bundle", nargs="?", help="the bundle (default: the bundled demo portfolio)")
	rec.add_argument(
		"--as-of",
		type=_as_of,
		default=None,
		help="YYYY-MM-DD; rows dated later are left out (default: today)",
	)
	rec.add_argument(
		"--json", action="store_true", help="print the reconciliation as the contract's JSON object"
	)
	rec.add_argument("--xlsx", metavar="FILE", help="also write the reconciliation workbook to FILE")
	rec.add_argument(
		"--fail-on",
		choices=sorted(SEVERITY_RANK, key=SEVERITY_RANK.get),
		help="exit 3 when findings of this severity or worse exist",
	)

	demo = commands.add_parser("demo", help="write the demo portfolio as a CSV bundle")
	demo.add_argument("--out", required=True, metavar="DIR", help="folder to write the CSV files to")
	return parser


def main(argv: list[str] | None = None) -> int:
	args = build_parser().parse_args(argv)
	# Piped output (a scheduled job's log) gets a width that fits the tables.
	out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)
	err = Console(stderr=True, soft_wrap=True)
	if args.command == "validate":
		return _validate(args, out)
	if args.command == "reconcile":
		return _reconcile(args, out, err)
	return _demo(args, err)


def _print_problems(error: BundleInvalid, console: Console) -> None:
	for problem in error.problems:
		console.print(str(problem), markup=False, highlight=False)
	console.print(f"{len(error.problems)} problem(s): the bundle is invalid", markup=False, highlight=False)


def _validate(args, out: Console) -> int:
	try:
		bundle = load_bundle(args.bundle)
	except BundleInvalid as error:
		_print_problems(error, out)
		return EXIT_INVALID
	rows = sum(len(rows) for rows in bundle.rows.values())
	out.print(f"{args.bundle}: the bundle is valid ({rows} rows)", markup=False, highlight=False)
	return EXIT_OK


def _reconcile(args, out: Console, err: Console) -> int:
	source = args.bundle
	if source is None:
		from .demo import DEMO_DIR

		source = DEMO_DIR
	try:
		bundle = load_bundle(source)
	except BundleInvalid as error:
		_print_problems(error, err)
		return EXIT_INVALID
	result = reconcile(bundle, args.as_of or date.today())

	if args.json:
		from .output import dumps

		sys.stdout.write(dumps(result) + "\n")
	else:
		print_summary(result, out)
	if args.xlsx:
		from .workbook import write_workbook

		Path(args.xlsx).parent.mkdir(parents=True, exist_ok=True)
		write_workbook(result, args.xlsx)
		err.print(f"wrote {args.xlsx}", markup=False, highlight=False)
	if args.fail_on:
		threshold = SEVERITY_RANK[args.fail_on]
		if any(SEVERITY_RANK[f["severity"]] >= threshold for f in result["findings"]):
			return EXIT_FINDINGS
	return EXIT_OK


def _demo(args, err: Console) -> int:
	from .demo import write_demo

	written = write_demo(args.out)
	err.print(f"wrote the demo portfolio to {args.out} ({len(written)} files)", markup=False, highlight=False)
	return EXIT_OK


_FIGURES = (
	("budget_usd", "Budget"),
	("pledged_usd", "Pledged"),
	("received_usd", "Received"),
	("outstanding_usd", "Outstanding"),
	("spent_usd", "Spent"),
	("funding_gap_usd", "Funding gap"),
	("cash_balance_usd", "Cash balance"),
)


_REGION_FIGURES = ("budget_usd", "pledged_usd", "received_usd", "spent_usd", "funding_gap_usd")


def print_summary(result: dict, console: Console) -> None:
	"""The reconciliation as a readable terminal summary."""
	p = result["portfolio"]
	console.rule(f"Portfolio reconciliation as of {result['as_of'].isoformat()} (USD)")
	totals = Table(show_header=False, box=None)
	totals.add_column(style="bold")
	totals.add_column(justify="right")
	status = ", ".join(f"{k} {v}" for k, v in p["projects_by_status"].items())
	totals.add_row("Projects", f"{p['project_count']} ({status})")
	for key, label in _FIGURES:
		totals.add_row(label, _money(p[key]))
	totals.add_row("Cases assisted", f"{p['cases_assisted']:,}")
	console.print(totals)

	regions = Table(title="By region", title_justify="left")
	regions.add_column("Region")
	regions.add_column("Projects", justify="right")
	shown = [(key, label) for key, label in _FIGURES if key in _REGION_FIGURES]
	for _, label in shown:
		regions.add_column(label, justify="right")
	regions.add_column("Cases", justify="right")
	for r in result["regions"]:
		regions.add_row(
			r["region"],
			str(r["project_count"]),
			*(_money(r[key]) for key, _ in shown),
			f"{r['cases_assisted']:,}",
		)
	console.print(regions)

	fund = result["emergency_fund"]
	if fund:
		console.print(
			f"Emergency fund {fund['project_code']}: received {_money(fund['received_usd'])}, "
			f"disbursed {_money(fund['disbursed_usd'])}, committed {_money(fund['committed_usd'])}, "
			f"available {_money(fund['available_usd'])}; {fund['cases_assisted']:,} cases assisted",
			highlight=False,
		)

	findings = Table(title="Findings by code", title_justify="left")
	findings.add_column("Code")
	findings.add_column("Severity")
	findings.add_column("Count", justify="right")
	findings.add_column("Amount (USD)", justify="right")
	counts = Counter(f["code"] for f in result["findings"])
	for code in sorted(counts):
		severity = FINDINGS[code][0]
		amount = sum(
			(
				f["amount_usd"]
				for f in result["findings"]
				if f["code"] == code and f["amount_usd"] is not None
			),
			start=0,
		)
		style = "red" if severity == "error" else "yellow"
		findings.add_row(
			code, f"[{style}]{severity}[/{style}]", str(counts[code]), _money(amount) if amount else ""
		)
	if counts:
		console.print(findings)
	else:
		console.print("No findings.")


def _money(value) -> str:
	return f"{round_cents(Decimal(value)):,.2f}" if value is not None else ""


if __name__ == "__main__":
	sys.exit(main())
