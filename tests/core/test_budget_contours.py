"""Specification of two helpers of the gradients page: the time budget
(:mod:`calc_core.budget`) and level curves (:mod:`calc_core.contours`)."""

from __future__ import annotations

import threading
import time

import numpy as np
import sympy as sp

from calc_core.budget import within
from calc_core.contours import level_segments, quantile_levels


def spin(seconds: float) -> str:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return "finished"


class TestWithin:
    def test_a_quick_step_returns_its_result(self):
        assert within(lambda: sum(range(1000)), 1.0) == (True, 499500)

    def test_a_slow_step_is_stopped_near_its_budget(self):
        started = time.perf_counter()
        assert within(lambda: spin(5.0), 0.2) == (False, None)
        assert time.perf_counter() - started < 1.0

    def test_a_zero_budget_skips_the_step(self):
        ran = []
        assert within(lambda: ran.append(1), 0.0) == (False, None)
        assert ran == []

    def test_no_stray_interruption_after_many_close_calls(self):
        for _ in range(300):
            within(lambda: spin(0.0004), 0.0005)
        assert spin(0.3) == "finished"  # a late interruption would have landed here

    def test_exceptions_of_the_step_propagate(self):
        try:
            within(lambda: 1 / 0, 1.0)
        except ZeroDivisionError:
            pass
        else:
            raise AssertionError("the step's own error must reach the caller")

    def test_sympy_evaluation_is_restored_after_an_interruption(self):
        def unevaluated_forever():
            with sp.evaluate(False):
                spin(5.0)

        assert within(unevaluated_forever, 0.1) == (False, None)
        assert sp.Add(sp.Integer(1), sp.Integer(2)) == 3

    def test_other_threads_are_not_interrupted(self):
        box = []
        worker = threading.Thread(target=lambda: box.append(spin(0.5)))
        worker.start()
        within(lambda: spin(5.0), 0.1)
        worker.join()
        assert box == ["finished"]


class TestLevelSegments:
    def test_circles_of_a_paraboloid(self):
        xs = ys = np.linspace(-2, 2, 41)
        gx, gy = np.meshgrid(xs, ys)
        seg = level_segments(xs, ys, gx**2 + gy**2, [1.0, 2.0])
        for index, level in enumerate((1.0, 2.0)):
            ends = seg[seg[:, 4] == index]
            r = np.hypot(ends[:, [0, 2]], ends[:, [1, 3]])
            assert np.allclose(r, np.sqrt(level), atol=0.02)

    def test_a_straight_level_line(self):
        xs = ys = np.linspace(0, 1, 11)
        gx, gy = np.meshgrid(xs, ys)
        seg = level_segments(xs, ys, gx + gy, [1.0])
        assert np.allclose(seg[:, 0] + seg[:, 1], 1.0) and np.allclose(seg[:, 2] + seg[:, 3], 1.0)

    def test_saddle_cells_produce_two_segments(self):
        xs = ys = np.array([0.0, 1.0])
        z = np.array([[1.0, -1.0], [-1.0, 1.0]])  # diagonal corners above 0
        assert len(level_segments(xs, ys, z, [0.0])) == 2

    def test_cells_with_nan_are_skipped(self):
        xs = ys = np.linspace(0, 1, 5)
        gx, gy = np.meshgrid(xs, ys)
        z = np.where(gx < 0.5, np.nan, gx + gy)
        seg = level_segments(xs, ys, z, [1.2])
        assert (seg[:, [0, 2]] >= 0.5).all()

    def test_constant_function_has_no_levels(self):
        assert quantile_levels(np.ones((5, 5))).size == 0
        assert len(level_segments(np.arange(3.0), np.arange(3.0), np.ones((3, 3)), [])) == 0
