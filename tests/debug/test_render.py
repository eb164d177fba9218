"""Pictures of a described graph: DOT, Mermaid, HTML, built-in SVG, Graphviz errors."""
import re
import shutil
import sys
import xml.etree.ElementTree as ElementTree

import pytest
from conftest import CifarNet, Residual

import ember
from ember.autograd import graph, render


@pytest.fixture
def cifar_graph(cifar_batch):
    return graph.trace(CifarNet(), cifar_batch[0])[1]


@pytest.fixture
def residual_graph():
    return graph.trace(Residual(n=4), ember.randn(3, 8))[1]


def _clusters(dot):
    return re.findall(r'subgraph "cluster_([^"]+)" \{\n\s*label="([^"]+)"', dot)


def test_dot_has_a_cluster_per_module_and_every_edge(cifar_graph):
    dot = cifar_graph.to_dot()
    assert dot.startswith("digraph ember {") and dot.rstrip().endswith("}")
    clusters = dict(_clusters(dot))
    assert clusters["features"] == "features (Sequential)"
    assert clusters["features.3"] == "features.3 (Conv2d)" and clusters["fc1"] == "fc1 (Linear)"
    assert dot.index('"cluster_features"') < dot.index('"cluster_features.0"')  # nested
    for producer, consumer in cifar_graph.edges:
        assert f"n{producer} -> n{consumer};" in dot
    assert re.search(r'n\d+ \[label="Convolution\\n\[2, 64, 13, 13\]\\nsaved [\d.]+ KiB"', dot)
    assert re.search(r'label="fc1.weight\\n\[128, 2304\]", shape=ellipse', dot)
    flat = cifar_graph.to_dot(group_modules=False)
    assert "subgraph" not in flat and flat.count(" -> ") == len(cifar_graph.edges)


def test_repeated_blocks_are_drawn_once_with_their_count(residual_graph):
    dot = residual_graph.to_dot()
    assert dict(_clusters(dot))["blocks.0"] == "blocks.0 ... blocks.3 (Block) x 4"
    assert "cluster_blocks.1" not in dot and dot.count("label=\"Tanh") == 1
    assert "blocks.1.fc.weight" not in dot
    # inp -> first block, last block -> head: the run is wired in as one block
    edges = set(re.findall(r"n(\d+) -> n(\d+);", dot))
    nodes = residual_graph.nodes
    inp = next(n.index for n in nodes if n.op == "Linear" and n.module_path == "inp")
    head = next(n.index for n in nodes if n.op == "Linear" and n.module_path == "head")
    first_fc = next(n.index for n in nodes if n.op == "Linear" and n.module_path == "blocks.0.fc")
    first_add = next(n.index for n in nodes if n.op == "Add" and n.module_path == "blocks.0")
    assert (str(inp), str(first_fc)) in edges and (str(first_add), str(head)) in edges
    assert residual_graph.to_dot(collapse_repeats=False).count('label="Tanh') == 4


def test_mermaid_text(residual_graph):
    text = residual_graph.to_mermaid()
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    assert '  subgraph m_blocks["blocks (Sequential)"]' in lines
    assert any('["blocks.0 ... blocks.3 (Block) x 4"]' in line for line in lines)
    assert sum(line.strip() == "end" for line in lines) == sum(
        line.strip().startswith("subgraph") for line in lines)
    assert re.search(r'n\d+\(\["inp.weight<br/>\[16, 8\]"\]\)', text)  # a leaf: stadium shape
    assert len(re.findall(r"n\d+ --> n\d+", text)) == 11
    assert residual_graph._repr_markdown_() == "```mermaid\n" + text + "\n```"


def test_builtin_svg_and_html_need_no_graphviz(cifar_graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if the package were absent
    svg = render.builtin_svg(cifar_graph)
    root = ElementTree.fromstring(svg)  # well-formed XML
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Convolution" in texts and "[2, 2304]" in texts and "fc2.bias" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) == 1 + len(cifar_graph.edges)
    assert cifar_graph._repr_svg_() == svg  # Jupyter falls back to the built-in layout
    page = cifar_graph.to_html("CIFAR CNN")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<svg" in page
    assert "<td>features.3</td>" in page and "held for backward" in page
    assert cifar_graph._repr_html_().startswith("<div>")


def test_svg_without_the_graphviz_package_says_what_to_install(cifar_graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match=r"pip install 'ember\[viz\]'"):
        cifar_graph.to_svg()


def test_svg_without_dot_says_how_to_get_it(cifar_graph, monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    with pytest.raises(RuntimeError, match="needs Graphviz's `dot` program.*apt-get install"):
        cifar_graph.to_svg()
    with pytest.raises(RuntimeError, match="`dot` program"):
        cifar_graph.render(str(tmp_path / "g.png"), format="png")


def test_render_writes_text_formats(cifar_graph, tmp_path):
    assert open(cifar_graph.render(str(tmp_path / "g.dot"), "dot")).read() == cifar_graph.to_dot()
    assert open(cifar_graph.render(str(tmp_path / "g.mmd"), "mermaid")).read().startswith(
        "flowchart TB")
    assert "<title>g</title>" in open(cifar_graph.render(str(tmp_path / "g.html"), "html")).read()
    with pytest.raises(ValueError, match="unknown format 'jpeg'"):
        cifar_graph.render(str(tmp_path / "g.jpeg"), "jpeg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_svg(cifar_graph, tmp_path):
    pytest.importorskip("graphviz")
    svg = cifar_graph.to_svg()
    root = ElementTree.fromstring(svg)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "cluster_features.0" in titles and "n2" in titles
    png = tmp_path / "g.png"
    cifar_graph.render(str(png), format="png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
