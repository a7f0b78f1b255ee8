"""Small inline-SVG charts: no plotting library, no CDN, one self-contained HTML file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#2f6f9f", "#e07b39", "#5a9e5a", "#b94a48", "#8c6bb1", "#c9a227", "#4aa3a3",
           "#7f7f7f")
LAYER_COLOURS = {"raw": "#c9a227", "stage": "#2f6f9f", "analytics": "#5a9e5a",
                 "sandbox": "#8c6bb1"}


def _fmt(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.1%}"


def bar_chart(values: Mapping[str, float], title: str, width: int = 560,
              value_format: str = "number") -> str:
    """A horizontal bar chart, largest first as given; `value_format` number or percent."""
    items = list(values.items())
    bar_h, gap = 18, 6
    label_w = 12 + 7 * max((len(str(label)) for label, _ in items), default=4)
    height = 30 + len(items) * (bar_h + gap)
    top = max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 28 + i * (bar_h + gap)
        length = max(0.0, (width - label_w - 80) * value / top)
        text = f"{value:.1%}" if value_format == "percent" else _fmt(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" '
                     f'text-anchor="end">{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 13}" '
                     f'font-size="12">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def lineage_graph(nodes: Mapping[str, str], edges: Sequence[tuple[str, str]]) -> str:
    """Tables as boxes in columns by dependency depth, coloured by layer; edges as lines.

    `nodes` maps table → layer; `edges` are (input, output) pairs.
    """
    parents: dict[str, set[str]] = {n: set() for n in nodes}
    for source, target in edges:
        parents.setdefault(target, set()).add(source)
    depth: dict[str, int] = {}

    def depth_of(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in depth:
            ups = [p for p in parents.get(node, ()) if p not in seen]
            depth[node] = 1 + max((depth_of(p, seen | {node}) for p in ups), default=-1)
        return depth[node]

    for node in nodes:
        depth_of(node)
    columns: dict[int, list[str]] = {}
    for node in sorted(nodes, key=lambda n: (depth[n], n)):
        columns.setdefault(depth[node], []).append(node)
    box_w, box_h, col_gap, row_gap = 210, 20, 60, 8
    rows = max(len(c) for c in columns.values()) if columns else 1
    width = len(columns) * (box_w + col_gap) + 20
    height = rows * (box_h + row_gap) + 60
    position = {}
    for col, members in columns.items():
        for row, node in enumerate(members):
            position[node] = (10 + col * (box_w + col_gap), 40 + row * (box_h + row_gap))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">',
             "<title>Lineage: table → table, derived from the pipeline steps</title>"]
    for i, (layer, colour) in enumerate(LAYER_COLOURS.items()):
        parts.append(f'<rect x="{10 + i * 110}" y="8" width="14" height="14" fill="{colour}"/>'
                     f'<text x="{28 + i * 110}" y="20" font-size="12">{layer}</text>')
    for source, target in edges:
        if source in position and target in position:
            (x1, y1), (x2, y2) = position[source], position[target]
            parts.append(f'<line x1="{x1 + box_w}" y1="{y1 + box_h / 2}" x2="{x2}" '
                         f'y2="{y2 + box_h / 2}" stroke="#999" stroke-width="0.8"/>')
    for node, (x, y) in position.items():
        colour = LAYER_COLOURS.get(nodes[node], "#7f7f7f")
        parts.append(f'<g><title>{escape(node)}</title><rect x="{x}" y="{y}" width="{box_w}" '
                     f'height="{box_h}" rx="3" fill="{colour}" fill-opacity="0.18" '
                     f'stroke="{colour}"/><text x="{x + 5}" y="{y + 14}" font-size="11">'
                     f"{escape(node)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)
