"""Calculus Lab's benchmarks: ``python -m bench`` (from the repo root).

Four sections, each printed with medians (the machines are shared and noisy) and,
where a comparison makes sense, ratios measured in the same run:

1. parse and parse + derivative + LaTeX latency over a corpus of student input;
2. hostile input answered end to end through the killable worker pool;
3. warm page reruns under AppTest next to a one-widget reference app;
4. the accuracy of every difference scheme against float64 theory;
5. the first chart drawn in Chromium, and the first visit after a server start,
   next to a one-chart reference app (``python -m bench.first_paint`` alone).

``--quick`` runs fewer repetitions (a CI smoke run); ``--json PATH`` writes the
raw figures. The README's "Speed (measured)" section quotes a full run.
"""

#: The section headers ``python -m bench`` prints, in order (the smoke test checks them).
SECTIONS: tuple[str, ...] = (
    "1. Parse + derivative latency",
    "2. Hostile input answered",
    "3. Warm page reruns (AppTest)",
    "4. Accuracy of difference schemes",
    "5. First paint in Chromium",
)
