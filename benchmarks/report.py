"""The table `make bench` prints: one row per figure, its baseline beside it, the ratio and the target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    scenario: str
    measure: str
    value: float | None
    unit: str = "s"
    baseline: str = ""
    baseline_value: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self):
        if self.value is None or not self.baseline_value:
            return None
        return self.value / self.baseline_value


def _number(value, unit):
    if value is None:
        return "n/a"
    if unit in ("requests", "calls", "polls", "jobs"):
        return "%d" % round(value)
    if unit == "MB" and abs(value) < 1:
        return "%.3f" % value
    if unit == "MB" or unit == "ms":
        return "%.1f" % value
    if abs(value) >= 100:
        return "%.0f" % value
    return "%.2f" % value


def render(rows, title=""):
    header = ("scenario", "measure", "median", "unit", "baseline (same run)", "median", "ratio", "target", "met")
    lines = []
    table = []
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        table.append((
            row.scenario,
            row.measure,
            _number(row.value, row.unit),
            row.unit,
            row.baseline,
            _number(row.baseline_value, row.unit) if row.baseline else "",
            "" if row.ratio is None else "%.2fx" % row.ratio,
            row.target,
            met,
        ))
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *table)] if table else [len(h) for h in header]
    numeric = {2, 5, 6}

    def line(cells):
        out = []
        for index, (cell, width) in enumerate(zip(cells, widths)):
            out.append(str(cell).rjust(width) if index in numeric else str(cell).ljust(width))
        return "  ".join(out).rstrip()

    if title:
        lines.append(title)
    lines.append(line(header))
    lines.append(line(["-" * width for width in widths]))
    previous = None
    for row, cells in zip(rows, table):
        if previous is not None and row.scenario != previous:
            lines.append("")
        previous = row.scenario
        lines.append(line(cells))
    notes = [row for row in rows if row.note]
    if notes:
        lines.append("")
        for row in notes:
            lines.append("note (%s / %s): %s" % (row.scenario, row.measure, row.note))
    return "\n".join(lines)


def render_rst(rows):
    """The same table as an RST list-table, for docs/docsite/rst/performance.rst."""
    out = [".. list-table::", "   :header-rows: 1", "", ]
    header = ("Scenario", "Measure", "Median", "Baseline (same run)", "Baseline median", "Ratio", "Target", "Met")
    out.append("   * - " + "\n     - ".join(header))
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        cells = (
            row.scenario,
            row.measure,
            "%s %s" % (_number(row.value, row.unit), row.unit),
            row.baseline or "",
            ("%s %s" % (_number(row.baseline_value, row.unit), row.unit)) if row.baseline else "",
            "" if row.ratio is None else "%.2fx" % row.ratio,
            row.target,
            met,
        )
        out.append("   * - " + "\n     - ".join(cell if cell else "\\-" for cell in cells))
    notes = [row for row in rows if row.note]
    if notes:
        out.append("")
        out.append("Notes printed with the table:")
        out.append("")
        for row in notes:
            out.append("- *%s / %s*: %s" % (row.scenario, row.measure, row.note))
    return "\n".join(out)


def render_chart(bars, unit="s", width=48):
    """A text bar chart: bars is [(label, value)]; for an RST literal block or a terminal."""
    bars = [(label, value) for label, value in bars if value is not None]
    if not bars:
        return ""
    longest = max(value for _label, value in bars) or 1
    label_width = max(len(label) for label, _value in bars)
    lines = []
    for label, value in bars:
        filled = max(1, int(round(width * value / longest)))
        lines.append("%s  %s %.2f %s" % (label.ljust(label_width), "#" * filled, value, unit))
    return "\n".join(lines)
