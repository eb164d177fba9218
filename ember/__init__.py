"""ember: a define-by-run deep-learning framework with PyTorch's API.

    import ember as torch

The public names below come from each module's `__all__`; ember/README.md maps the package.
"""
from . import _compiled  # noqa: F401  (first: it decides which modules run compiled)
from . import _host_memory  # noqa: F401  (malloc keeps freed memory for the next step)
from . import _dtype
from ._dtype import (bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype, finfo,
                     float, float16, float32, float64, get_default_dtype, half, iinfo, int, int8,
                     int16, int32, int64, long, promote_types, result_type, set_default_dtype,
                     short, uint8)
from ._generator import (Generator, default_generator, get_rng_state, initial_seed,
                         manual_seed, seed, set_rng_state)
from ._tensor import Size, Tensor
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .backend.device import device
from . import ops  # noqa: F401  (attaches the ops to Tensor)
from .ops.compare import *  # noqa: F401,F403
from .ops.convert import clone, contiguous
from .ops.creation import *  # noqa: F401,F403
from .ops.elementwise import *  # noqa: F401,F403
from .ops.unary import *  # noqa: F401,F403
from .ops.binary import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.cumulative import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.join import *  # noqa: F401,F403
from .ops.index import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.sort import *  # noqa: F401,F403
from .ops.count import *  # noqa: F401,F403
from .ops.random import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                       conv_transpose2d, conv_transpose3d)
# torch's top-level pools; its adaptive_max_pool1d always returns (values, indices)
from .ops.pool import (adaptive_avg_pool1d, avg_pool1d, max_pool1d,  # noqa: F401
                       max_pool1d_with_indices, max_pool2d)
from .ops.pool import adaptive_max_pool1d_with_indices as adaptive_max_pool1d  # noqa: F401
from . import return_types
from . import storage
from .storage import TypedStorage, UntypedStorage, is_storage
from . import autograd, linalg, nn, optim, utils
from . import func
from .func import vmap  # torch.vmap is torch.func.vmap
from . import profiler
from . import testing
from . import vision
from . import random
from . import hub, quasirandom  # torch.hub (downloads, checkpoints), Sobol' sequences
from . import special, distributions
from . import fft, signal
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .serialization import load, save
from ._compile import compile
from . import compiler, jit  # torch.compiler / torch.jit: decorators and queries, eager
from . import distributed, multiprocessing
from . import _dynamo, accelerator, version
from . import amp, backends, cuda  # cuda imports CuPy only when a GPU is first asked for
from . import cpu
from .amp import GradScaler, autocast
from .amp.autocast_mode import (autocast_decrement_nesting, autocast_increment_nesting,
                                clear_autocast_cache, get_autocast_cpu_dtype,
                                get_autocast_dtype, get_autocast_gpu_dtype,
                                is_autocast_cache_enabled, is_autocast_cpu_enabled,
                                is_autocast_enabled, set_autocast_cache_enabled,
                                set_autocast_cpu_dtype, set_autocast_cpu_enabled,
                                set_autocast_dtype, set_autocast_enabled,
                                set_autocast_gpu_dtype)
from .backends.cuda import get_float32_matmul_precision, set_float32_matmul_precision
from .nn.functional.distance import cdist, cosine_similarity, pairwise_distance, pdist
from .linalg import matrix_exp
from ._foreach import *  # noqa: F401,F403  (torch._foreach_add_ ... for custom optimizers)
from ._linalg_legacy import (cholesky, cholesky_inverse, geqrf, orgqr, ormqr, qr,  # noqa: F401
                             svd, triangular_solve)
from ._linalg_lu import legacy_lu as lu, lu_unpack  # noqa: F401
from .ops.top_level import (channel_shuffle, cholesky_solve, det, frombuffer,  # noqa: F401
                            inverse, is_inference, log_softmax, logdet, lu_solve,
                            matrix_power, pinverse, slogdet, softmax)
from .ops.top_level import (frobenius_norm, get_device, index_put_,  # noqa: F401
                            nuclear_norm, set_default_tensor_type)
from ._settings import *  # noqa: F401,F403  (threads, determinism, default device)
from ._memory_format import (channels_last, channels_last_3d, contiguous_format,  # noqa: F401
                             memory_format, preserve_format)
from .autograd.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: F401
from .autograd.anomaly import set_detect_anomaly as set_anomaly_enabled  # noqa: F401
from math import e, inf, nan, pi  # noqa: F401  (torch.pi ... are Python floats)
newaxis = None
from .ops.matrices import *  # noqa: F401,F403
from .ops.numeric import *  # noqa: F401,F403
from .ops.bessel import i0  # noqa: F401
from .ops.sequence import *  # noqa: F401,F403
from .ops.tensor_queries import *  # noqa: F401,F403
from .ops.complex import *  # noqa: F401,F403
from .ops.windows import *  # noqa: F401,F403
from .ops.spectral import *  # noqa: F401,F403
from .ops.scatter_copy import *  # noqa: F401,F403
from .ops.copies import *  # noqa: F401,F403
from .ops.strided import *  # noqa: F401,F403
from .ops.layout import *  # noqa: F401,F403
from ._lowrank import pca_lowrank, svd_lowrank  # noqa: F401
from ._functional_aliases import *  # noqa: F401,F403
from .ops.top_level import hardshrink  # noqa: F401  (torch.hardshrink)
from .ops.special import standard_gamma as _standard_gamma  # noqa: F401  (torch's)
Tensor.prelu = prelu  # torch's Tensor methods from nn.functional  # noqa: F405
Tensor.hardshrink = hardshrink
from .ops._numpy_names import accept_numpy_names  # x.sum(axis=1), as torch's parser
accept_numpy_names(globals(), Tensor)


__version__ = version.__version__


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__
