"""Neural-network building blocks: Module, Parameter, layers, losses, functional, init.

Layers live in ember/nn/modules/ (one file per family), their stateless forms in
ember/nn/functional/; see ember/nn/README.md.
"""
from .parameter import (Buffer, Parameter, UninitializedBuffer,  # noqa: F401
                        UninitializedParameter)
from .modules import *  # noqa: F401,F403
from . import functional, init, utils  # noqa: F401
from . import attention  # noqa: F401  (sdpa_kernel, SDPBackend)
from . import parallel  # noqa: F401
from .parallel import DataParallel  # noqa: F401
