"""ember.autograd.graph: describe/annotate, text summaries, diff, saved-tensor hooks."""
import pytest
from conftest import CifarNet, Residual

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import graph
from ember.autograd.function import Op


def test_describe_without_annotation_walks_ops_and_leaves():
    x = ember.ones(2, 3, requires_grad=True)
    g = graph.describe((x * 2).exp().sum())
    assert [(n.kind, n.op) for n in g.nodes] == [
        ("leaf", "leaf"), ("op", "Mul"), ("op", "Exp"), ("op", "Sum")]
    assert g.edges == [(0, 1), (1, 2), (2, 3)] and g.outputs == [3]
    assert g.nodes[0].outputs[0][0] == (2, 3) and g.nodes[1].module_path is None
    assert graph.describe(g.nodes[3].grad_fn).nodes[-1].op == "Sum"  # a grad_fn works too
    model = nn.Linear(3, 2)
    named = graph.describe(model(x), params=model)  # leaves named without annotate()
    assert sorted(n.op for n in named.nodes if n.kind == "leaf") == ["bias", "leaf", "weight"]


def test_annotated_cifar_graph_has_modules_shapes_sources_and_bytes(cifar_batch):
    images, labels = cifar_batch
    model = CifarNet()
    with graph.annotate():
        loss = F.cross_entropy(model(images), labels)  # the line nodes point at
    line = test_annotated_cifar_graph_has_modules_shapes_sources_and_bytes.__code__
    g = graph.describe(loss)
    ops = [n for n in g.nodes if n.kind == "op"]
    assert [(n.op, n.module_path) for n in ops] == [
        ("Convolution", "features.0"), ("Relu", "features.1"), ("MaxPool", "features.2"),
        ("Convolution", "features.3"), ("Relu", "features.4"), ("MaxPool", "features.5"),
        ("Reshape", "features.6"), ("Linear", "fc1"), ("Relu", ""), ("Linear", "fc2"),
        ("CrossEntropy", None)]
    conv = ops[0]
    assert conv.module_types == ("CifarNet", "Sequential", "Conv2d")
    assert [s for s, _ in conv.inputs] == [(2, 3, 32, 32), (32, 3, 3, 3), (32,)]
    assert conv.output_shape == (2, 32, 30, 30) and conv.device == "cpu"
    assert ops[6].output_shape == (2, 2304)
    assert conv.source[0].endswith("conftest.py")  # CifarNet.forward is user code
    assert ops[-1].source[0] == __file__ and ops[-1].source[2] == line.co_name
    leaves = {n.op for n in g.nodes if n.kind == "leaf"}
    assert leaves == {name for name, _ in model.named_parameters()}
    # The first conv keeps its input and its im2col columns; the relu its output.
    assert conv.saved_bytes >= 2 * 3 * 32 * 32 * 4 and ops[1].saved_bytes == 2 * 32 * 30 * 30 * 4
    by_module = g.saved_bytes_by_module()
    assert by_module["features.1"] == ops[1].saved_bytes
    assert g.saved_bytes == sum(by_module.values())
    assert not graph.function.recording_observers  # annotation is off again


def test_saved_bytes_count_each_array_once_and_skip_parameters():
    w = ember.randn(8, requires_grad=True)
    y = w.tanh()        # Tanh keeps y
    z = (y * y).sum()   # Mul keeps y twice: the same array
    g = graph.describe(z)
    tanh, mul = g.nodes[1], g.nodes[2]
    assert (tanh.op, mul.op) == ("Tanh", "Mul")
    assert tanh.saved_bytes == mul.saved_bytes == 32 and g.saved_bytes == 32
    assert graph.describe((w * 2).sum()).saved_bytes == 0  # w is a parameter: not held


def test_table_tree_and_memory_summary_text(cifar_batch):
    images, _ = cifar_batch
    _, g = graph.trace(CifarNet(), images)
    table = g.table()
    assert table.splitlines()[0].split() == [
        "#", "op", "module", "inputs", "output", "dtype", "device", "saved", "source"]
    assert "[2, 64, 6, 6]" in table and "features.3" in table and "float32" in table
    tree = g.tree().splitlines()
    assert tree[0].startswith("graph") and tree[1:4] == [
        "└─ CifarNet", "   ├─ features (Sequential)", "   │  ├─ 0 (Conv2d)"]
    assert tree[-5:-1] == [
        "   ├─ fc1 (Linear)",
        "   │  └─ Linear([2, 2304], [128, 2304], [128]) -> [2, 128]  saved 18.0 KiB",
        "   ├─ Relu([2, 128]) -> [2, 128]  saved 1.0 KiB",  # F.relu in CifarNet.forward
        "   └─ fc2 (Linear)"]
    assert tree[-1].startswith("      └─ Linear([2, 128], [10, 128], [10]) -> [2, 10]")
    summary = g.memory_summary().splitlines()
    assert summary[0].split()[0] == "module" and summary[-1].startswith("total")
    assert summary[2].split()[0] == "features.3"  # the biggest holder comes first


def test_diff_lists_nodes_added_and_removed():
    class Dynamic(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.extra = nn.Linear(4, 4)

        def forward(self, x):
            x = self.a(x)
            if x.shape[0] > 2:  # the graph depends on the input
                x = self.extra(x).relu()
            return x.sum()

    model = Dynamic()
    _, small = graph.trace(model, ember.randn(2, 4))
    _, large = graph.trace(model, ember.randn(3, 4))
    change = graph.diff(small, large)
    added = {(op, path) for op, path, _, _ in change.added}
    removed = {(op, path) for op, path, _, _ in change.removed}
    # a and the sum see a new batch size; extra and its relu are new altogether
    assert added == {("Linear", "a"), ("Linear", "extra"), ("Relu", ""), ("Sum", "")}
    assert removed == {("Linear", "a"), ("Sum", "")}
    assert ("Linear", "extra", ((3, 4), (4, 4), (4,)), ((3, 4),)) in change.added
    assert "+ Linear in extra: [3, 4], [4, 4], [4] -> [3, 4]" in str(change)
    assert not small.diff(graph.trace(model, ember.randn(2, 4))[1])


def test_saved_tensors_hooks_pack_and_unpack_every_saved_tensor():
    packed, unpacked = [], []

    def pack(tensor):
        packed.append(tuple(tensor.shape))
        return tensor * 1  # a copy: the graph keeps only what the hook returned

    def unpack(tensor):
        unpacked.append(tuple(tensor.shape))
        return tensor

    x = ember.randn(3, 4, requires_grad=True)
    w = ember.randn(4, 5, requires_grad=True)
    with graph.saved_tensors_hooks(pack, unpack):
        y = (x @ w).tanh().sum()
    assert sorted(packed) == [(3, 4), (3, 5), (4, 5)]
    assert graph.function.pack_saved is None  # off again after the block
    y.backward()
    assert sorted(unpacked) == sorted(packed)
    expected_x, expected_w = x.grad.clone(), w.grad.clone()
    x.grad = w.grad = None
    (x @ w).tanh().sum().backward()
    assert ember.allclose(x.grad, expected_x) and ember.allclose(w.grad, expected_w)


def test_saved_tensor_hooks_keep_the_inplace_check_and_check_unpack_type():
    x = ember.randn(3, requires_grad=True)
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        y = (x * 1).exp()  # Exp keeps its output
    y.sum().backward(retain_graph=True)
    with ember.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    with graph.saved_tensors_hooks(lambda t: 0, lambda p: p):
        z = x.exp()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
        z.sum().backward()


def test_save_on_cpu_and_disable_saved_tensors_hooks():
    x = ember.randn(5, requires_grad=True)
    with graph.save_on_cpu():
        y = x.sin()
    holder = y.grad_fn._saved[0]
    assert type(holder.packed[1]) is ember.Tensor and holder.packed[0] == ember.device("cpu")
    y.sum().backward()
    assert ember.allclose(x.grad, x.detach().cos())
    with graph.disable_saved_tensors_hooks("no hooks in here"):
        with pytest.raises(RuntimeError, match="no hooks in here"):
            with graph.save_on_cpu():
                pass


def test_graph_summarises_a_deep_repeated_model():
    _, g = graph.trace(Residual(n=3), ember.randn(2, 8))
    assert sum(n.op == "Tanh" for n in g.nodes) == 3
    assert {n.module_path for n in g.nodes if n.op == "Tanh"} == {
        "blocks.0", "blocks.1", "blocks.2"}
    assert repr(g).startswith("<Graph: 11 ops, 10 leaves")


def test_no_graph_gives_a_clear_error():
    with pytest.raises(RuntimeError, match="no recorded graph"):
        graph.trace(lambda x: x * 2, ember.ones(2))
    assert Op.apply.__func__ is Op.__dict__["apply"].__func__
