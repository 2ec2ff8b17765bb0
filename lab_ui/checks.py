"""A verdict as a class records it (:class:`lab_ui.learner.Check`), and back as the teacher's text.

The answer is stored as our printer read it (``Feedback.latex``: ``2x`` and ``x*2`` are
one answer), so the teacher's "most common wrong answers" group by meaning, not by
spelling. The reason is the checker's own: a code and its parameters, turned back into
the checker's sentence in the teacher's language.
"""

from __future__ import annotations

import json

from calc_core.answers import Feedback
from calc_core.errors import InputError
from calc_core.exercises import ExampleCheck
from lab_ui.i18n import t
from lab_ui.learner import Check

MAX_RAW = 200


def from_feedback(exercise: str, part: str, fb: Feedback) -> Check:
    """A formula part's verdict: the first issue's kind and where it showed."""
    detail: dict[str, object] = {}
    reason = ""
    if fb.status == "unsimplified":
        reason = next((c.reason for c in fb.components if c.status == "unsimplified"), "")
    elif fb.status == "wrong_count":
        detail = {"expected": fb.expected_count, "got": fb.got_count}
    elif fb.issues:
        _, issue = fb.issues[0]
        reason = "differs_number" if issue.status == "differs" and not issue.point else issue.status
        point = ", ".join(f"{name} = {value}" for name, value in issue.point)
        detail = {"point": point, "got": issue.got, "factor": issue.factor, "offset": issue.offset}
        detail = {k: v for k, v in detail.items() if v}
    return Check(exercise, part, fb.latex, fb.status, reason, detail)


def from_error(exercise: str, part: str, text: str, err: InputError) -> Check:
    """An answer that could not be read: kept as typed (whitespace folded), with the code."""
    return Check(exercise, part, " ".join(str(text).split())[:MAX_RAW], "unreadable", err.code)


def from_choice(exercise: str, part: str, option: str, right: bool) -> Check:
    return Check(exercise, part, option, "right" if right else "wrong", "choice")


def from_example(exercise: str, part: str, r: ExampleCheck) -> Check:
    answer = f"f(x) = {r.f_latex}, x0 = {r.x0_latex}"
    return Check(exercise, part, answer, r.status, r.status, {"value": r.value})


def reason_text(
    exercise: str, part: str, answer: str, verdict: str, reason: str, detail: str
) -> str:
    """The checker's feedback on a recorded attempt, in the current language (plain text)."""
    try:
        loaded = json.loads(detail or "{}")
    except ValueError:
        loaded = {}
    params = {"point": "", "got": "", "factor": "", "offset": "", "expected": "", "points": ""}
    params.update(loaded if isinstance(loaded, dict) else {})
    if reason == "choice":
        return t(".".join(("exercises.items", exercise, "parts", part, "why", answer)))
    if verdict in ("unsimplified", "wrong_count", "swapped"):
        suffix = f"_{reason}" if verdict == "unsimplified" else ""
        return t(f"exercises.verdict.{verdict}{suffix}", **params)
    if verdict == "wrong" and reason:
        return t(f"exercises.issue.{reason}", what=t("class.their_answer"), **params)
    return t(f"class.verdict.{verdict}")
