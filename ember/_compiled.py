"""Which of ember's modules run compiled, and the switch that runs them all as Python.

setup.py compiles ember's hottest modules with Cython from their own .py files and records
the hash of each source in _compiled.json. Python imports a compiled module in preference
to its .py, so an edited module of an editable install would quietly go on running its old
compiled self. Here a module runs compiled only while its source still has the recorded
hash; an edited one runs from its .py, with a warning to rebuild. EMBER_PURE_PYTHON=1 runs
every module from its .py, and NumPy's loops in place of the compiled CPU kernels
(backend/_cpu_kernels.pyx): to step through ember in a debugger, or to compare.

`modules` names the modules running compiled in this process; `pure_python` is the switch.
"""
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings

__all__ = ["modules", "pure_python"]

_ROOT = os.path.dirname(os.path.abspath(__file__))


def _path(root, module, suffix):
    """Where a module of the package at `root` has its file ("ember.ops.unary" -> ops/unary)."""
    return os.path.join(root, *module.split(".")[1:]) + suffix


def _built(root, module):
    return any(os.path.exists(_path(root, module, suffix))
               for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def _source_hash(root, module):
    with open(_path(root, module, ".py"), "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def _read_manifest(root):
    try:
        with open(os.path.join(root, "_compiled.json")) as manifest:
            return json.load(manifest)
    except FileNotFoundError:  # built without Cython, or not built at all (a plain checkout)
        return {}


class _FromSource:
    """A meta path finder that imports the modules it names from their .py files."""

    def __init__(self, root, names):
        self.root, self.names = root, names

    def find_spec(self, name, path=None, target=None):
        if name not in self.names:
            return None
        return importlib.util.spec_from_file_location(name, _path(self.root, name, ".py"))


def _sort_built_modules(root, manifest, pure_python):
    """(modules to run compiled, modules to run from source) among those built."""
    built = {module: digest for module, digest in manifest.items() if _built(root, module)}
    if pure_python:
        return frozenset(), frozenset(built)
    stale = frozenset(module for module, digest in built.items()
                      if _source_hash(root, module) != digest)
    if stale:
        warnings.warn(
            f"ember: {', '.join(sorted(stale))} changed since compiled; running them as "
            f"Python, which is slower. Rebuild with `python3 -m pip install -e .`, or set "
            f"EMBER_PURE_PYTHON=1 to run all of ember as Python.", RuntimeWarning, stacklevel=2)
    return frozenset(built) - stale, stale


pure_python = bool(os.environ.get("EMBER_PURE_PYTHON"))
modules, _from_source = _sort_built_modules(_ROOT, _read_manifest(_ROOT), pure_python)
if _from_source:
    sys.meta_path.insert(0, _FromSource(_ROOT, _from_source))
