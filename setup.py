"""ember's build: the package as pure Python, and its hottest modules compiled by Cython.

The compiled modules are built from the same .py files (there is no second source to keep
in step); Python's overhead per op, which dominates small tensors, drops by about a sixth
(BENCHMARKS.md). Each one is optional: where no C compiler is found the build goes on and
ember runs as pure Python. The build records a hash of each compiled module's source in
ember/_compiled.json; ember/_compiled.py uses a compiled module only while its source is
unchanged, so that an edited file of an editable install runs as written.

Beside them, ember/backend/_cpu_kernels.pyx holds the few float32 CPU kernels NumPy has no
fast loop for (exp, tanh, sigmoid, relu and their gradients; batch norm's passes; the direct
convolution of few input channels; Adam's update, cross entropy's rows, a bias add), and
ember/backend/_selection.pyx, in C++, topk and kthvalue with torch's choice among equal
values; both are optional.
"""
import hashlib
import json
import os

from setuptools import Extension, setup

# The modules every op and every training step runs through. A module that does not compile
# under Cython's pure-Python mode stays off the list: ops/pool.py, whose conditional
# expressions over tuples of different lengths Cython rejects as a type error.
COMPILED = [
    "ember._dtype", "ember._tensor",
    "ember.autograd.engine", "ember.autograd.function", "ember.autograd.grad_mode",
    "ember.ops.binary", "ember.ops.compare", "ember.ops.conv", "ember.ops.convert",
    "ember.ops.elementwise", "ember.ops.index", "ember.ops.linalg", "ember.ops.reduce",
    "ember.ops.shape", "ember.ops.unary",
    "ember.nn.modules.module", "ember.nn.functional.activation", "ember.nn.functional.loss",
    "ember.nn.functional._nll", "ember.nn.functional.normalization",
    "ember.optim.optimizer", "ember.optim.adam", "ember.optim.sgd",
]


def source_of(module):
    return os.path.join(*module.split(".")) + ".py"


def source_hash(module):
    with open(source_of(module), "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def cpu_kernels():
    """ember/backend/_cpu_kernels: float32 loops that the compiler vectorizes (cpu_kernels.h).

    No -ffast-math: NaN and infinities must come out as NumPy's would. The compare-and-select
    steps vectorize only without trapping math; contraction into fused multiply-adds stays off
    so that a CPU with FMA and one without compute the same bits."""
    try:
        import numpy
    except ImportError:
        return []
    numpy_api = {"include_dirs": [numpy.get_include()],
                 "define_macros": [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]}
    backend = os.path.join("ember", "backend")
    return [Extension(
        "ember.backend._cpu_kernels", [os.path.join(backend, "_cpu_kernels.pyx")],
        depends=[os.path.join(backend, "cpu_kernels.h")],
        extra_compile_args=["-O3", "-g0", "-fno-math-errno", "-fno-trapping-math",
                            "-ffp-contract=off"], **numpy_api),
        Extension("ember.backend._selection", [os.path.join(backend, "_selection.pyx")],
                  depends=[os.path.join(backend, "selection.h")], language="c++",
                  extra_compile_args=["-O2", "-g0"], **numpy_api)]


def compiled_extensions():
    if os.environ.get("EMBER_PURE_PYTHON"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without isolation, where Cython is not installed
        return []

    with open(os.path.join("ember", "_compiled.json"), "w") as manifest:
        json.dump({module: source_hash(module) for module in COMPILED}, manifest, indent=1)
    # -O2 without debug symbols: a quarter of the default -O3 -g build time, as fast to run
    modules = [Extension(module, [source_of(module)], extra_compile_args=["-O2", "-g0"])
               for module in COMPILED]
    extensions = cythonize(
        modules + cpu_kernels(),
        build_dir=os.path.join("build", "cython"), quiet=True, nthreads=os.cpu_count() or 1,
        compiler_directives={"language_level": 3})
    for extension in extensions:
        extension.optional = True  # a module that fails to compile stays Python
    return extensions


setup(ext_modules=compiled_extensions(),
      package_data={"ember": ["_compiled.json"],
                    "ember.backend": ["cpu_kernels.h", "selection.h"]},
      options={"build_ext": {"parallel": os.cpu_count() or 1}})
