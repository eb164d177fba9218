"""Signatures of torch's Python-level API against ember's: parameter names, order, kinds
(positional-only, keyword-only) and defaults, namespace by namespace.

torch's builtins (F.conv2d, F.gelu ...) have no Python signature; their schemas are read from
torch's operator registry instead, with `self` called `input` as torch's binding does.
"""
import inspect
import types

import pytest
import torch
import torch.autograd.functional
import torch.autograd.graph
import torch.distributions
import torch.nn.utils.parametrizations
import torch.nn.utils.parametrize
import torch.nn.utils.prune
import torch.nn.utils.rnn
import torch.optim.lr_scheduler
import torch.optim.swa_utils
import torch.utils.checkpoint
import torch.utils.data

import ember
import ember.nn.utils.prune

EMPTY = inspect.Parameter.empty
# Methods torch classes inherit from bases that have their own rows here, or that only make
# sense inside torch (hook type aliases, profiler hooks, multi-GPU DataParallel internals).
SKIPPED_METHODS = {"OptimizerPreHook", "OptimizerPostHook", "profile_hook_step", "gather",
                   "scatter", "replicate", "parallel_apply", "check_worker_number_rationality"}


def _default(value):
    if value is EMPTY:
        return "<required>"
    if isinstance(value, (torch.Generator, ember.Generator)):
        return "<generator>"
    if isinstance(value, type) or callable(value):
        return getattr(value, "__name__", repr(value))
    return repr(value).replace("torch.", "").replace("ember.", "")


def _describe(signature):
    """(name, kind, default) per parameter; callers cannot name *args or **kwargs, so theirs
    are left out."""
    return [(p.name if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) else "*", p.kind.name,
             _default(p.default))
            for p in signature.parameters.values() if p.name != "self"]


def _signature(obj):
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _pairs(torch_module, ember_module, methods):
    """(label, torch callable, ember callable) for the public callables of torch_module that
    ember_module has, and for the given methods of its classes."""
    names = getattr(torch_module, "__all__", None) or [
        n for n in dir(torch_module) if not n.startswith("_")]
    for name in sorted(set(names)):
        torch_obj = getattr(torch_module, name, None)
        ember_obj = getattr(ember_module, name, None)
        if torch_obj is None or ember_obj is None or isinstance(torch_obj, types.ModuleType):
            continue
        if not isinstance(torch_obj, type):
            if callable(torch_obj):
                yield name, torch_obj, ember_obj
            continue
        if issubclass(torch_obj, torch.Tensor):
            continue  # Parameter and Buffer: Tensor methods, checked with the tensor API
        for method in methods:
            torch_method = getattr(torch_obj, method, None)
            if torch_method is None or torch_method is getattr(object, method, None):
                continue
            yield f"{name}.{method}", torch_method, getattr(ember_obj, method, None)


def _class_methods(torch_module, base=object):
    """Every public method torch_module's classes define beyond `base`."""
    methods = {"__init__", "forward", "__getitem__", "__iter__", "__len__", "__exit__"}
    for name in dir(torch_module):
        obj = getattr(torch_module, name)
        if isinstance(obj, type) and not issubclass(obj, torch.Tensor):
            methods |= {m for m in dir(obj) if not m.startswith("_") and m not in vars(base)
                        and m not in SKIPPED_METHODS and callable(getattr(obj, m, None))
                        and not isinstance(inspect.getattr_static(obj, m), property)}
    return methods


NAMESPACES = [
    ("nn", torch.nn, ember.nn, _class_methods(torch.nn, torch.nn.Module)),
    ("nn.functional", torch.nn.functional, ember.nn.functional, ()),
    ("nn.init", torch.nn.init, ember.nn.init, ()),
    ("nn.utils", torch.nn.utils, ember.nn.utils, ()),
    ("nn.utils.rnn", torch.nn.utils.rnn, ember.nn.utils.rnn,
     _class_methods(torch.nn.utils.rnn)),
    ("nn.utils.parametrize", torch.nn.utils.parametrize, ember.nn.utils.parametrize, ()),
    ("nn.utils.parametrizations", torch.nn.utils.parametrizations,
     ember.nn.utils.parametrizations, ()),
    ("nn.utils.prune", torch.nn.utils.prune, ember.nn.utils.prune,
     _class_methods(torch.nn.utils.prune)),
    ("optim", torch.optim, ember.optim, _class_methods(torch.optim)),
    ("optim.lr_scheduler", torch.optim.lr_scheduler, ember.optim.lr_scheduler,
     _class_methods(torch.optim.lr_scheduler)),
    ("optim.swa_utils", torch.optim.swa_utils, ember.optim.swa_utils,
     _class_methods(torch.optim.swa_utils, torch.nn.Module)),
    ("utils.data", torch.utils.data, ember.utils.data, _class_methods(torch.utils.data)),
    ("distributions", torch.distributions, ember.distributions,
     _class_methods(torch.distributions)),
    ("amp", torch.amp, ember.amp, _class_methods(torch.amp)),
    ("utils.checkpoint", torch.utils.checkpoint, ember.utils.checkpoint, ()),
]


def _mismatches(pairs):
    found = []
    for label, torch_obj, ember_obj in pairs:
        torch_sig = _signature(torch_obj)
        if torch_sig is None:
            continue
        wanted = _describe(torch_sig)
        if [kind for _, kind, _ in wanted] == ["VAR_POSITIONAL", "VAR_KEYWORD"]:
            continue  # a torch wrapper that forwards everything
        ember_sig = None if ember_obj is None else _signature(ember_obj)
        got = None if ember_sig is None else _describe(ember_sig)
        if got != wanted:
            found.append(f"{label}:\n  torch {torch_sig}\n  ember {ember_sig}")
    return found


@pytest.mark.parametrize("label,torch_module,ember_module,methods", NAMESPACES,
                         ids=[n[0] for n in NAMESPACES])
def test_signatures_match_torch(label, torch_module, ember_module, methods):
    found = _mismatches(_pairs(torch_module, ember_module, methods))
    assert not found, f"{label}: signatures differ from torch's\n" + "\n".join(found)


def test_module_methods_match_torch():
    pairs = [(name, method, getattr(ember.nn.Module, name, None))
             for name, method in vars(torch.nn.Module).items()
             if callable(method) and (not name.startswith("_") or name == "__init__")
             and name not in ("ipu", "xpu", "mtia")]
    found = _mismatches(pairs)
    assert not found, "nn.Module methods differ from torch's\n" + "\n".join(found)


def test_autograd_signatures_match_torch():
    pairs = [(name, getattr(torch.autograd, name), getattr(ember.autograd, name))
             for name in ("grad", "backward", "gradcheck", "gradgradcheck")]
    pairs += [(f"{name}.{method}", getattr(getattr(torch.autograd, name), method),
               getattr(getattr(ember.autograd, name), method))
              for name in ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode")
              for method in ("__init__", "__call__", "__enter__", "__exit__")]
    pairs += [(f"graph.{name}.{method}", getattr(getattr(torch.autograd.graph, name), method),
               getattr(getattr(ember.autograd.graph, name), method))
              for name, methods in [("Node", ("register_hook", "register_prehook", "name")),
                                    ("saved_tensors_hooks", ("__init__", "__exit__")),
                                    ("save_on_cpu", ("__init__",))]
              for method in methods]
    pairs += [(name, getattr(torch.autograd.functional, name),
               getattr(ember.autograd.functional, name))
              for name in ("vjp", "jvp", "jacobian", "hessian", "vhp", "hvp")]
    pairs += [(f"Function.{name}", getattr(torch.autograd.Function, name),
               getattr(ember.autograd.Function, name))
              for name in ("forward", "backward", "apply", "setup_context")]
    found = _mismatches(pairs)
    assert not found, "autograd signatures differ from torch's\n" + "\n".join(found)


def _schema_signature(schema):
    """torch's Python binding of an operator schema: (name, kind) per argument."""
    return [("input" if argument.name == "self" else argument.name,
             "KEYWORD_ONLY" if argument.kwarg_only else "POSITIONAL_OR_KEYWORD")
            for argument in schema.arguments]


def _schemas(name):
    return [s for s in torch._C._jit_get_schemas_for_operator(f"aten::{name}")
            if not s.overload_name.endswith("out")]


# F's builtins that torch registers an operator schema for (a few, such as logsigmoid, have
# none in some environments)
BUILTINS = sorted(n for n in dir(torch.nn.functional) if not n.startswith("_")
                  and callable(getattr(torch.nn.functional, n))
                  and _signature(getattr(torch.nn.functional, n)) is None
                  and hasattr(ember.nn.functional, n) and _schemas(n))


@pytest.mark.parametrize("name", BUILTINS)
def test_functional_builtins_match_torch_schemas(name):
    """Names and kinds of F's builtins against the first schema torch registers for them."""
    wanted = _schema_signature(_schemas(name)[0])
    got = [(n, k) for n, k, _ in _describe(inspect.signature(getattr(ember.nn.functional, name)))]
    assert got == wanted, f"F.{name}: torch {schemas[0]}, ember {got}"
