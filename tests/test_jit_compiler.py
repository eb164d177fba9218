"""ember.jit and ember.compiler: TorchScript-era and torch.compile-era model code runs eagerly."""
import io

import pytest
import torch

import ember
import ember.nn as nn


class TimmStyleBlock(nn.Module):
    fused_attn: ember.jit.Final[bool]  # timm annotates flags this way

    def __init__(self):
        super().__init__()
        self.fused_attn = True
        self.linear = nn.Linear(3, 3)

    @ember.jit.ignore
    def no_weight_decay(self):
        return {"linear.bias"}

    @ember.jit.unused
    def debug(self):
        return "debug"

    @ember.jit.export
    def double(self, x):
        return 2 * x

    def forward(self, x):
        if not ember.jit.is_scripting() and not ember.compiler.is_compiling():
            return self.linear(x).relu()
        raise AssertionError("eager path expected")


def test_script_and_trace_keep_the_python_code():
    @ember.jit.script
    def swish(x):
        return x * x.sigmoid()

    x = ember.tensor([1.0, -2.0], requires_grad=True)
    y = swish(x)
    y.sum().backward()
    expected = torch.tensor([1.0, -2.0])
    expected = expected * expected.sigmoid()
    assert ember.allclose(y.detach(), ember.tensor(expected.numpy()))
    assert x.grad is not None
    block = TimmStyleBlock()
    assert ember.jit.script(block) is block
    assert ember.jit.trace(block, (ember.ones(1, 3),)) is block
    assert ember.jit.trace_module(block, {"forward": ember.ones(1, 3)}) is block
    assert block.no_weight_decay() == {"linear.bias"} and block.debug() == "debug"
    assert bool((block.double(ember.ones(2)) == 2).all())
    assert block(ember.ones(2, 3)).shape == (2, 3)


def test_queries_and_helpers():
    assert ember.jit.is_scripting() is False and ember.jit.is_tracing() is False
    assert ember.jit.annotate(list, [1]) == [1]
    assert float(ember.jit.wait(ember.jit.fork(lambda a: a + 1, ember.tensor(1.0)))) == 2.0
    assert issubclass(ember.jit.ScriptModule, nn.Module)
    assert ember.jit.ignore(drop=True)(len) is len
    assert ember.compiler.is_compiling() is False
    assert ember.compiler.is_dynamo_compiling() is False
    assert ember.compiler.disable(len) is len
    assert ember.compiler.disable(recursive=False)(len) is len
    assert ember.compiler.compile is ember.compile
    with ember.compiler.set_stance("force_eager"):
        pass
    assert torch.compiler.is_compiling() is False  # what the eager torch answers too


def test_torchscript_archives_raise_with_the_fix():
    with pytest.raises(NotImplementedError, match="state_dict"):
        ember.jit.save(TimmStyleBlock(), io.BytesIO())
    with pytest.raises(NotImplementedError, match="state_dict"):
        ember.jit.load(io.BytesIO())
