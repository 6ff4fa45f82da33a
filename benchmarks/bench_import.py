"""Benchmark of the bundle import on a Frappe site: bulk path vs doc.insert(), and a 200,000-case import.

    cd /opt/frappe-bench && env/bin/python /work/main/benchmarks/bench_import.py --site io.localhost \\
        [--projects 2000 --cases 200000 --sample 2000] [--keep DIR]

Generates a big synthetic portfolio (``build_synthetic``: projects, modules, targets, donors,
contributions, earmarks, receipts, rates and cases), then on the site, in ONE transaction that
is rolled back at the end (the site keeps nothing; its portfolio documents are deleted inside
the transaction so that every import starts empty):

1. imports the portfolio without its cases (not timed);
2. inserts ``--sample`` cases one by one with ``doc.insert()`` (controllers, validation and
   all), timed, then rolls back to a savepoint;
3. imports the bundle of the same portfolio with those ``--sample`` cases through
   ``import_bundle`` (read + engine validation + site checks + compare + bulk insert), timed,
   then rolls back to the savepoint. Its per-case time counts the whole import, including
   reading and comparing the unchanged rest of the portfolio: a conservative figure;
4. imports the full bundle with all ``--cases`` cases, timed; then imports it again (nothing
   to write: the compare path), timed.

Prints rows/s and the per-case ratio doc.insert / bulk (target >= 20x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(os.environ.get("FRAPPE_BENCH", "/opt/frappe-bench"))


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--projects", type=int, default=2000)
	parser.add_argument("--cases", type=int, default=200_000)
	parser.add_argument("--sample", type=int, default=2000)
	parser.add_argument("--keep", metavar="DIR", help="write the bundles here and keep them")
	args = parser.parse_args()

	os.chdir(BENCH / "sites")
	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		run(args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def run(args) -> None:
	import frappe

	from ctm_portfolio.ctm_portfolio import countries
	from ctm_portfolio.ctm_portfolio.bundle_io import effective_case_offices, import_bundle
	from ctm_portfolio.engine.bundle import write_csv_bundle
	from ctm_portfolio.engine.demo import build_synthetic
	from ctm_portfolio.engine.validate import load_bundle

	folder = Path(args.keep or tempfile.mkdtemp(prefix="ctm-bench-import-"))
	started = time.perf_counter()
	tables = build_synthetic(args.projects, args.cases, 0, 0)
	cases = tables["cases.csv"]
	base = {name: rows for name, rows in tables.items() if name != "cases.csv"}
	write_csv_bundle({**base, "cases.csv": []}, folder / "base")
	write_csv_bundle({**base, "cases.csv": cases[: args.sample]}, folder / "sample")
	write_csv_bundle(tables, folder / "full")
	others = sum(len(rows) for rows in base.values())
	print(
		f"portfolio: {args.projects:,} projects, {args.cases:,} cases, {others:,} other rows "
		f"(generated and written in {time.perf_counter() - started:.1f} s)"
	)

	doctypes = frappe.get_all("DocType", filters={"module": "CTM Portfolio", "issingle": 0}, pluck="name")
	for doctype in doctypes:
		frappe.db.delete(doctype)
	import_bundle(folder / "base", progress=False, commit=False)

	# The field offices the sample's cases name exist before either path runs.
	sample = load_bundle(folder / "sample")
	offices = effective_case_offices(sample)
	for office in sorted(
		{o for o in offices.values() if o} - set(frappe.get_all("CTM Field Office", pluck="name"))
	):
		frappe.get_doc({"doctype": "CTM Field Office", "office_name": office}).insert(ignore_permissions=True)
	frappe.db.savepoint("bench_import")

	# 1. one by one through doc.insert()
	docs = [
		{
			"doctype": "CTM Case",
			"case_id": c.case_id,
			"project_code": c.project_code,
			"field_office": offices[c.case_id],
			"registration_date": c.registration_date,
			"gender": c.gender,
			"age_group": c.age_group,
			"citizenship": countries.code_to_country(c.citizenship),
			"country_of_assistance": countries.code_to_country(c.country_of_assistance),
			"exploitation": ";".join(c.exploitation) or None,
			"assistance": ";".join(c.assistance) or None,
			"route": ";".join(c.route) or None,
		}
		for c in sample.rows["cases.csv"]
	]
	started = time.perf_counter()
	for doc in docs:
		frappe.get_doc(doc).insert()
	one_by_one = time.perf_counter() - started
	frappe.db.rollback(save_point="bench_import")

	# 2. the bulk import of the same cases (with the unchanged rest of the portfolio)
	started = time.perf_counter()
	summary = import_bundle(folder / "sample", progress=False, commit=False)
	bulk = time.perf_counter() - started
	assert summary.inserted["CTM Case"] == len(docs), summary
	frappe.db.rollback(save_point="bench_import")

	per_doc = one_by_one / len(docs)
	per_bulk = bulk / len(docs)
	print(
		f"doc.insert(), one by one   {len(docs):>8,} cases {one_by_one:8.2f} s  {len(docs) / one_by_one:>10,.0f} cases/s"
		f"  {per_doc * 1000:8.3f} ms/case"
	)
	print(
		f"import_bundle (bulk path)  {len(docs):>8,} cases {bulk:8.2f} s  {len(docs) / bulk:>10,.0f} cases/s"
		f"  {per_bulk * 1000:8.3f} ms/case  (whole import: read, validate, compare {others:,} unchanged rows)"
	)
	print(f"ratio per case: {per_doc / per_bulk:.1f}x (target >= 20x)")

	# 3. the full portfolio, then the same bundle again (nothing to write)
	started = time.perf_counter()
	summary = import_bundle(folder / "full", progress=False, commit=False)
	full = time.perf_counter() - started
	assert summary.inserted["CTM Case"] == args.cases, summary
	print(
		f"full import                {args.cases:>8,} cases {full:8.2f} s  {args.cases / full:>10,.0f} cases/s"
		f"  ({summary.rows:,} rows of the bundle: {summary.rows / full:,.0f} rows/s)"
	)
	started = time.perf_counter()
	again = import_bundle(folder / "full", progress=False, commit=False)
	print(
		f"re-import, nothing to write {args.cases:>7,} cases {time.perf_counter() - started:8.2f} s"
		f"  (changed: {again.changed})"
	)
	if not args.keep:
		shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
	sys.exit(main())
