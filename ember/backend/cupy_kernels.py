"""Fused CuPy kernels: one GPU launch where the generic op code makes several.

Ops look these up with `ember.backend.fused(xp, name)` and keep their generic code wherever
a kernel is missing or returns None (a dtype or layout it doesn't cover), so each kernel
handles only the common case, and tests/cuda checks each against the generic path.
Elementwise kernels compute in float32 (float16 inputs are widened inside the kernel, as
torch's CUDA kernels do); row kernels (softmax, layer norm) take float32, which is what
autocast gives them. CuPy compiles each kernel on first use and caches it on disk.

| name | replaces | launches: generic -> fused |
| --- | --- | --- |
| matmul | half-precision GEMM through float32 copies | 4 -> 1 (cuBLAS, float32 accumulate) |
| Gelu, GeluGrad, Silu, SiluGrad | activation forward / backward | 3-8 -> 1 |
| softmax, log_softmax, softmax_grad, log_softmax_grad | row-wise softmax and gradient | 4-5 -> 1 |
| layer_norm | layer norm forward (statistics + affine) | 7 -> 1 |
| dropout_mask | host draw + copy + compare + scale | 1 transfer + 3 -> 2 |
| adam_step | one Adam update of one parameter | ~10 -> 1 |
"""
import cupy
import numpy as np

from .cupy_backend import generator

__all__ = ["KERNELS"]

_F32 = np.dtype(np.float32)
_ELEMENTWISE_DTYPES = (_F32, np.dtype(np.float16))

# -- GEMM ---------------------------------------------------------------------------------


def matmul(a, b):
    """a @ b in float16 through cuBLAS (float32 accumulation, tensor cores); None for
    other dtypes, which keep the generic path."""
    if a.dtype != np.float16 or b.dtype != np.float16:
        return None
    return cupy.matmul(a, b)


# -- activations --------------------------------------------------------------------------

# x Phi(x) with Phi the normal CDF; tanh form: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
_GELU = {
    "none": "const float v = (float)x;"
            "y = (T)(0.5f * v * (1.0f + erff(v * 0.7071067811865476f)));",
    "tanh": "const float v = (float)x;"
            "const float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);"
            "y = (T)(0.5f * v * (1.0f + tanhf(u)));",
}
# gelu'(x) = Phi(x) + x phi(x);  tanh form: (1 + t)/2 + x (1 - t^2) u'/2
_GELU_GRAD = {
    "none": "const float v = (float)x;"
            "const float cdf = 0.5f * (1.0f + erff(v * 0.7071067811865476f));"
            "const float pdf = expf(-0.5f * v * v) * 0.3989422804014327f;"
            "dx = (T)((float)g * (cdf + v * pdf));",
    "tanh": "const float v = (float)x;"
            "const float t = tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v));"
            "const float slope = 0.7978845608028654f * (1.0f + 0.134145f * v * v);"
            "dx = (T)((float)g * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * slope));",
}
_gelu = {mode: cupy.ElementwiseKernel("T x", "T y", body, f"ember_gelu_{mode}")
         for mode, body in _GELU.items()}
_gelu_grad = {mode: cupy.ElementwiseKernel("T g, T x", "T dx", body, f"ember_gelu_grad_{mode}")
              for mode, body in _GELU_GRAD.items()}
# silu(x) = x sigmoid(x);  silu'(x) = s (1 + x (1 - s))
_silu = cupy.ElementwiseKernel(
    "T x", "T y", "const float v = (float)x; y = (T)(v / (1.0f + expf(-v)));", "ember_silu")
_silu_grad = cupy.ElementwiseKernel(
    "T g, T x", "T dx",
    "const float v = (float)x; const float s = 1.0f / (1.0f + expf(-v));"
    "dx = (T)((float)g * s * (1.0f + v * (1.0f - s)));",
    "ember_silu_grad")


def gelu(x, approximate):
    return _gelu[approximate](x) if x.dtype in _ELEMENTWISE_DTYPES else None


def gelu_grad(grad, x, approximate):
    if x.dtype not in _ELEMENTWISE_DTYPES or grad.dtype != x.dtype:
        return None
    return _gelu_grad[approximate](grad, x)


def silu(x):
    return _silu(x) if x.dtype in _ELEMENTWISE_DTYPES else None


def silu_grad(grad, x):
    if x.dtype not in _ELEMENTWISE_DTYPES or grad.dtype != x.dtype:
        return None
    return _silu_grad(grad, x)


# -- dropout ------------------------------------------------------------------------------

_dropout_mask = cupy.ElementwiseKernel(
    "float32 u, float32 p, float64 scale", "T mask", "mask = (T)(u >= p ? scale : 0.0);",
    "ember_dropout_mask")


def dropout_mask(shape, p, dtype):
    """A mask of `shape`: 1 / (1 - p) with probability 1 - p, else 0, drawn on the current
    GPU from its generator (ember.cuda.manual_seed seeds it); None for half-precision
    types other than float16."""
    if dtype.itemsize == 2 and dtype != np.float16:
        return None
    uniform = generator().random(shape, dtype=cupy.float32)
    return _dropout_mask(uniform, p, 1.0 / (1.0 - p), cupy.empty(shape, dtype))


# -- Adam ---------------------------------------------------------------------------------

_adam = cupy.ElementwiseKernel(
    "T grad, float32 lr, float32 beta1, float32 beta2, float32 eps, float32 weight_decay, "
    "float32 step_size, float32 bias_correction2_sqrt, int32 decoupled, int32 maximize",
    "T param, T exp_avg, T exp_avg_sq",
    """
    float g = maximize ? -grad : grad;
    if (weight_decay != 0.0f) {
        if (decoupled) {
            param *= 1.0f - lr * weight_decay;
        } else {
            g += weight_decay * param;
        }
    }
    exp_avg += (1.0f - beta1) * (g - exp_avg);
    exp_avg_sq = exp_avg_sq * beta2 + (1.0f - beta2) * g * g;
    param -= step_size * exp_avg / (sqrtf(exp_avg_sq) / bias_correction2_sqrt + eps);
    """,
    "ember_adam_step")


def adam_step(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay,
              step_size, bias_correction2_sqrt, decoupled, maximize):
    """One Adam/AdamW update of a float32 parameter and its moments, in place; see
    ember.optim.Adam for the rule. Returns None (nothing done) for other dtypes."""
    if not (param.dtype == grad.dtype == exp_avg.dtype == exp_avg_sq.dtype == _F32):
        return None
    _adam(grad, lr, beta1, beta2, eps, weight_decay, step_size, bias_correction2_sqrt,
          int(decoupled), int(maximize), param, exp_avg, exp_avg_sq)
    return param


# -- row kernels: softmax and layer norm over the last dim --------------------------------

# One block per row; the block's threads stride along the row. The reductions go through
# shared memory in a tree (blockDim.x is a power of two), with no warp shuffles, so the same
# source compiles for ROCm, whose wavefronts are 64 wide.
_ROWS_SOURCE = r"""
__device__ float block_sum(float value, float* shared) {
    shared[threadIdx.x] = value;
    __syncthreads();
    for (unsigned int half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    const float total = shared[0];
    __syncthreads();
    return total;
}

__device__ float block_max(float value, float* shared) {
    shared[threadIdx.x] = value;
    __syncthreads();
    for (unsigned int half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (threadIdx.x < half) {
            shared[threadIdx.x] = fmaxf(shared[threadIdx.x], shared[threadIdx.x + half]);
        }
        __syncthreads();
    }
    const float best = shared[0];
    __syncthreads();
    return best;
}

extern "C" __global__ void ember_softmax_rows(const float* x, float* y, const long long cols,
                                              const int log_out) {
    extern __shared__ float shared[];
    const float* row = x + blockIdx.x * cols;
    float* out = y + blockIdx.x * cols;
    float largest = __int_as_float(0xff800000);  // -inf
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) largest = fmaxf(largest, row[j]);
    largest = block_max(largest, shared);
    float total = 0.0f;
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) total += expf(row[j] - largest);
    total = block_sum(total, shared);
    if (log_out) {
        const float log_total = logf(total);
        for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
            out[j] = (row[j] - largest) - log_total;
        }
    } else {
        const float inverse = 1.0f / total;
        for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
            out[j] = expf(row[j] - largest) * inverse;
        }
    }
}

// softmax:     grad_x = y (g - sum(g y));   log_softmax: grad_x = g - e^y sum(g)
extern "C" __global__ void ember_softmax_grad_rows(const float* g, const float* y, float* dx,
                                                   const long long cols, const int log_out) {
    extern __shared__ float shared[];
    const long long offset = blockIdx.x * cols;
    float total = 0.0f;
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
        total += log_out ? g[offset + j] : g[offset + j] * y[offset + j];
    }
    total = block_sum(total, shared);
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
        const long long k = offset + j;
        dx[k] = log_out ? g[k] - expf(y[k]) * total : y[k] * (g[k] - total);
    }
}

extern "C" __global__ void ember_layer_norm_rows(const float* x, const float* weight,
                                                 const float* bias, float* y, float* mean_out,
                                                 float* invstd_out, const long long cols,
                                                 const float eps, const int has_weight,
                                                 const int has_bias) {
    extern __shared__ float shared[];
    const float* row = x + blockIdx.x * cols;
    float* out = y + blockIdx.x * cols;
    float total = 0.0f;
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) total += row[j];
    const float mean = block_sum(total, shared) / (float)cols;
    float squares = 0.0f;  // two passes over the row: no cancellation in E[x^2] - E[x]^2
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
        const float centered = row[j] - mean;
        squares += centered * centered;
    }
    const float invstd = rsqrtf(block_sum(squares, shared) / (float)cols + eps);
    for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
        float value = (row[j] - mean) * invstd;
        if (has_weight) value *= weight[j];
        if (has_bias) value += bias[j];
        out[j] = value;
    }
    if (threadIdx.x == 0) {
        mean_out[blockIdx.x] = mean;
        invstd_out[blockIdx.x] = invstd;
    }
}
"""
_module = {}


def _row_kernel(name):
    if "module" not in _module:
        _module["module"] = cupy.RawModule(code=_ROWS_SOURCE)
    return _module["module"].get_function(name)


def _launch(name, rows, cols, args):
    threads = 32
    while threads < cols and threads < 1024:
        threads *= 2
    _row_kernel(name)((rows,), (threads,), args, shared_mem=threads * 4)


def _as_rows(x, dim):
    """x with `dim` moved last, C-contiguous: (rows, cols) memory for a row kernel."""
    if dim != x.ndim - 1:
        x = cupy.moveaxis(x, dim, -1)
    return cupy.ascontiguousarray(x)


def _softmax(x, dim, log_out):
    if x.dtype != _F32 or x.ndim == 0 or x.size == 0:
        return None
    rows_in = _as_rows(x, dim)
    cols = rows_in.shape[-1]
    out = cupy.empty_like(rows_in)
    _launch("ember_softmax_rows", rows_in.size // cols, cols,
            (rows_in, out, np.int64(cols), np.int32(log_out)))
    return out if dim == x.ndim - 1 else cupy.moveaxis(out, -1, dim)


def softmax(x, dim):
    """softmax along dim in one launch (float32); None otherwise."""
    return _softmax(x, dim, False)


def log_softmax(x, dim):
    """log_softmax along dim in one launch (float32); None otherwise."""
    return _softmax(x, dim, True)


def _softmax_grad(grad, y, dim, log_out):
    if grad.dtype != _F32 or y.dtype != _F32 or y.ndim == 0 or y.size == 0 \
            or grad.shape != y.shape:
        return None
    grad_rows, y_rows = _as_rows(grad, dim), _as_rows(y, dim)
    cols = y_rows.shape[-1]
    out = cupy.empty_like(y_rows)
    _launch("ember_softmax_grad_rows", y_rows.size // cols, cols,
            (grad_rows, y_rows, out, np.int64(cols), np.int32(log_out)))
    return out if dim == y.ndim - 1 else cupy.moveaxis(out, -1, dim)


def softmax_grad(grad, y, dim):
    """y (g - sum(g y)) along dim, the backward of softmax; None where not float32."""
    return _softmax_grad(grad, y, dim, False)


def log_softmax_grad(grad, y, dim):
    """g - e^y sum(g) along dim, the backward of log_softmax; None where not float32."""
    return _softmax_grad(grad, y, dim, True)


def layer_norm(x, count, weight, bias, eps):
    """(y, mean, invstd) of layer norm over the last `count` elements of each row of x,
    mean and invstd of shape (rows, 1); None unless everything is float32."""
    if x.dtype != _F32 or x.size == 0 or any(
            t is not None and t.dtype != _F32 for t in (weight, bias)):
        return None
    rows_in = cupy.ascontiguousarray(x).reshape(-1, count)
    rows = rows_in.shape[0]
    out = cupy.empty_like(rows_in)
    mean = cupy.empty((rows, 1), _F32)
    invstd = cupy.empty((rows, 1), _F32)
    weight_rows = rows_in if weight is None else cupy.ascontiguousarray(weight)
    bias_rows = rows_in if bias is None else cupy.ascontiguousarray(bias)
    _launch("ember_layer_norm_rows", rows, count,
            (rows_in, weight_rows, bias_rows, out, mean, invstd, np.int64(count),
             np.float32(eps), np.int32(weight is not None), np.int32(bias is not None)))
    return out.reshape(x.shape), mean, invstd


KERNELS = {
    "matmul": matmul,
    "Gelu": gelu, "GeluGrad": gelu_grad, "Silu": silu, "SiluGrad": silu_grad,
    "softmax": softmax, "log_softmax": log_softmax,
    "softmax_grad": softmax_grad, "log_softmax_grad": log_softmax_grad,
    "layer_norm": layer_norm,
    "dropout_mask": dropout_mask,
    "adam_step": adam_step,
}
