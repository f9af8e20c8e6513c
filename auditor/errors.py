"""The one error type users see: names the file or account, and the problem, on one line."""

from __future__ import annotations


class AuditorError(Exception):
    """A problem with user input (a file, an account, a policy) reported as one line, no traceback."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")


class AuditorErrors(AuditorError):
    """Several problems found at once (every bad row of a roster), reported one line each."""

    def __init__(self, problems: list[AuditorError]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.where, first.problem + more)
