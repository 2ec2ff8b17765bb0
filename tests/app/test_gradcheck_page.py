"""Specification of the gradients page's ``check`` view, driven from shared links.

The numbers shown are recomputed here: central differences in numpy's float32
arithmetic, verdicts with numpy's ``isclose`` (torch.allclose's rule, as gradcheck
uses it), the true partials by hand from the exercise's gradient (6 x1, 5 e^x2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lab_ui.i18n import catalog, t
from lab_ui.i18n import literal as as_text
from tests.app.conftest import assert_no_exception, through_entry


def run(**query: str):
    at = through_entry("gradients", view="check", **query).run()
    assert_no_exception(at)
    return at


def column(at, key: str, lang: str = "en") -> list[str]:
    return at.dataframe[0].value[t(f"gradients.gradcheck.col.{key}", lang)].tolist()


def opening(key: str, lang: str = "en") -> str:
    """A message's text up to its first field: enough to tell which message is shown."""
    return catalog(lang)[key].split("{")[0]


class TestFloat64:
    def test_the_exact_gradient_passes_at_gradchecks_defaults(self):
        at = run()
        (box,) = at.success
        assert box.value.startswith(opening("gradients.gradcheck.pass"))
        assert column(at, "verdict") == ["✓", "✓"]
        assert [float(v) for v in column(at, "truth")] == [6.0, 5.0]

    def test_the_defaults_are_stated(self):
        text = "\n".join(m.value for m in run().markdown)
        assert "`eps`) = 1e-06" in text and "`atol` = 1e-05" in text and "`rtol` = 0.001" in text


class TestFloat32:
    def test_a_correct_gradient_fails_at_the_float64_defaults(self):
        at = run(dtype="float32")
        (box,) = at.error
        assert box.value.startswith(opening("gradients.gradcheck.fail"))
        f32, h = np.float32, np.float32(1e-6)

        def f(x1, x2):  # the whole f, one float32 operation at a time, as gradcheck does
            return f32(f32(3) * f32(x1 * x1)) + f32(f32(5) * np.exp(x2))

        one, zero = f32(1), f32(0)
        numeric = [
            f32(f(f32(one + h), zero) - f(f32(one - h), zero)) / f32(2 * h),
            f32(f(one, f32(zero + h)) - f(one, f32(zero - h))) / f32(2 * h),
        ]
        shown = [float(v) for v in column(at, "numeric")]
        assert shown == pytest.approx([float(v) for v in numeric], rel=1e-7)
        verdicts = [
            np.isclose(a, n, rtol=1e-3, atol=1e-5) for a, n in zip([6, 5], numeric, strict=True)
        ]
        assert column(at, "verdict") == ["✓" if v else "✗" for v in verdicts] == ["✗", "✗"]

    def test_and_passes_with_the_suggested_step(self):
        at = run(dtype="float32")
        label = t("gradients.gradcheck.use_suggested", "en", h=f"{2 ** (-23 / 3):.1e}")
        (button,) = [b for b in at.button if b.label == label]
        button.click().run()
        assert float(at.query_params["h"]) == float(f"{2 ** (-23 / 3):.1e}")
        assert at.success and column(at, "verdict") == ["✓", "✓"]

    def test_the_note_says_where_it_passes(self):
        (note,) = run(dtype="float32").info
        assert note.value.startswith(opening("gradients.gradcheck.default_fails"))
        assert "4.9e-03" in note.value  # the suggested step, eps^(1/3)

    def test_bfloat16_passes_for_no_step(self):
        (note,) = run(dtype="bfloat16").info
        assert opening("gradients.gradcheck.none_passing") in note.value


class TestWrongGradient:
    def test_one_edited_component_is_caught_and_named(self):
        at = run(grad="6*x1; 4*exp(x2)")
        (box,) = at.error
        assert "∂f/∂x2" in box.value and "∂f/∂x1" not in box.value
        assert column(at, "verdict") == ["✓", "✗"]
        assert column(at, "source") == [
            t("gradients.gradcheck.exact"),
            t("gradients.gradcheck.edited"),
        ]

    def test_the_edit_button_fills_in_the_exact_gradient(self):
        at = run()
        (button,) = [b for b in at.button if b.key == "gc_exact"]
        button.click().run()
        filled = at.text_input(key="grad").value
        assert filled.count(";") == 1 and "x1" in filled and "exp(x2)" in filled
        assert at.success  # the exact gradient, typed back, still passes
        at.text_input(key="grad").input(filled.split(";")[0] + "; exp(x2)").run()
        assert column(at, "verdict") == ["✓", "✗"]

    def test_the_wrong_gradient_is_caught_in_chinese(self):
        at = run(grad="6*x1; 4*exp(x2)", lang="zh")
        assert at.error[0].value.startswith(opening("gradients.gradcheck.fail", "zh"))


class TestLinksAndLanguages:
    def test_every_choice_lives_in_the_url(self):
        at = run(dtype="float16", h="0.01", grad="6*x1; 5*exp(x2)")
        params = dict(at.query_params)
        assert (params["view"], params["dtype"], params["h"]) == ("check", "float16", "0.01")
        assert params["grad"] == "6*x1; 5*exp(x2)"

    def test_a_language_switch_keeps_them(self):
        at = run(dtype="float32", h="0.005", grad="6*x1; 4*exp(x2)")
        at.radio(key="lang").set_value("zh").run()
        assert at.selectbox(key="dtype").value == "float32"
        assert at.number_input(key="h").value == 0.005
        assert at.text_input(key="grad").value == "6*x1; 4*exp(x2)"
        assert column(at, "verdict", "zh") == ["✓", "✗"]

    @pytest.mark.parametrize(("name", "value"), [("dtype", "float8"), ("h", "5"), ("h", "abc")])
    def test_a_bad_value_is_named_and_replaced(self, name, value):
        at = run(**{name: value})
        assert [w.value for w in at.warning] == [t(f"gradients.bad_param.{name}", "en")]
        assert at.success  # the defaults: float64, h = 1e-6

    def test_a_gradient_of_the_wrong_size_says_what_it_needs(self):
        at = run(grad="6*x1", lang="zh")
        (box,) = at.error
        expected = catalog("zh")["error.wrong_gradient_size"].format(expected=2, got=1)
        assert expected in box.value and as_text("grad") in box.value

    def test_the_torch_column_is_optional(self):
        try:
            import torch  # noqa: F401
        except ImportError:
            captions = [c.value for c in run().caption]
            assert t("gradients.gradcheck.torch_missing") in captions
            return
        captions = [c.value for c in run(dtype="float32").caption]
        assert t("gradients.gradcheck.torch_fail") in captions


def test_the_true_values_are_the_exercises_gradient_at_another_point():
    at = run(at="0.5, -1")
    assert [float(v) for v in column(at, "truth")] == pytest.approx([3.0, 5 * math.exp(-1)])
