"""ember.version: torch.version's fields, read by scripts that print their environment.

`cuda` and `hip` are None, as in a CPU build of torch: ember is not compiled against CUDA (it
reaches GPUs through CuPy at run time; `ember.cuda.is_available()` says whether one is there).

Example:
    >>> ember.version.cuda is None
    True
"""

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"
debug = False
cuda = None
hip = None
rocm = None
xpu = None
git_version = "unknown"
