"""The reconciliation as the contract's JSON object: money as strings, dates ISO."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from .money import fmt_money, fmt_rate


def to_jsonable(node, key: str = ""):
	if isinstance(node, dict):
		return {k: to_jsonable(v, k) for k, v in node.items()}
	if isinstance(node, list):
		return [to_jsonable(v, key) for v in node]
	if isinstance(node, Decimal):
		return fmt_rate(node) if key == "burn_rate" else fmt_money(node)
	if isinstance(node, date):
		return node.isoformat()
	return node


def dumps(result: dict) -> str:
	return json.dumps(to_jsonable(result), indent=2, ensure_ascii=False)
