# cython: language_level=3
"""Compiled CPU kernels for NumPy arrays, offered to the ops through `ember.backend.fused`.

The loops are in cpu_kernels.h. Each elementwise kernel takes C-contiguous, aligned float32
arrays (the gradient kernels: two of one shape) and returns a new array, or fills `out` (one
more such array of the shape) and returns it; for anything else it returns None and the op
keeps its NumPy code.

| name | replaces | NumPy passes -> 1 |
| --- | --- | --- |
| exp, tanh | NumPy's one-element-at-a-time loops | 1 |
| sigmoid | 1 / (1 + exp(-x)) | 4 |
| relu | max(x, 0) (NumPy's turns -0 into 0; torch keeps it) | 1 |
| ReluGrad, TanhGrad, SigmoidGrad | g where y > 0, g * (1 - y * y), g * (1 - y) * y | 2-3 |
| add_rows | out += v, in place, for a row v (a linear layer's bias) | 1, at half the time |

The batch norm kernels work on x (N, C, S) float32, C-contiguous, over a range of channels
(one share of ember.ops._parallel.map_shares, run without the GIL), with per-channel vectors
of C float32s; they write into arrays they are given and return True, or None as above.

| name | computes per channel | NumPy passes -> 1 |
| --- | --- | --- |
| batch_norm_stats | mean, biased variance (summed in double) | 3 -> 2 |
| batch_norm_affine | y = x * alpha + beta | 2 |
| batch_norm_grad_sums | sum(g), sum(g * (x - mean)) | 3 |
| batch_norm_grad_input | (g - grad_mean - (x - mean) * k) * scale | 5 |

The direct convolution kernels (NOTE [ Direct convolution ] in ember/ops/conv.py) take a
stride-1 2-d convolution's zero-padded input (N, C, Hp, Wp), float32, over a range of samples,
and write into arrays they are given: the output (direct_conv2d), or float64 sums of the
weight gradient (direct_conv2d_weight_grad). They replace an im2col copy and a GEMM only
C * KH * KW deep.

adam_step updates a float32 parameter and its moments in place in one pass, where ember.optim
.Adam's NumPy code makes about ten (optim/adam.py); sgd_step does SGD's (four or more).
log_softmax_pick and cross_entropy_grad do cross entropy's rows (N, C) against class indices,
over a range of rows: forward's softmax and picked log-probabilities in one pass (eight NumPy
calls), and its gradient in one (three). mt19937_bernoulli draws dropout's masks from NumPy's
Mersenne Twister state in place, as torch's bernoulli_(p) does (ember/_generator.py).
"""
cimport numpy as cnp
from libc.stdint cimport int64_t, intptr_t, uint8_t, uint64_t

import numpy as np

cnp.import_array()

__all__ = ["KERNELS"]

cdef extern from "cpu_kernels.h" nogil:
    int ember_cpu_has_avx2()
    void exp_avx2(const float *x, float *y, intptr_t n)
    void exp_base(const float *x, float *y, intptr_t n)
    void tanh_avx2(const float *x, float *y, intptr_t n)
    void tanh_base(const float *x, float *y, intptr_t n)
    void sigmoid_avx2(const float *x, float *y, intptr_t n)
    void sigmoid_base(const float *x, float *y, intptr_t n)
    void relu_avx2(const float *x, float *y, intptr_t n)
    void relu_base(const float *x, float *y, intptr_t n)
    void relu_grad_avx2(const float *g, const float *y, float *out, intptr_t n)
    void relu_grad_base(const float *g, const float *y, float *out, intptr_t n)
    void tanh_grad_avx2(const float *g, const float *y, float *out, intptr_t n)
    void tanh_grad_base(const float *g, const float *y, float *out, intptr_t n)
    void sigmoid_grad_avx2(const float *g, const float *y, float *out, intptr_t n)
    void sigmoid_grad_base(const float *g, const float *y, float *out, intptr_t n)
    void add_rows_avx2(float *out, const float *v, intptr_t m, intptr_t n)
    void add_rows_base(float *out, const float *v, intptr_t m, intptr_t n)
    void batch_norm_stats_avx2(const float *x, intptr_t n, intptr_t c, intptr_t s, intptr_t c0,
                               intptr_t c1, float *mean, float *var)
    void batch_norm_stats_base(const float *x, intptr_t n, intptr_t c, intptr_t s, intptr_t c0,
                               intptr_t c1, float *mean, float *var)
    void batch_norm_affine_avx2(const float *x, float *y, intptr_t n, intptr_t c, intptr_t s,
                                intptr_t c0, intptr_t c1, const float *alpha, const float *beta)
    void batch_norm_affine_base(const float *x, float *y, intptr_t n, intptr_t c, intptr_t s,
                                intptr_t c0, intptr_t c1, const float *alpha, const float *beta)
    void batch_norm_grad_sums_avx2(const float *g, const float *x, intptr_t n, intptr_t c,
                                   intptr_t s, intptr_t c0, intptr_t c1, const float *mean,
                                   float *sum_g, float *dot)
    void batch_norm_grad_sums_base(const float *g, const float *x, intptr_t n, intptr_t c,
                                   intptr_t s, intptr_t c0, intptr_t c1, const float *mean,
                                   float *sum_g, float *dot)
    void batch_norm_grad_input_avx2(const float *g, const float *x, float *out, intptr_t n,
                                    intptr_t c, intptr_t s, intptr_t c0, intptr_t c1,
                                    const float *mean, const float *k, const float *grad_mean,
                                    const float *scale)
    void batch_norm_grad_input_base(const float *g, const float *x, float *out, intptr_t n,
                                    intptr_t c, intptr_t s, intptr_t c0, intptr_t c1,
                                    const float *mean, const float *k, const float *grad_mean,
                                    const float *scale)

    ctypedef struct ember_direct:
        intptr_t channels, height, width, out_channels, kh, kw, oh, ow
    int ember_has_direct_conv()
    void direct_conv_avx2(const float *x, const float *w, const float *b, float *out,
                          intptr_t n0, intptr_t n1, const ember_direct *d)
    void direct_conv_base(const float *x, const float *w, const float *b, float *out,
                          intptr_t n0, intptr_t n1, const ember_direct *d)
    void direct_conv_weight_grad_avx2(const float *x, const float *g, double *gw,
                                      float *scratch, intptr_t n0, intptr_t n1,
                                      const ember_direct *d)
    void direct_conv_weight_grad_base(const float *x, const float *g, double *gw,
                                      float *scratch, intptr_t n0, intptr_t n1,
                                      const ember_direct *d)

    ctypedef struct ember_adam:
        int maximize, decoupled, l2, lerp_from_start
        float decay, weight_decay, lerp_weight, beta2, one_minus_beta2, bias_correction2_sqrt
        float eps, neg_step_size
    void adam_step_avx2(float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                        intptr_t n, const ember_adam *a)
    void adam_step_base(float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                        intptr_t n, const ember_adam *a)
    void log_softmax_pick_avx2(const float *x, const int64_t *index, float *probs, float *picked,
                               intptr_t c, intptr_t r0, intptr_t r1)
    void log_softmax_pick_base(const float *x, const int64_t *index, float *probs, float *picked,
                               intptr_t c, intptr_t r0, intptr_t r1)
    void cross_entropy_grad_avx2(const float *probs, const int64_t *index, const float *a,
                                 float *out, intptr_t c, intptr_t r0, intptr_t r1)
    void cross_entropy_grad_base(const float *probs, const int64_t *index, const float *a,
                                 float *out, intptr_t c, intptr_t r0, intptr_t r1)
    ctypedef struct ember_sgd:
        int maximize, l2, momentum_on, nesterov, dampen, scale
        float weight_decay, momentum, one_minus_dampening, neg_lr
    void sgd_step_avx2(float *param, const float *grad, float *buffer, intptr_t n,
                       const ember_sgd *a)
    void sgd_step_base(float *param, const float *grad, float *buffer, intptr_t n,
                       const ember_sgd *a)
    ctypedef struct ember_mt19937:
        pass
    void mt19937_bernoulli_avx2(ember_mt19937 *s, uint8_t *out, intptr_t n, uint64_t threshold)
    void mt19937_bernoulli_base(ember_mt19937 *s, uint8_t *out, intptr_t n, uint64_t threshold)

cdef extern from "numpy/arrayobject.h":
    # numpy.empty_like(prototype) in C, the dtype (NULL) taken from the prototype
    cnp.ndarray PyArray_NewLikeArray(cnp.ndarray prototype, cnp.NPY_ORDER order, void *dtype,
                                     int subok)

ctypedef void (*unary_loop)(const float *, float *, intptr_t) noexcept nogil
ctypedef void (*binary_loop)(const float *, const float *, float *, intptr_t) noexcept nogil
ctypedef void (*rows_loop)(float *, const float *, intptr_t, intptr_t) noexcept nogil
ctypedef void (*adam_loop)(float *, const float *, float *, float *, intptr_t,
                           const ember_adam *) noexcept nogil
ctypedef void (*class_rows_loop)(const float *, const int64_t *, const float *, float *,
                                 intptr_t, intptr_t, intptr_t) noexcept nogil
ctypedef void (*sgd_loop)(float *, const float *, float *, intptr_t,
                          const ember_sgd *) noexcept nogil
ctypedef void (*bernoulli_loop)(ember_mt19937 *, uint8_t *, intptr_t, uint64_t) noexcept nogil
ctypedef void (*pick_loop)(const float *, const int64_t *, float *, float *, intptr_t,
                           intptr_t, intptr_t) noexcept nogil

# Below this many elements a loop runs holding the GIL: releasing it costs more.
cdef intptr_t _GIL_FREE_FROM = 1 << 14


cdef inline bint _plain(object x):
    """Whether x is a C-contiguous, aligned float32 NumPy array (not a subclass)."""
    if type(x) is not cnp.ndarray:
        return False
    cdef cnp.ndarray a = <cnp.ndarray>x
    return (cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT32 and cnp.PyArray_IS_C_CONTIGUOUS(a)
            and cnp.PyArray_ISALIGNED(a))


cdef inline bint _dims_are(object a, int ndim, int kind):
    """Whether a is a C-contiguous, aligned NumPy array (not a subclass) of ndim dims and
    dtype number kind."""
    return (type(a) is cnp.ndarray and cnp.PyArray_NDIM(<cnp.ndarray>a) == ndim
            and cnp.PyArray_TYPE(<cnp.ndarray>a) == kind
            and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>a)
            and cnp.PyArray_ISALIGNED(<cnp.ndarray>a))


cdef inline bint _same_shape(object a, object b):
    """Whether a and b are _plain arrays of one shape."""
    if not (_plain(a) and _plain(b)):
        return False
    cdef cnp.ndarray x = <cnp.ndarray>a
    cdef cnp.ndarray y = <cnp.ndarray>b
    if cnp.PyArray_NDIM(x) != cnp.PyArray_NDIM(y):
        return False
    cdef int axis
    for axis in range(cnp.PyArray_NDIM(x)):
        if cnp.PyArray_DIM(x, axis) != cnp.PyArray_DIM(y, axis):
            return False
    return True


cdef inline bint _vector(object v, intptr_t length):
    """Whether v is a _plain vector of `length` elements."""
    return _dims_are(v, 1, cnp.NPY_FLOAT32) and cnp.PyArray_DIM(<cnp.ndarray>v, 0) == length


cdef inline const float *_in(object a):
    return <const float *>cnp.PyArray_DATA(<cnp.ndarray>a)


cdef inline float *_out(object a):
    return <float *>cnp.PyArray_DATA(<cnp.ndarray>a)


cdef object _result(object like, object out):
    """`out` where it is a _plain array of like's shape, a new one where it is None; None
    (decline) otherwise."""
    if out is None:
        return PyArray_NewLikeArray(<cnp.ndarray>like, cnp.NPY_CORDER, NULL, 0)
    return out if _same_shape(like, out) else None


cdef object _unary(unary_loop loop, object x, object out):
    if not _plain(x):
        return None
    out = _result(x, out)
    if out is None:
        return None
    cdef intptr_t n = cnp.PyArray_SIZE(<cnp.ndarray>x)
    cdef const float *src = _in(x)
    cdef float *dst = _out(out)
    if n < _GIL_FREE_FROM:
        loop(src, dst, n)
    else:
        with nogil:
            loop(src, dst, n)
    return out


cdef object _binary(binary_loop loop, object g, object y, object out):
    if not _same_shape(g, y):  # broadcasting: NumPy's loops
        return None
    out = _result(g, out)
    if out is None:
        return None
    cdef intptr_t n = cnp.PyArray_SIZE(<cnp.ndarray>g)
    cdef const float *src_g = _in(g)
    cdef const float *src_y = _in(y)
    cdef float *dst = _out(out)
    if n < _GIL_FREE_FROM:
        loop(src_g, src_y, dst, n)
    else:
        with nogil:
            loop(src_g, src_y, dst, n)
    return out


cdef bint _avx2 = ember_cpu_has_avx2()
cdef unary_loop _exp = exp_avx2 if _avx2 else exp_base
cdef unary_loop _tanh = tanh_avx2 if _avx2 else tanh_base
cdef unary_loop _sigmoid = sigmoid_avx2 if _avx2 else sigmoid_base
cdef unary_loop _relu = relu_avx2 if _avx2 else relu_base
cdef binary_loop _relu_grad = relu_grad_avx2 if _avx2 else relu_grad_base
cdef binary_loop _tanh_grad = tanh_grad_avx2 if _avx2 else tanh_grad_base
cdef binary_loop _sigmoid_grad = sigmoid_grad_avx2 if _avx2 else sigmoid_grad_base
cdef rows_loop _add_rows = add_rows_avx2 if _avx2 else add_rows_base
cdef adam_loop _adam_step = adam_step_avx2 if _avx2 else adam_step_base
cdef sgd_loop _sgd_step = sgd_step_avx2 if _avx2 else sgd_step_base
cdef bernoulli_loop _mt19937_bernoulli = (mt19937_bernoulli_avx2 if _avx2
                                          else mt19937_bernoulli_base)
cdef pick_loop _log_softmax_pick = log_softmax_pick_avx2 if _avx2 else log_softmax_pick_base
cdef class_rows_loop _cross_entropy_grad = (cross_entropy_grad_avx2 if _avx2
                                            else cross_entropy_grad_base)


def exp(x, out=None):
    """e**x, within 1 ulp."""
    return _unary(_exp, x, out)


def tanh(x, out=None):
    """tanh x, within 1.5 ulp."""
    return _unary(_tanh, x, out)


def sigmoid(x, out=None):
    """1 / (1 + e**-x)."""
    return _unary(_sigmoid, x, out)


def relu(x, out=None):
    """max(x, 0), keeping NaN and -0 as torch does."""
    return _unary(_relu, x, out)


def relu_grad(g, y, out=None):
    """g where y > 0, else 0: relu's gradient from its output y (torch's threshold_backward)."""
    return _binary(_relu_grad, g, y, out)


def tanh_grad(g, y, out=None):
    """g * (1 - y * y): tanh's gradient from its output y."""
    return _binary(_tanh_grad, g, y, out)


def sigmoid_grad(g, y, out=None):
    """g * (1 - y) * y: sigmoid's gradient from its output y."""
    return _binary(_sigmoid_grad, g, y, out)


def add_rows(out, v):
    """out += v, in place, for out (M, N) and v (N,), both float32 (a linear layer's bias);
    out, or None where they are not that."""
    if not (_dims_are(out, 2, cnp.NPY_FLOAT32)
            and _vector(v, cnp.PyArray_DIM(<cnp.ndarray>out, 1))):
        return None
    cdef intptr_t m = cnp.PyArray_DIM(<cnp.ndarray>out, 0)
    cdef intptr_t n = cnp.PyArray_DIM(<cnp.ndarray>v, 0)
    cdef float *dst = _out(out)
    cdef const float *row = _in(v)
    if m * n < _GIL_FREE_FROM:
        _add_rows(dst, row, m, n)
    else:
        with nogil:
            _add_rows(dst, row, m, n)
    return out


cdef bint _batch_norm_args(object x, intptr_t c0, intptr_t c1, tuple vectors, intptr_t *dims):
    """Whether x is (N, C, S) as _plain takes it, each of `vectors` a _plain vector of C, and
    c0..c1 a range of channels; dims receives N, C and S."""
    if not _dims_are(x, 3, cnp.NPY_FLOAT32):
        return False
    cdef int axis
    for axis in range(3):
        dims[axis] = cnp.PyArray_DIM(<cnp.ndarray>x, axis)
    for vector in vectors:
        if not _vector(vector, dims[1]):
            return False
    return 0 <= c0 <= c1 <= dims[1]


def batch_norm_stats(x, intptr_t c0, intptr_t c1, mean, var):
    """mean[c], var[c] = the mean and biased variance of x[:, c] for c in c0..c1."""
    cdef intptr_t d[3]
    if not _batch_norm_args(x, c0, c1, (mean, var), d):
        return None
    cdef const float *src = _in(x)
    cdef float *mean_out = _out(mean)
    cdef float *var_out = _out(var)
    with nogil:
        (batch_norm_stats_avx2 if _avx2 else batch_norm_stats_base)(
            src, d[0], d[1], d[2], c0, c1, mean_out, var_out)
    return True


def batch_norm_affine(x, out, intptr_t c0, intptr_t c1, alpha, beta):
    """out[:, c] = x[:, c] * alpha[c] + beta[c] for c in c0..c1."""
    cdef intptr_t d[3]
    if not (_batch_norm_args(x, c0, c1, (alpha, beta), d) and _same_shape(x, out)):
        return None
    cdef const float *src = _in(x)
    cdef float *dst = _out(out)
    cdef const float *a = _in(alpha)
    cdef const float *b = _in(beta)
    with nogil:
        (batch_norm_affine_avx2 if _avx2 else batch_norm_affine_base)(
            src, dst, d[0], d[1], d[2], c0, c1, a, b)
    return True


def batch_norm_grad_sums(g, x, intptr_t c0, intptr_t c1, mean, sum_g, dot):
    """sum_g[c] = sum(g[:, c]), dot[c] = sum(g[:, c] * (x[:, c] - mean[c])) for c in c0..c1."""
    cdef intptr_t d[3]
    if not (_batch_norm_args(x, c0, c1, (mean, sum_g, dot), d) and _same_shape(g, x)):
        return None
    cdef const float *grad = _in(g)
    cdef const float *src = _in(x)
    cdef const float *m = _in(mean)
    cdef float *sums = _out(sum_g)
    cdef float *dots = _out(dot)
    with nogil:
        (batch_norm_grad_sums_avx2 if _avx2 else batch_norm_grad_sums_base)(
            grad, src, d[0], d[1], d[2], c0, c1, m, sums, dots)
    return True


def batch_norm_grad_input(g, x, out, intptr_t c0, intptr_t c1, mean, k, grad_mean, scale):
    """out[:, c] = (g[:, c] - grad_mean[c] - (x[:, c] - mean[c]) * k[c]) * scale[c] for c in
    c0..c1."""
    cdef intptr_t d[3]
    if not (_batch_norm_args(x, c0, c1, (mean, k, grad_mean, scale), d) and _same_shape(g, x)
            and _same_shape(x, out)):
        return None
    cdef const float *grad = _in(g)
    cdef const float *src = _in(x)
    cdef float *dst = _out(out)
    cdef const float *m = _in(mean)
    cdef const float *kk = _in(k)
    cdef const float *gm = _in(grad_mean)
    cdef const float *sc = _in(scale)
    with nogil:
        (batch_norm_grad_input_avx2 if _avx2 else batch_norm_grad_input_base)(
            grad, src, dst, d[0], d[1], d[2], c0, c1, m, kk, gm, sc)
    return True


cdef bint _direct_args(object x, object y, intptr_t n0, intptr_t n1, intptr_t kh, intptr_t kw,
                       intptr_t min_width, ember_direct *d):
    """Whether x (N, C, Hp, Wp) padded and y (N, O, OH, OW), both float32, are a stride-1
    convolution's input and output (or its gradient) with a kernel of kh x kw, rows of x at
    least min_width(OW) wide and n0..n1 samples of both; fills d."""
    if not (ember_has_direct_conv() and _dims_are(x, 4, cnp.NPY_FLOAT32)
            and _dims_are(y, 4, cnp.NPY_FLOAT32)):
        return False
    cdef cnp.ndarray a = <cnp.ndarray>x
    cdef cnp.ndarray b = <cnp.ndarray>y
    d.channels, d.height, d.width = a.shape[1], a.shape[2], a.shape[3]
    d.out_channels, d.kh, d.kw, d.oh, d.ow = b.shape[1], kh, kw, b.shape[2], b.shape[3]
    return (a.shape[0] == b.shape[0] and 0 <= n0 <= n1 <= a.shape[0] and kh >= 1 and kw >= 1
            and d.oh >= 1 and d.ow >= 1 and d.oh == d.height - kh + 1 and d.ow <= d.width - kw + 1
            and d.width >= min_width)


def direct_conv2d(x, w, b, out, intptr_t n0, intptr_t n1, intptr_t kh, intptr_t kw):
    """out[n] = the stride-1 convolution of x[n] with a kh x kw kernel plus b, for n in n0..n1;
    x (N, C, Hp, Wp) is the input zero-padded (width at least OW rounded up to 16 plus
    kw - 1); w (O4 / 4, C * kh * kw, 4) holds the weights of each block of 4 output channels
    tap by tap, and b (O4) the bias, both with zeros past the O channels of out
    (N, O, OH, OW); all float32. True, or None where they are not that."""
    cdef ember_direct d
    if not (_dims_are(w, 3, cnp.NPY_FLOAT32) and _dims_are(b, 1, cnp.NPY_FLOAT32)
            and _dims_are(out, 4, cnp.NPY_FLOAT32) and kw >= 1):
        return None
    cdef cnp.ndarray weight = <cnp.ndarray>w
    cdef intptr_t width = -(-(<cnp.ndarray>out).shape[3] // 16) * 16 + kw - 1
    if not (_direct_args(x, out, n0, n1, kh, kw, width, &d) and weight.shape[2] == 4
            and 0 <= 4 * weight.shape[0] - d.out_channels < 4
            and weight.shape[1] == d.channels * kh * kw and b.shape[0] == 4 * weight.shape[0]):
        return None
    cdef const float *src = _in(x)
    cdef const float *wp = _in(w)
    cdef const float *bp = _in(b)
    cdef float *dst = _out(out)
    with nogil:
        (direct_conv_avx2 if _avx2 else direct_conv_base)(src, wp, bp, dst, n0, n1, &d)
    return True


def direct_conv2d_weight_grad(x, g, gw, intptr_t n0, intptr_t n1):
    """gw (O, C, KH, KW), float64, += the weight gradient of samples n0..n1 of a stride-1
    convolution: g (N, O, OH, OW) its output gradient, x (N, C, Hp, Wp) its zero-padded input
    (width at least OW rounded up to 8, plus 2, plus 3 * ((KW - 1) // 3)). True, or None."""
    cdef ember_direct d
    if not (_dims_are(gw, 4, cnp.NPY_FLOAT64) and _dims_are(g, 4, cnp.NPY_FLOAT32)):
        return None
    cdef cnp.ndarray grad_w = <cnp.ndarray>gw
    cdef intptr_t kh = grad_w.shape[2], kw = grad_w.shape[3]
    cdef intptr_t width = -(-(<cnp.ndarray>g).shape[3] // 8) * 8 + 2 + 3 * ((kw - 1) // 3)
    if not (_direct_args(x, g, n0, n1, kh, kw, width, &d)
            and grad_w.shape[0] == d.out_channels and grad_w.shape[1] == d.channels):
        return None
    scratch = np.empty(3 * d.oh * (-(-d.ow // 8) * 8), np.float32)  # zeroed by the kernel
    cdef const float *src = _in(x)
    cdef const float *grad = _in(g)
    cdef double *dst = <double *>cnp.PyArray_DATA(grad_w)
    cdef float *space = _out(scratch)
    with nogil:
        (direct_conv_weight_grad_avx2 if _avx2 else direct_conv_weight_grad_base)(
            src, grad, dst, space, n0, n1, &d)
    return True


def adam_step(param, grad, exp_avg, exp_avg_sq, double lr, double beta1, double beta2,
              double eps, double weight_decay, double step_size, double bias_correction2_sqrt,
              bint decoupled, bint maximize):
    """One Adam/AdamW update of a parameter and its two moments, in place, rounding as
    ember.optim.Adam's NumPy code does (see its rule there). param, grad and the moments:
    float32 arrays of one shape. param, or None where they are not that."""
    if not (_same_shape(param, grad) and _same_shape(param, exp_avg)
            and _same_shape(param, exp_avg_sq)):
        return None
    cdef ember_adam a
    cdef double lerp_weight = 1 - beta1
    a.maximize = maximize
    a.decoupled = decoupled and weight_decay != 0
    a.l2 = not decoupled and weight_decay != 0
    a.decay = 1 - lr * weight_decay
    a.weight_decay = weight_decay
    a.lerp_from_start = abs(lerp_weight) < 0.5
    a.lerp_weight = lerp_weight if a.lerp_from_start else 1 - lerp_weight
    a.beta2 = beta2
    a.one_minus_beta2 = 1 - beta2
    a.bias_correction2_sqrt = bias_correction2_sqrt
    a.eps = eps
    a.neg_step_size = -step_size
    cdef intptr_t n = cnp.PyArray_SIZE(<cnp.ndarray>param)
    cdef float *p = _out(param)
    cdef const float *g = _in(grad)
    cdef float *m = _out(exp_avg)
    cdef float *v = _out(exp_avg_sq)
    if n < _GIL_FREE_FROM:
        _adam_step(p, g, m, v, n, &a)
    else:
        with nogil:
            _adam_step(p, g, m, v, n, &a)
    return param


def sgd_step(param, grad, buffer, double lr, double momentum, double dampening,
             double weight_decay, bint nesterov, bint maximize):
    """One SGD update of a parameter and its momentum buffer (None: no momentum), in place,
    rounding as ember.optim.SGD's NumPy code does; for steps after the buffer's first. param,
    grad and buffer: float32 arrays of one shape. param, or None where they are not that."""
    if not (_same_shape(param, grad) and (buffer is None or _same_shape(param, buffer))):
        return None
    cdef ember_sgd a
    a.maximize = maximize
    a.l2 = weight_decay != 0
    a.weight_decay = weight_decay
    a.momentum_on = buffer is not None
    a.momentum = momentum
    a.nesterov = nesterov
    a.dampen = 1 - dampening != 1  # the NumPy code adds g itself where the factor is 1
    a.one_minus_dampening = 1 - dampening
    a.scale = -lr != 1
    a.neg_lr = -lr
    cdef intptr_t n = cnp.PyArray_SIZE(<cnp.ndarray>param)
    cdef float *p = _out(param)
    cdef const float *g = _in(grad)
    cdef float *b = NULL if buffer is None else _out(buffer)
    if n < _GIL_FREE_FROM:
        _sgd_step(p, g, b, n, &a)
    else:
        with nogil:
            _sgd_step(p, g, b, n, &a)
    return param


cdef bint _class_rows(object x, object index, object rows, intptr_t r0, intptr_t r1):
    """Whether x is an (N, C) float32 array with C >= 1, index N int64 class indices (each in
    0..C-1 from r0 to r1), rows an (N, C) float32 array, and 0 <= r0 <= r1 <= N."""
    if not (_dims_are(x, 2, cnp.NPY_FLOAT32) and _dims_are(index, 1, cnp.NPY_INT64)
            and _same_shape(x, rows)):
        return False
    cdef intptr_t n = cnp.PyArray_DIM(<cnp.ndarray>x, 0)
    cdef intptr_t c = cnp.PyArray_DIM(<cnp.ndarray>x, 1)
    if not (c >= 1 and cnp.PyArray_DIM(<cnp.ndarray>index, 0) == n and 0 <= r0 <= r1 <= n):
        return False
    cdef const int64_t *classes = <const int64_t *>cnp.PyArray_DATA(<cnp.ndarray>index)
    cdef intptr_t i
    for i in range(r0, r1):
        if not 0 <= classes[i] < c:
            return False
    return True


def log_softmax_pick(x, index, probs, picked, intptr_t r0, intptr_t r1):
    """For the rows r0..r1 of x (N, C): probs[i] = softmax(x[i]) and
    picked[i] = log_softmax(x[i])[index[i]]; float32, int64 class indices. True, or None
    where the arrays are not that."""
    if not (_class_rows(x, index, probs, r0, r1)
            and _vector(picked, cnp.PyArray_DIM(<cnp.ndarray>x, 0))):
        return None
    cdef intptr_t c = cnp.PyArray_DIM(<cnp.ndarray>x, 1)
    cdef const float *src = _in(x)
    cdef const int64_t *classes = <const int64_t *>cnp.PyArray_DATA(<cnp.ndarray>index)
    cdef float *p = _out(probs)
    cdef float *dst = _out(picked)
    if (r1 - r0) * c < _GIL_FREE_FROM:
        _log_softmax_pick(src, classes, p, dst, c, r0, r1)
    else:
        with nogil:
            _log_softmax_pick(src, classes, p, dst, c, r0, r1)
    return True


def cross_entropy_grad(probs, index, a, out, intptr_t r0, intptr_t r1):
    """For the rows r0..r1: out[i] = probs[i] * a[i], less a[i] at column index[i]; probs and
    out (N, C) float32, a (N,) float32, int64 class indices. True, or None."""
    if not (_class_rows(probs, index, out, r0, r1)
            and _vector(a, cnp.PyArray_DIM(<cnp.ndarray>probs, 0))):
        return None
    cdef intptr_t c = cnp.PyArray_DIM(<cnp.ndarray>probs, 1)
    cdef const float *p = _in(probs)
    cdef const int64_t *classes = <const int64_t *>cnp.PyArray_DATA(<cnp.ndarray>index)
    cdef const float *scale = _in(a)
    cdef float *dst = _out(out)
    if (r1 - r0) * c < _GIL_FREE_FROM:
        _cross_entropy_grad(p, classes, scale, dst, c, r0, r1)
    else:
        with nogil:
            _cross_entropy_grad(p, classes, scale, dst, c, r0, r1)
    return True


def mt19937_bernoulli(intptr_t state, out, uint64_t threshold):
    """out[i] = whether the low 53 bits of the i-th 64-bit number (two outputs, the first the
    high half) of the MT19937 whose state struct (uint32 key[624], int pos: NumPy's) is at
    address `state` are below threshold, advancing that state; out a bool vector. True, or
    None where out is not that. The caller holds the bit generator's lock."""
    if not _dims_are(out, 1, cnp.NPY_BOOL):
        return None
    cdef intptr_t n = cnp.PyArray_DIM(<cnp.ndarray>out, 0)
    cdef uint8_t *dst = <uint8_t *>cnp.PyArray_DATA(<cnp.ndarray>out)
    with nogil:
        _mt19937_bernoulli(<ember_mt19937 *>state, dst, n, threshold)
    return True


KERNELS = {"exp": exp, "tanh": tanh, "sigmoid": sigmoid, "relu": relu, "ReluGrad": relu_grad,
           "TanhGrad": tanh_grad,
           "SigmoidGrad": sigmoid_grad, "batch_norm_stats": batch_norm_stats,
           "batch_norm_affine": batch_norm_affine, "batch_norm_grad_sums": batch_norm_grad_sums,
           "batch_norm_grad_input": batch_norm_grad_input, "direct_conv2d": direct_conv2d,
           "direct_conv2d_weight_grad": direct_conv2d_weight_grad, "adam_step": adam_step,
           "sgd_step": sgd_step, "add_rows": add_rows, "log_softmax_pick": log_softmax_pick,
           "cross_entropy_grad": cross_entropy_grad, "mt19937_bernoulli": mt19937_bernoulli}
