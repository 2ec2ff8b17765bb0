"""The checker never calls a wrong answer right: generated corpora, one class at a time.

Wrong answers are built to fool sampling (terms that vanish on one side of a point a of
any sign and scale, periodic inverses, terms zero on every decimal grid, bumps far
away, holes), each proved wrong at a witness point before it counts; right answers
are the references rewritten in the notations learners use. ``python -m bench.checker``
measures the same corpora at scale for the README.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench.checker_corpus import (
    WRONG_FAMILIES,
    as_typed,
    is_wrong_at,
    parts,
    right_answer,
    wrong_answer,
)
from calc_core import exercises as ex
from calc_core.answers import AnswerSpec, Notation, check, read
from calc_core.equivalence import prove_equal
from calc_core.errors import InputError
from calc_core.parser import parse, symbol

PARTS = parts()
ACCEPT = ("right", "unsimplified")
X = Notation(("x",))
x = symbol("x")
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: a of any sign and scale: 1e-3 .. 1e6, as exact decimals
shifts = st.builds(
    lambda m, e, s: s * Fraction(m, 100) * Fraction(10) ** e,
    st.integers(100, 999),
    st.integers(-5, 4),
    st.sampled_from([1, -1]),
)


class TestWrongAnswersAreNeverRight:
    @pytest.mark.parametrize("family", WRONG_FAMILIES)
    @SETTINGS
    @given(part=st.sampled_from(PARTS), rng=st.randoms(use_true_random=False))
    def test_a_generated_wrong_answer_is_not_accepted(self, family, part, rng):
        gen = wrong_answer(part, rng, family)
        try:
            got = as_typed(gen.text, part)
        except InputError:
            assume(False)  # longer than the grammar allows: not an answer anyone can give
        assume(is_wrong_at(part, got[gen.component], gen.component, gen.witness, random.Random(1)))
        assert check(gen.text, part.spec).status not in ACCEPT

    @SETTINGS
    @given(a=shifts, c=st.sampled_from(["1", "-2", "1/3"]))
    def test_a_term_that_vanishes_above_any_a_is_found(self, a, c):
        text = f"4x - 4 + ({c})*(|x - ({a})| - (x - ({a})))"
        fb = check(text, ex.answer_spec("tangent", "main"))
        assert fb.status == "wrong"

    @SETTINGS
    @given(a=shifts)
    def test_sqrt_of_a_square_is_an_absolute_value_not_the_base(self, a):
        text = f"1 + sqrt((x - ({a}))^2) - (x - ({a}))"
        assert check(text, AnswerSpec(("1",), X)).status == "wrong"

    def test_acos_of_cos_is_x_only_on_zero_to_pi(self):
        fb = check("1/acos(cos(x))", ex.answer_spec("first_principles", "log"))
        assert fb.status == "wrong"

    def test_a_term_zero_on_every_three_decimal_point_is_found(self):
        assert check("4x - 4 + sin(1000 pi x)", ex.answer_spec("tangent", "main")).status == "wrong"

    def test_a_bump_nobody_samples_is_undecided_never_right(self):
        fb = check("4x - 4 + exp(-(x - 31415)^2)", ex.answer_spec("tangent", "main"))
        assert fb.status == "undecided"
        assert fb.components[0].agree > 40


class TestHoles:
    @SETTINGS
    @given(a=st.integers(-9, 9).filter(bool), b=st.integers(-9, 9).filter(bool))
    def test_an_answer_undefined_where_the_right_one_is_defined_says_where(self, a, b):
        # (b x)/x alone is cancelled by sympy while the parser builds it: no hole left to see
        fb = check(f"({a} x^2 + {b} x)/x", AnswerSpec((f"{a} x + {b}",), X))
        assert fb.status == "wrong"
        assert (fb.components[0].status, fb.components[0].point) == ("undefined", (("x", "0"),))

    @pytest.mark.parametrize(
        ("text", "point"),
        [("(4x - 4)(x - 1)/(x - 1)", "1"), ("4 exp(log(x)) - 4", "-1"), ("4 sqrt(x)^2 - 4", "-1")],
    )
    def test_what_sympy_simplifies_away_while_reading_is_still_seen(self, text, point):
        fb = check(text, ex.answer_spec("tangent", "main"))
        assert fb.components[0].status == "undefined"
        assert fb.components[0].point == (("x", point),)

    @SETTINGS
    @given(a=shifts, part=st.sampled_from(PARTS))
    def test_a_removable_factor_is_a_hole_at_its_zero(self, a, part):
        w = part.want[0]
        assume(w != 0)  # 0/(x - a) is built as 0 by sympy: nothing to see
        name = sorted(s.name for s in w.free_symbols)[0] if w.free_symbols else "x"
        assume(name in part.spec.notation.variables and name not in part.positive)
        s = symbol(name)
        top = sp.expand(w * (s - sp.Rational(a)))
        assume(top.is_Add and top != s - sp.Rational(a))  # else sympy cancels while parsing
        text = ", ".join([f"({top})/({name} - ({a}))", *map(str, part.spec.answer[1:])])
        try:
            fb = check(text, part.spec)
        except InputError:
            assume(False)
        assert fb.status not in ACCEPT
        assert fb.components[0].status == "undefined"


class TestRightAnswers:
    @SETTINGS
    @given(part=st.sampled_from(PARTS), rng=st.randoms(use_true_random=False))
    def test_a_right_answer_in_any_notation_is_never_called_wrong(self, part, rng):
        text = right_answer(part, rng)
        assert check(text, part.spec).status in (*ACCEPT, "undecided"), text

    def test_at_least_98_percent_of_right_answers_are_accepted(self):
        rng = random.Random(7)
        verdicts = [check(right_answer(p, rng), p.spec).status for p in PARTS * 2]
        accepted = sum(v in ACCEPT for v in verdicts)
        assert accepted >= 0.98 * len(verdicts), verdicts


class TestNotation:
    NORM = ex.norm_notation(2)
    x1, x2 = symbol("x1"), symbol("x2")

    @pytest.mark.parametrize("text", ["x1/||x||1", "x1/||x||_1", "x1/‖x‖₁", "x1/‖x‖_{1}"])
    def test_an_order_after_the_bars_is_the_one_norm(self, text):
        assert read(text, self.NORM) == (self.x1 / (sp.Abs(self.x1) + sp.Abs(self.x2)),)

    def test_ten_after_the_bars_is_the_ten_norm_not_ten_times_the_two_norm(self):
        (got,) = read("x1/||x||10", self.NORM)
        assert got == self.x1 / (self.x1**10 + self.x2**10) ** sp.Rational(1, 10)

    def test_the_one_norm_gradient_is_not_the_two_norms(self):
        fb = check("x1/||x||1, x2/||x||1", ex.answer_spec("norm", "main", 2))
        assert fb.status == "wrong"

    @pytest.mark.parametrize("text", ["(f' + g')'", "(f + g)'", "(f'(x) + g'(x))′"])
    def test_a_prime_after_a_bracket_is_refused_not_dropped(self, text):
        with pytest.raises(InputError) as info:
            check(text, ex.answer_spec("rules", "sum"))
        assert info.value.code == "unexpected_char"
        assert info.value.column == len(text) - 1

    def test_a_prime_after_a_bracketed_vector_is_a_transpose(self):
        assert check("[6x1, 5e^x2]'", ex.answer_spec("gradient", "main")).status == "right"

    def test_swapped_only_when_the_components_really_are_swapped(self):
        spec = ex.answer_spec("gradient", "main")
        assert check("[5e^x2, 6x1]", spec).status == "swapped"
        assert check("[6x1 + sin(1000 pi x1), 5e^x2]", spec).status == "wrong"
        assert check("[5e^x2 + exp(-(x2 - 999)^2), 6x1]", spec).status == "wrong"


class TestProofs:
    @SETTINGS
    @given(a=shifts, b=shifts)
    def test_abs_identities_are_proved_by_splitting_at_the_zeros(self, a, b):
        a, b = sp.Rational(a), sp.Rational(b)
        assert prove_equal(sp.Abs(x - a) * sp.Abs(x - b), sp.Abs((x - a) * (x - b)))
        assert prove_equal(sp.Abs(x - a) + (x - a), 2 * sp.Max(x - a, 0).rewrite(sp.Abs))

    @SETTINGS
    @given(a=shifts)
    def test_a_one_sided_identity_is_not_proved(self, a):
        a = sp.Rational(a)
        assert not prove_equal(sp.Abs(x - a), x - a)
        assert not prove_equal(sp.sqrt((x - a) ** 2) + x - a, 2 * (x - a))

    def test_rational_functions_are_decided_by_cancelling(self):
        assert prove_equal(parse("(x^3 - 1)/(x - 1)"), parse("x^2 + x + 1"))


class TestStationaryExamplesAreExact:
    def test_x_squared_at_1e_minus_20_is_not_stationary(self):
        r = ex.check_example("x^2", "1e-20")
        assert (r.status, r.value) == ("not_zero", "2e-20")

    @SETTINGS
    @given(st.integers(-999, 999).filter(bool), st.integers(0, 40))
    def test_a_nonzero_point_of_x_squared_is_never_stationary(self, digits, k):
        r = ex.check_example("x^2", f"{digits}e-{k}")  # down to 1e-40: a float tolerance says 0
        assert r.status == "not_zero"
        assert float(Fraction(r.value)) == pytest.approx(2 * digits * 10.0**-k, rel=1e-5)

    @SETTINGS
    @given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6))
    def test_the_bottom_of_a_parabola_is_stationary_exactly(self, x0):
        p, q = x0.numerator, x0.denominator
        r = ex.check_example(f"(x - ({p})/({q}))^2", f"({p})/({q})")
        assert (r.status, r.kind) == ("right", "minimum")
