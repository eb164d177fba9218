"""The compiled core (setup.py, ember/_compiled.py): a compiled module runs only while its
source is the one it was built from, and EMBER_PURE_PYTHON=1 runs all of ember as Python."""
import hashlib
import importlib
import importlib.machinery
import os
import subprocess
import sys
import warnings

import pytest

import ember
from ember import _compiled


def _package(tmp_path, source_text, recorded_text):
    """A package `pkg` whose module `fast` has a .py, an unloadable "compiled" file standing
    in for a Cython build, and a manifest recording the hash of `recorded_text`."""
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "fast.py").write_text(source_text)
    (root / ("fast" + importlib.machinery.EXTENSION_SUFFIXES[0])).write_bytes(b"not a library")
    manifest = {"pkg.fast": hashlib.sha256(recorded_text.encode()).hexdigest()}
    return str(root), manifest


def _import_fresh(tmp_path, name):
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[module]


def test_an_edited_module_runs_from_its_source_with_a_warning(tmp_path):
    root, manifest = _package(tmp_path, "WHERE = 'source'\n", "WHERE = 'old source'\n")
    with pytest.warns(RuntimeWarning, match=r"pkg\.fast changed since compiled"):
        compiled, from_source = _compiled._sort_built_modules(root, manifest, False)
    assert compiled == frozenset() and from_source == {"pkg.fast"}
    with pytest.raises(ImportError):  # Python on its own would load the stale build
        _import_fresh(tmp_path, "pkg.fast")
    finder = _compiled._FromSource(root, from_source)
    sys.meta_path.insert(0, finder)
    try:
        assert _import_fresh(tmp_path, "pkg.fast").WHERE == "source"
    finally:
        sys.meta_path.remove(finder)


def test_an_unchanged_module_runs_compiled_and_the_switch_turns_it_off(tmp_path):
    root, manifest = _package(tmp_path, "WHERE = 'source'\n", "WHERE = 'source'\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _compiled._sort_built_modules(root, manifest, False) == (
            {"pkg.fast"}, frozenset())
    assert _compiled._sort_built_modules(root, manifest, True) == (frozenset(), {"pkg.fast"})
    # a module listed in the manifest but never built (no C compiler) is simply Python
    os.remove(os.path.join(root, "fast" + importlib.machinery.EXTENSION_SUFFIXES[0]))
    assert _compiled._sort_built_modules(root, manifest, False) == (frozenset(), frozenset())


def test_the_modules_said_to_run_compiled_are_the_extension_modules_loaded():
    loaded = {name: module for name, module in sys.modules.items()
              if name.startswith("ember") and getattr(module, "__file__", None)}
    extension = {name for name, module in loaded.items()
                 if module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))}
    kernels = {"ember.backend._cpu_kernels", "ember.backend._selection"}
    assert extension - kernels == set(_compiled.modules)


def test_pure_python_switch_runs_every_module_from_source():
    script = (
        "import sys, numpy, ember\n"
        "assert ember._compiled.modules == frozenset()\n"
        "assert ember.backend.fused(numpy, 'exp') is None\n"
        "assert all(m.__file__.endswith('.py') for n, m in sys.modules.items()\n"
        "           if n.startswith('ember') and getattr(m, '__file__', None))\n"
        "x = ember.ones(3, requires_grad=True)\n"
        "(x * x).tanh().sum().backward()\n"
        "print(round(x.grad[0].item(), 4))\n")
    env = dict(os.environ, EMBER_PURE_PYTHON="1")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "0.8399"  # d/dx tanh(x²) = 2x(1 - tanh²(x²)) at 1

