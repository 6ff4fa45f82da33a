"""Typed errors of the engine. Every input problem names its file, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
	"""One input problem. ``row`` counts the header as 1; ``None`` parts are dropped.

	``template`` and ``params`` let a caller translate the message:
	``_(p.template).format(**p.params)``.
	"""

	file: str
	row: int | None
	column: str | None
	template: str
	params: dict = field(default_factory=dict, compare=False, hash=False)

	@property
	def message(self) -> str:
		return self.template.format(**self.params)

	def __str__(self) -> str:
		parts = [self.file]
		if self.row is not None:
			parts.append(str(self.row))
		if self.column:
			parts.append(self.column)
		return ":".join(parts) + ": " + self.message

	def as_dict(self) -> dict:
		return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


def problem(file: str, row: int | None, column: str | None, template: str, /, **params) -> Problem:
	return Problem(file, row, column, template, params)


class CTMError(Exception):
	"""Base class of the engine's errors."""


class BundleInvalid(CTMError):
	"""The bundle breaks the contract; ``problems`` lists every problem found."""

	def __init__(self, problems: list[Problem]):
		self.problems = sorted(problems, key=_problem_order)
		super().__init__(f"{len(self.problems)} problem(s) in the bundle")

	def __str__(self) -> str:
		return "\n".join(str(p) for p in self.problems)


def _problem_order(p: Problem) -> tuple:
	from .spec import FILE_ORDER

	rank = FILE_ORDER.index(p.file) if p.file in FILE_ORDER else len(FILE_ORDER)
	return (rank, p.file, p.row or 0, p.column or "", p.message)
