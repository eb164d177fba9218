"""Pictures of a described graph (graph.py's Graph): Graphviz DOT and SVG, Mermaid, a
self-contained HTML page, and a built-in SVG layout for when Graphviz is absent.

Every picture is drawn from a `_View`: the graph's nodes and edges, grouped into one cluster
per nn.Module path, with runs of identical sibling modules (N blocks of the same type whose
ops and shapes match) drawn once and labelled "x N". Data flows from top to bottom: leaves
(parameters, inputs that require grad) at the top, the described outputs at the bottom.

The graphviz Python package and the `dot` program are optional (`pip install ember[viz]`);
DOT, Mermaid, HTML and the built-in layout need neither.
"""
import html
import os

from .graph import format_bytes, format_shape

__all__ = ["to_dot", "to_mermaid", "to_svg", "to_html", "render", "svg_or_builtin",
           "builtin_svg"]

_LEAF_COLOR = "#dbeafe"
_OUTPUT_COLOR = "#fde68a"
_OP_COLORS = ("#f3f4f6", "#dcfce7", "#fce7f3", "#ede9fe", "#ffedd5", "#e0f2fe", "#fef9c3")


class _View:
    """What a picture shows: kept nodes, their edges, and the module clusters.

    items: graph indices of the nodes drawn, in graph order.
    edges: (producer, consumer) graph indices, without duplicates.
    cluster_of: graph index -> module path of the innermost cluster holding it ('' = none).
    cluster_labels: module path -> label ("features.0 (Conv2d)", or "blocks.0 ... blocks.3
        (Block) x 4" for a collapsed run).
    """

    def __init__(self, graph, group_modules, collapse_repeats):
        nodes = graph.nodes
        self.graph = graph
        representative = {}    # removed graph index -> the kept node it is drawn as
        run_of = {}            # graph index -> (run id, block number) inside a collapsed run
        self.cluster_labels = {}
        run_labels = {}        # module path of a run's first block -> its "x N" label
        types = {}
        for node in nodes:
            parts = node.module_path.split(".") if node.module_path else []
            for depth, name in enumerate(node.module_types[1:len(parts) + 1]):
                types.setdefault(".".join(parts[:depth + 1]), name)
        self.types = types
        if group_modules and collapse_repeats:
            self._collapse(nodes, representative, run_of, run_labels)
        self.items = [node.index for node in nodes if node.index not in representative]
        self.edges = []
        seen = set()
        for producer, consumer in graph.edges:
            run_p, run_c = run_of.get(producer), run_of.get(consumer)
            if run_p and run_c and run_p[0] == run_c[0] and run_p[1] != run_c[1]:
                continue  # from one block of a run into the next: drawn as "x N"
            edge = (representative.get(producer, producer),
                    representative.get(consumer, consumer))
            if edge not in seen:
                seen.add(edge)
                self.edges.append(edge)
        self.cluster_of = {index: (nodes[index].module_path or "") if group_modules else ""
                           for index in self.items}
        for index in self.items:  # clusters in the order their first node was recorded
            path = self.cluster_of[index]
            parts = path.split(".") if path else []
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix not in self.cluster_labels:
                    kind = types.get(prefix)
                    self.cluster_labels[prefix] = run_labels.get(prefix) or (
                        f"{prefix} ({kind})" if kind else prefix)

    def _collapse(self, nodes, representative, run_of, run_labels):
        """Find runs of consecutive sibling modules with the same ops and shapes; keep the
        first block of each run and map the others' nodes onto it."""
        members = {}  # module path -> graph indices of the nodes inside it (at any depth)
        for node in nodes:
            parts = node.module_path.split(".") if node.module_path else []
            for depth in range(1, len(parts) + 1):
                members.setdefault(".".join(parts[:depth]), []).append(node.index)
        siblings = {}  # parent path -> child paths in order of first appearance
        for path in members:
            parent = path.rsplit(".", 1)[0] if "." in path else ""
            siblings.setdefault(parent, []).append(path)
        for parent in sorted(siblings, key=lambda p: p.count(".") if p else -1):
            children = [path for path in siblings[parent]
                        if not any(i in representative for i in members[path])]
            signatures = [self._block_signature(nodes, path, members[path])
                          for path in children]
            start = 0
            while start < len(children):
                end = start + 1
                while end < len(children) and signatures[end] == signatures[start]:
                    end += 1
                if end - start > 1:
                    first = children[start]
                    for block, path in enumerate(children[start:end]):
                        for position, index in enumerate(members[path]):
                            run_of[index] = (first, block)
                            if block:
                                representative[index] = members[first][position]
                    kind = self.types.get(first)
                    run_labels[first] = (
                        f"{first} ... {children[end - 1]}" + (f" ({kind})" if kind else "") +
                        f" x {end - start}")
                start = end

    def _block_signature(self, nodes, path, indices):
        prefix = path + "."
        signature = [self.types.get(path)]
        for index in indices:
            node = nodes[index]
            name = node.op[len(prefix):] if node.op.startswith(prefix) else node.op
            relative = (node.module_path or "")[len(path):]
            signature.append((node.kind, name, relative,
                              tuple(shape for shape, _ in node.outputs or ())))
        return tuple(signature)

    def label_lines(self, index):
        node = self.graph.nodes[index]
        if node.kind == "leaf":
            return [node.op, format_shape(node.output_shape)]
        lines = [node.op, " ".join(format_shape(s) for s, _ in node.outputs or ()) or "?"]
        if node.saved_bytes:
            lines.append(f"saved {format_bytes(node.saved_bytes)}")
        return lines

    def tooltip(self, index):
        node = self.graph.nodes[index]
        parts = [node.name]
        if node.module_path:
            parts.append(f"module {node.module_path}")
        if node.source:
            parts.append(f"{node.source[0]}:{node.source[1]}")
        return " | ".join(parts)

    def color(self, index):
        node = self.graph.nodes[index]
        if index in self.graph.outputs:
            return _OUTPUT_COLOR
        if node.kind == "leaf":
            return _LEAF_COLOR
        top = (node.module_path or "").split(".")[0]
        return _OP_COLORS[sum(map(ord, top)) % len(_OP_COLORS)] if top else _OP_COLORS[0]

    def cluster_tree(self):
        """{cluster path: ([graph indices directly in it], [child cluster paths])}."""
        tree = {"": ([], [])}
        for path in self.cluster_labels:  # parents come before their children
            tree[path] = ([], [])
            parent = path.rsplit(".", 1)[0] if "." in path else ""
            tree[parent][1].append(path)
        for index in self.items:
            tree[self.cluster_of[index]][0].append(index)
        return tree


# -- Graphviz ----------------------------------------------------------------------------------

def _dot_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph, group_modules=True, collapse_repeats=True):
    """DOT text of the graph (see the module docstring for what is drawn)."""
    view = _View(graph, group_modules, collapse_repeats)
    lines = ["digraph ember {", '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, '
             'labeljust=l, nodesep=0.25, ranksep=0.35];',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
             'margin="0.12,0.04"];', '  edge [arrowsize=0.6, color="#4b5563"];']
    tree = view.cluster_tree()

    def emit(path, indent):
        indices, children = tree[path]
        for index in indices:
            shape = "ellipse" if graph.nodes[index].kind == "leaf" else "box"
            label = "\\n".join(text.replace("\\", "\\\\").replace('"', '\\"')
                               for text in view.label_lines(index))
            tooltip = _dot_quote(view.tooltip(index))
            lines.append(f'{indent}n{index} [label="{label}", shape={shape}, '
                         f'fillcolor="{view.color(index)}", tooltip={tooltip}];')
        for child in children:
            lines.append(f"{indent}subgraph {_dot_quote('cluster_' + child)} {{")
            lines.append(f'{indent}  label={_dot_quote(view.cluster_labels[child])}; '
                         f'style="rounded,dashed"; color="#9ca3af";')
            emit(child, indent + "  ")
            lines.append(f"{indent}}}")

    emit("", "  ")
    for producer, consumer in view.edges:
        lines.append(f"  n{producer} -> n{consumer};")
    lines.append("}")
    return "\n".join(lines)


def _graphviz_pipe(dot, format):
    """Lay out DOT text with Graphviz; clear errors when the package or `dot` is missing."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            f"Rendering a graph to {format} needs the graphviz Python package: "
            f"pip install 'ember[viz]' (or pip install graphviz). graph.to_dot(), to_mermaid() "
            f"and to_html() work without it.") from None
    try:
        return graphviz.Source(dot).pipe(format=format)
    except graphviz.ExecutableNotFound:
        raise RuntimeError(
            f"Rendering a graph to {format} needs Graphviz's `dot` program, which is not on "
            f"PATH. Install Graphviz (apt-get install graphviz, brew install graphviz or conda "
            f"install graphviz), or use graph.to_dot(), to_mermaid() or to_html(), which need "
            f"no program.") from None


def to_svg(graph, group_modules=True, collapse_repeats=True):
    """SVG text laid out by Graphviz."""
    return _graphviz_pipe(to_dot(graph, group_modules, collapse_repeats), "svg").decode()


def svg_or_builtin(graph):
    """Graphviz's SVG where Graphviz is installed, else the built-in layout (for Jupyter
    and HTML, which should show something either way)."""
    try:
        return to_svg(graph)
    except (ImportError, RuntimeError):
        return builtin_svg(graph)


# -- Mermaid -----------------------------------------------------------------------------------

def _mermaid_text(text):
    return html.escape(text, quote=True).replace("&quot;", "#quot;")


def to_mermaid(graph, group_modules=True, collapse_repeats=True):
    """Mermaid flowchart text: nested subgraphs for modules, stadium shapes for leaves."""
    view = _View(graph, group_modules, collapse_repeats)
    lines = ["flowchart TB"]
    tree = view.cluster_tree()

    def emit(path, indent):
        indices, children = tree[path]
        for index in indices:
            label = "<br/>".join(_mermaid_text(text) for text in view.label_lines(index))
            opening, closing = ('(["', '"])') if graph.nodes[index].kind == "leaf" else ('["', '"]')
            lines.append(f"{indent}n{index}{opening}{label}{closing}")
        for child in children:
            identifier = "m_" + "".join(c if c.isalnum() else "_" for c in child)
            title = _mermaid_text(view.cluster_labels[child])
            lines.append(f'{indent}subgraph {identifier}["{title}"]')
            emit(child, indent + "  ")
            lines.append(f"{indent}end")

    emit("", "  ")
    for producer, consumer in view.edges:
        lines.append(f"  n{producer} --> n{consumer}")
    for index in view.items:
        lines.append(f"  style n{index} fill:{view.color(index)}")
    return "\n".join(lines)


# -- built-in layout (no Graphviz) -------------------------------------------------------------

_CHAR_WIDTH, _LINE_HEIGHT, _PAD, _GAP_X, _GAP_Y = 6.6, 14, 8, 18, 36


def builtin_svg(graph):
    """A layered SVG drawing that needs no Graphviz: a node's row is the length of the
    longest path to it from a leaf; rows are ordered by the mean position of their inputs.
    Modules are shown by colour and in each node's tooltip rather than as clusters."""
    view = _View(graph, True, True)
    parents = {index: [] for index in view.items}
    for producer, consumer in view.edges:
        parents[consumer].append(producer)
    rank = {}
    for index in view.items:  # graph order: producers first
        rank[index] = 1 + max((rank[p] for p in parents[index]), default=-1)
    rows = {}
    for index in view.items:
        rows.setdefault(rank[index], []).append(index)
    size = {index: (max(len(t) for t in view.label_lines(index)) * _CHAR_WIDTH + 2 * _PAD,
                    len(view.label_lines(index)) * _LINE_HEIGHT + _PAD)
            for index in view.items}
    order = {}
    for number in sorted(rows):
        row = rows[number]
        row.sort(key=lambda i: (sum(order.get(p, 0) for p in parents[i]) /
                                max(len(parents[i]), 1)) if parents[i] else -1)
        for position, index in enumerate(row):
            order[index] = position
    widths = {n: sum(size[i][0] for i in row) + _GAP_X * (len(row) - 1)
              for n, row in rows.items()}
    canvas = max(widths.values(), default=0) + 2 * _GAP_X
    position, y = {}, _GAP_X
    for number in sorted(rows):
        x = (canvas - widths[number]) / 2
        height = max(size[i][1] for i in rows[number])
        for index in rows[number]:
            position[index] = (x, y)
            x += size[index][0] + _GAP_X
        y += height + _GAP_Y
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas:.0f}" height="{y:.0f}" '
           f'viewBox="0 0 {canvas:.0f} {y:.0f}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="11">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
           'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#4b5563"/>'
           '</marker></defs>']
    for producer, consumer in view.edges:
        (x0, y0), (x1, y1) = position[producer], position[consumer]
        x0, y0 = x0 + size[producer][0] / 2, y0 + size[producer][1]
        x1 = x1 + size[consumer][0] / 2
        middle = (y0 + y1) / 2
        out.append(f'<path d="M{x0:.1f},{y0:.1f} C{x0:.1f},{middle:.1f} {x1:.1f},{middle:.1f} '
                   f'{x1:.1f},{y1:.1f}" fill="none" stroke="#4b5563" '
                   f'marker-end="url(#arrow)"/>')
    for index in view.items:
        (x, y0), (width, height) = position[index], size[index]
        radius = height / 2 if graph.nodes[index].kind == "leaf" else 6
        out.append(f'<g><title>{html.escape(view.tooltip(index))}</title>'
                   f'<rect x="{x:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" '
                   f'rx="{radius:.1f}" fill="{view.color(index)}" stroke="#6b7280"/>')
        for line, text in enumerate(view.label_lines(index)):
            out.append(f'<text x="{x + width / 2:.1f}" '
                       f'y="{y0 + _PAD / 2 + (line + 0.8) * _LINE_HEIGHT:.1f}" '
                       f'text-anchor="middle">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# -- HTML and files ----------------------------------------------------------------------------

_STYLE = """body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#111827}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #d1d5db;padding:2px 6px;
text-align:left}th{background:#f3f4f6}pre{background:#f9fafb;padding:.5em}"""


def to_html(graph, title="ember graph"):
    """A self-contained HTML page (no scripts, no external files); title=None gives the
    fragment Jupyter embeds."""
    rows = []
    for node in graph.nodes:
        cells = (node.index, node.op, node.module_path or "",
                 " ".join(format_shape(s) for s, _ in node.inputs or ()),
                 " ".join(format_shape(s) for s, _ in node.outputs or ()),
                 format_bytes(node.saved_bytes) if node.saved_bytes else "",
                 node.source_text())
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{name}</th>" for name in
                     ("#", "op", "module", "inputs", "outputs", "saved", "source"))
    body = (f"<p>{html.escape(repr(graph))}</p>\n{svg_or_builtin(graph)}\n"
            f"<details><summary>nodes</summary><table><tr>{header}</tr>\n" + "\n".join(rows) +
            f"</table></details>\n<pre>{html.escape(graph.memory_summary())}</pre>")
    if title is None:
        return f"<div>{body}</div>"
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><style>{_STYLE}</style></head>\n<body><h1>{html.escape(title)}</h1>\n"
            f"{body}\n</body></html>\n")


def render(graph, filename, format="svg", group_modules=True, collapse_repeats=True):
    """Write the graph to `filename` as svg, png or pdf (Graphviz), dot, mermaid or html."""
    if format == "dot":
        content = to_dot(graph, group_modules, collapse_repeats)
    elif format == "mermaid":
        content = to_mermaid(graph, group_modules, collapse_repeats)
    elif format == "html":
        content = to_html(graph, os.path.splitext(os.path.basename(filename))[0])
    elif format in ("svg", "png", "pdf"):
        content = _graphviz_pipe(to_dot(graph, group_modules, collapse_repeats), format)
    else:
        raise ValueError(f"render: unknown format '{format}'; use svg, png, pdf, dot, mermaid "
                         f"or html")
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(filename, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as file:
        file.write(content)
    return filename
