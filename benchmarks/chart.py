"""The PNG chart of benchmarks/run.py: one panel per comparison, the module's bars in colour, baselines in grey."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt  # noqa: E402 pylint: disable=wrong-import-position

OURS = "#1f77b4"
BASELINE = "#b0b0b0"


def is_ours(label):
    # The gate's per-id loop is the baseline its one-run role replaces, though it runs the module too.
    return (("module" in label or "return_jobs" in label or "wait_for_status" in label or "commit_gate" in label)
            and "per id" not in label)


def draw(panels, path, title):
    """panels: [(title, [(label, seconds)])]; writes a 2-column PNG to path."""
    rows = (len(panels) + 1) // 2
    figure, axes = plt.subplots(rows, 2, figsize=(13, 3.2 * rows), squeeze=False)
    for axis, (panel_title, bars) in zip(axes.flat, panels):
        bars = [(label, value) for label, value in bars if value is not None]
        labels = [label for label, _value in bars]
        values = [value for _label, value in bars]
        positions = range(len(bars))
        axis.barh(positions, values, color=[OURS if is_ours(label) else BASELINE for label in labels])
        axis.set_yticks(list(positions), labels)
        axis.invert_yaxis()
        axis.set_title(panel_title, fontsize=11, loc="left")
        axis.set_xlim(0, max(values) * 1.22)
        axis.spines[["top", "right"]].set_visible(False)
        for position, value in zip(positions, values):
            axis.text(value, position, " %.2f" % value, va="center", fontsize=9)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    figure.suptitle(title, fontsize=12)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
