"""The exercises page's widgets: the checklist, one exercise card, its answer boxes and verdicts.

The page stays thin; everything here is presentation. The right answers and the
judging live in :mod:`calc_core.exercises` and :mod:`calc_core.answers` and run in
the worker through :func:`lab_ui.shell.compute`.

Widget keys (also what tests drive): for exercise ``n`` of ``edition``, a part with
id ``main`` uses ``answer_<edition>_<n>`` and ``check_<edition>_<n>``; any other part
appends its id (``answer_en_1_pow3``); choices use ``choice_...``; the reveal toggle
is ``reveal_<edition>_<n>``; the norm's dimension ``dim_<edition>_<n>``. Answers are
kept when the learner switches exercises; a verdict stays on screen while the box
holds the text that was checked. Progress lives in ``st.session_state``; every verdict
shown goes through :func:`lab_ui.learner.checked` (saved progress, class statistics).
"""

from __future__ import annotations

import streamlit as st

from calc_core import exercises as ex
from calc_core.answers import MAX_ANSWER_LENGTH, ComponentCheck, Feedback
from calc_core.exercise_derivations import derivations
from lab_ui import checks, icons, learner, notebooks
from lab_ui import url_state as us
from lab_ui.choices import choose
from lab_ui.exercise_notebook import exercise_cells
from lab_ui.i18n import catalog, current_language, t
from lab_ui.links import page_link
from lab_ui.shell import compute, show_error
from lab_ui.tables import explain_derivative
from lab_ui.widget_state import hold

PROGRESS = learner.PROGRESS
CHECKED = "_exercise_checked_"
KEEP = "_exercise_keep_"
SHOWN = "_exercise_shown"
LEFT = "_exercise_left"
OTHER = {"zh": "en", "en": "zh"}


def flag(raw: str) -> bool:
    """A 0/1 query parameter."""
    if raw not in ("0", "1"):
        raise ValueError("not a flag")
    return raw == "1"


def edition_for(lang: str, other: bool) -> str:
    """The edition follows the language; the switch shows the other one."""
    return OTHER[lang] if other else lang


def follow(edition: str) -> int:
    """The exercise to show: kept across an edition switch when both editions have it.

    When the other edition lacks it (the English edition's xˣ), that edition opens on
    its first exercise; switching back, the learner finds the exercise they left,
    unless they chose another one meanwhile.
    """
    state = st.session_state
    n = state.get("n", 1)
    last = state.get(SHOWN)
    if last and last[0] != edition:
        left = state.get(LEFT)  # (edition, exercise, where the switch landed)
        if left is not None and left[0] == edition and left[2] == last:
            n = ex.number_in(edition, left[1]) or 1
        else:
            n = ex.number_in(edition, last[1]) or 1
            if ex.number_in(edition, last[1]) is None:
                state[LEFT] = (*last, (edition, ex.EDITIONS[edition][n - 1]))
    if not 1 <= n <= len(ex.EDITIONS[edition]):
        n = 1
    state["n"] = n
    state[SHOWN] = (edition, ex.EDITIONS[edition][n - 1])
    return n


def _text(item: str, *path: str) -> str:
    return t(".".join(("exercises.items", item, *path)))


def _optional(item: str, *path: str) -> str | None:
    """A text only some exercises have (a notation note, a placeholder)."""
    key = ".".join(("exercises.items", item, *path))
    return t(key) if key in catalog(current_language()) else None


def _key(edition: str, n: int, part_id: str) -> str:
    return f"{edition}_{n}" if part_id == "main" else f"{edition}_{n}_{part_id}"


def _progress(edition: str, item: str) -> set[str]:
    return st.session_state.setdefault(PROGRESS, {}).setdefault(f"{edition}.{item}", set())


def _verdict(edition: str, k: str, check: learner.Check, solved: bool) -> None:
    """A verdict just shown: tick the part if solved; save it and record it (never waits)."""
    if solved:
        _progress(edition, check.exercise).add(check.part)
    learner.checked(edition, k, check, solved, st.session_state.get(CHECKED + k))


def solved(edition: str, exercise: ex.Exercise) -> bool:
    done = _progress(edition, exercise.id)
    return all(p.id in done for p in exercise.parts_for(edition))


def _restore(key: str) -> None:
    """Give a widget back the value it had before the learner switched exercises."""
    if key not in st.session_state and KEEP + key in st.session_state:
        st.session_state[key] = st.session_state[KEEP + key]
    hold(key)


def _keep(key: str) -> None:
    st.session_state[KEEP + key] = st.session_state.get(key)


# ----------------------------------------------------------------------------- checklist


def checklist(edition: str, where) -> None:
    """The exercise picker (key ``n``), one tick per solved exercise, and a progress bar."""
    ids = ex.EDITIONS[edition]
    done = [solved(edition, ex.EXERCISES[i]) for i in ids]
    # labels computed here: a format_func must not read session state (tests call it outside)
    labels = {
        k: f"{icons.OK if done[k - 1] else icons.TODO} {k}. {_text(i, 'title')}"
        for k, i in enumerate(ids, start=1)
    }
    choose(
        where.radio,
        t("exercises.list", edition=t(f"exercises.edition.{edition}")),
        list(labels),
        key="n",
        format_func=labels.__getitem__,
    )
    where.progress(
        sum(done) / len(ids), text=t("exercises.progress", solved=sum(done), total=len(ids))
    )


# ----------------------------------------------------------------------------- links


def _describe(link: ex.Link) -> str:
    query = dict(link.query)
    bits = [t(f"exercises.mode.{query['mode']}")] if "mode" in query else []
    for name in ("f", "u", "inner", "x0", "at", "wrt"):
        if name in query:
            bits.append(t(f"exercises.link_param.{name}", value=query[name]))
    return ", ".join(bits)


def links(exercise: ex.Exercise) -> None:
    for link in exercise.links:
        label = t("exercises.explore", page=t(f"nav.{link.page}"), what=_describe(link))
        page_link(link.slug, dict(link.query), label)


# ----------------------------------------------------------------------------- verdicts


def _where(point: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in point)


def _issue(check: ComponentCheck, what: str) -> str:
    status = check.status
    if status == "differs" and not check.point:
        status = "differs_number"
    return t(
        f"exercises.issue.{status}",
        what=what,
        point=_where(check.point),
        got=check.got,
        expected=check.expected,
        factor=check.factor,
        offset=check.offset,
        points=check.agree,
    )


def _issues(fb: Feedback) -> list[str]:
    vector = fb.expected_count > 1
    return [
        "- " + _issue(c, t("exercises.component", k=k) if vector else t("exercises.your_answer"))
        for k, c in fb.issues
    ]


def feedback(fb: Feedback, hint: str) -> None:
    """The verdict: success, "right but not simplified", or what differs plus a hint."""
    if fb.status == "right":
        st.success(t("exercises.verdict.right_symbolic", points=fb.points), icon=icons.OK)
    elif fb.status == "undecided":
        lines = _issues(fb) if fb.expected_count > 1 else []
        head = t("exercises.verdict.undecided", points=fb.points)
        st.warning("\n".join([head, *lines]), icon=icons.UNDECIDED)
    elif fb.status == "unsimplified":
        reason = next(c.reason for c in fb.components if c.status == "unsimplified")
        st.warning(t(f"exercises.verdict.unsimplified_{reason}"), icon=icons.EDIT)
    elif fb.status == "wrong_count":
        st.error(
            t("exercises.verdict.wrong_count", expected=fb.expected_count, got=fb.got_count),
            icon=icons.WRONG,
        )
    elif fb.status == "swapped":
        st.error(t("exercises.verdict.swapped"), icon=icons.WRONG)
    else:
        st.error("\n".join([t("exercises.verdict.wrong"), *_issues(fb)]), icon=icons.WRONG)
    if fb.latex:  # LaTeX printed from our parse tree, never the learner's text
        st.caption(t("exercises.we_read"))
        st.latex(fb.latex)
    if not fb.solved:
        st.info(hint, icon=icons.IDEA)


# ----------------------------------------------------------------------------- parts


def _checked(k: str, value) -> bool:
    """Remember what was checked on a click; true while the widgets still hold it."""
    return st.session_state.get(CHECKED + k, object()) == value


def _check_on_enter(k: str, keys: tuple[str, ...], dim: int | None = None) -> None:
    """Enter in an answer box checks it, as the Check button does (an on_change callback).

    Only once every box of the part holds something: emptying a box, or Enter in the
    first of two boxes, is not an answer yet (the button still checks whatever is there).
    """
    values = tuple(st.session_state.get(key, "") for key in keys)
    if not all(str(v).strip() for v in values):
        return
    checked = values[0] if len(values) == 1 else values
    st.session_state[CHECKED + k] = checked if dim is None else (checked, dim)


def _formula(edition: str, n: int, exercise: ex.Exercise, part: ex.Part, dim: int) -> None:
    k = _key(edition, n, part.id)
    _restore(f"answer_{k}")
    box, button = st.columns([5, 1], vertical_alignment="bottom")
    text = box.text_input(
        t("exercises.answer"),
        key=f"answer_{k}",
        max_chars=MAX_ANSWER_LENGTH,
        placeholder=_optional(exercise.id, "parts", part.id, "placeholder"),
        on_change=_check_on_enter,
        args=(k, (f"answer_{k}",), dim),
    )
    _keep(f"answer_{k}")
    if button.button(t("exercises.check"), key=f"check_{k}"):
        st.session_state[CHECKED + k] = (text, dim)
    if not _checked(k, (text, dim)):
        return
    out = compute(ex.check_answer, exercise.id, part.id, text, dim)
    if out.error:
        show_error(out.error, {"answer": text})
        _verdict(edition, k, checks.from_error(exercise.id, part.id, text, out.error), False)
        return
    feedback(out.value, _text(exercise.id, "parts", part.id, "hint"))
    _verdict(edition, k, checks.from_feedback(exercise.id, part.id, out.value), out.value.solved)


def _choice(edition: str, n: int, exercise: ex.Exercise, part: ex.Part) -> None:
    k = _key(edition, n, part.id)
    _restore(f"choice_{k}")
    labels = {o: _text(exercise.id, "parts", part.id, "options", o) for o in part.options}
    choice = choose(
        st.radio,
        _text(exercise.id, "parts", part.id, "prompt"),
        part.options,
        key=f"choice_{k}",
        default=None,
        format_func=labels.__getitem__,
    )
    _keep(f"choice_{k}")
    if st.button(t("exercises.check"), key=f"check_{k}"):
        st.session_state[CHECKED + k] = choice
    if choice is None or not _checked(k, choice):
        return
    why = _text(exercise.id, "parts", part.id, "why", choice)
    right = ex.check_choice(exercise.id, part.id, choice)
    (st.success if right else st.error)(why, icon=icons.OK if right else icons.WRONG)
    _verdict(edition, k, checks.from_choice(exercise.id, part.id, choice, right), right)


def _example(edition: str, n: int, exercise: ex.Exercise, part: ex.Part) -> None:
    k = _key(edition, n, part.id)
    for name in (f"answer_{k}", f"answer_{k}_x0"):
        _restore(name)
    left, right, button = st.columns([4, 2, 1], vertical_alignment="bottom")
    boxes = (f"answer_{k}", f"answer_{k}_x0")
    enter = {"on_change": _check_on_enter, "args": (k, boxes)}
    f_text = left.text_input(t("field.f"), key=boxes[0], max_chars=200, **enter)
    x0_text = right.text_input(t("field.x0"), key=boxes[1], max_chars=50, **enter)
    for name in (f"answer_{k}", f"answer_{k}_x0"):
        _keep(name)
    if button.button(t("exercises.check"), key=f"check_{k}"):
        st.session_state[CHECKED + k] = (f_text, x0_text)
    if not _checked(k, (f_text, x0_text)):
        return
    out = compute(ex.check_example, f_text, x0_text)
    if out.error:
        show_error(out.error, {"f": f_text, "x0": x0_text})
        raw = f"f(x) = {f_text}, x0 = {x0_text}"
        _verdict(edition, k, checks.from_error(exercise.id, part.id, raw, out.error), False)
        return
    r = out.value
    _verdict(edition, k, checks.from_example(exercise.id, part.id, r), r.status == "right")
    shown = {"derivative": r.derivative_latex, "x0": r.x0_latex, "value": r.value}
    if r.status == "right":
        kind = t(f"exercises.example.kind.{r.kind}")
        st.success(t("exercises.example.right", **shown) + " " + kind, icon=icons.OK)
    elif r.status == "not_zero":
        st.error(t("exercises.example.not_zero", **shown), icon=icons.WRONG)
    elif r.status == "undecided":
        st.warning(t("exercises.example.undecided", **shown), icon=icons.UNDECIDED)
    else:
        st.error(explain_derivative(r.point), icon=icons.WRONG)
    if r.status != "right":
        st.info(_text(exercise.id, "parts", part.id, "hint"), icon=icons.IDEA)
    query = {"f": f_text, "x0": us.fmt_number(r.point.x0)}
    page_link("tangent", query, t("exercises.explore_yours", page=t("nav.tangent")))


# ----------------------------------------------------------------------------- the card


def card(edition: str, n: int) -> None:
    """Exercise ``n`` of ``edition``: statement, links, parts (by derivation), solution."""
    exercise = ex.exercise(edition, n)
    item = exercise.id
    heading = t("exercises.heading", n=n, edition=t(f"exercises.edition.{edition}"))
    st.subheader(f"{heading} · {_text(item, 'title')}")
    st.markdown(_text(item, "statement"))
    notation = _optional(item, "notation")
    if notation:
        st.caption(notation)
    links(exercise)
    dim = 2
    if exercise.dims:
        _restore(f"dim_{edition}_{n}")
        label = t("exercises.dimension")
        dim = choose(st.selectbox, label, exercise.dims, key=f"dim_{edition}_{n}")
        _keep(f"dim_{edition}_{n}")
    for group in exercise.groups(edition):
        with st.container(border=bool(group)):
            if group:
                st.markdown(_text(item, "groups", group))
            for part in exercise.parts_for(edition):
                if part.group != group:
                    continue
                if part.kind != "choice":
                    st.markdown(_text(item, "parts", part.id, "prompt"))
                if part.kind == "formula":
                    _formula(edition, n, exercise, part, dim)
                elif part.kind == "choice":
                    _choice(edition, n, exercise, part)
                else:
                    _example(edition, n, exercise, part)
    reveal = "exercises.reveal_proof" if exercise.proof else "exercises.reveal"
    if st.toggle(t(reveal), key=f"reveal_{edition}_{n}"):
        st.markdown(_text(item, "solution"))
        notebook(edition, n, exercise, dim)  # the right answers: with the solution


def notebook_words(edition: str, n: int, lang: str) -> dict[str, str]:
    """The notebook's text cells for exercise ``n`` of ``edition``, in ``lang``."""
    item = ex.EDITIONS[edition][n - 1]
    heading = t("exercises.heading", lang, n=n, edition=t(f"exercises.edition.{edition}", lang))
    title = t(f"exercises.items.{item}.title", lang)
    return {
        "title": t("export.exercise_title", lang, heading=heading, title=title),
        "statement": t(f"exercises.items.{item}.statement", lang),
        "book": t("export.exercise_book", lang),
        "check": t("export.exercise_check", lang),
        "plot": t("export.exercise_plot", lang),
    }


def notebook(edition: str, n: int, exercise: ex.Exercise, dim: int) -> None:
    """The exercise as a notebook (built on the click): its statement, the right
    answers derived in sympy, checked by central differences, and its plot."""
    words = notebook_words(edition, n, current_language())
    notebooks.download(
        lambda: exercise_cells(derivations(exercise.id, dim), words),
        f"exercise_{edition}_{n}",
        help_key="export.exercise_notebook_help",
    )
