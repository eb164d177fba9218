# cython: language_level=3
"""Compiled CPU kernels for NumPy arrays, offered to the ops through `ember.backend.fused`.

The loops are in cpu_kernels.h. Each kernel takes C-contiguous, aligned float32 arrays (the
gradient kernels: two of one shape) and returns a new array; for anything else it returns
None and the op keeps its NumPy code.

| name | replaces | NumPy passes -> 1 |
| --- | --- | --- |
| exp, tanh | NumPy's one-element-at-a-time loops | 1 |
| sigmoid | 1 / (1 + exp(-x)) | 4 |
| TanhGrad, SigmoidGrad | g * (1 - y * y), g * (1 - y) * y | 2-3 |
"""
cimport numpy as cnp
from libc.stdint cimport intptr_t

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
    void tanh_grad_avx2(const float *g, const float *y, float *out, intptr_t n)
    void tanh_grad_base(const float *g, const float *y, float *out, intptr_t n)
    void sigmoid_grad_avx2(const float *g, const float *y, float *out, intptr_t n)
    void sigmoid_grad_base(const float *g, const float *y, float *out, intptr_t n)

cdef extern from "numpy/arrayobject.h":
    # numpy.empty_like(prototype) in C, the dtype (NULL) taken from the prototype
    cnp.ndarray PyArray_NewLikeArray(cnp.ndarray prototype, cnp.NPY_ORDER order, void *dtype,
                                     int subok)

ctypedef void (*unary_loop)(const float *, float *, intptr_t) noexcept nogil
ctypedef void (*binary_loop)(const float *, const float *, float *, intptr_t) noexcept nogil

# Below this many elements a loop runs holding the GIL: releasing it costs more.
cdef intptr_t _GIL_FREE_FROM = 1 << 14


cdef inline bint _plain(object x):
    """Whether x is a C-contiguous, aligned float32 NumPy array (not a subclass)."""
    if type(x) is not cnp.ndarray:
        return False
    cdef cnp.ndarray a = <cnp.ndarray>x
    return (cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT32 and cnp.PyArray_IS_C_CONTIGUOUS(a)
            and cnp.PyArray_ISALIGNED(a))


cdef object _unary(unary_loop loop, object x):
    if not _plain(x):
        return None
    cdef cnp.ndarray a = <cnp.ndarray>x
    cdef cnp.ndarray out = PyArray_NewLikeArray(a, cnp.NPY_CORDER, NULL, 0)
    cdef intptr_t n = cnp.PyArray_SIZE(a)
    cdef const float *src = <const float *>cnp.PyArray_DATA(a)
    cdef float *dst = <float *>cnp.PyArray_DATA(out)
    if n < _GIL_FREE_FROM:
        loop(src, dst, n)
    else:
        with nogil:
            loop(src, dst, n)
    return out


cdef object _binary(binary_loop loop, object g, object y):
    if not (_plain(g) and _plain(y)):
        return None
    cdef cnp.ndarray a = <cnp.ndarray>g
    cdef cnp.ndarray b = <cnp.ndarray>y
    cdef int ndim = cnp.PyArray_NDIM(a)
    if ndim != cnp.PyArray_NDIM(b):
        return None
    cdef int axis
    for axis in range(ndim):
        if cnp.PyArray_DIM(a, axis) != cnp.PyArray_DIM(b, axis):
            return None  # broadcasting: NumPy's loops
    cdef cnp.ndarray out = PyArray_NewLikeArray(a, cnp.NPY_CORDER, NULL, 0)
    cdef intptr_t n = cnp.PyArray_SIZE(a)
    cdef const float *src_g = <const float *>cnp.PyArray_DATA(a)
    cdef const float *src_y = <const float *>cnp.PyArray_DATA(b)
    cdef float *dst = <float *>cnp.PyArray_DATA(out)
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
cdef binary_loop _tanh_grad = tanh_grad_avx2 if _avx2 else tanh_grad_base
cdef binary_loop _sigmoid_grad = sigmoid_grad_avx2 if _avx2 else sigmoid_grad_base


def exp(x):
    """e**x, within 1 ulp."""
    return _unary(_exp, x)


def tanh(x):
    """tanh x, within 1.5 ulp."""
    return _unary(_tanh, x)


def sigmoid(x):
    """1 / (1 + e**-x)."""
    return _unary(_sigmoid, x)


def tanh_grad(g, y):
    """g * (1 - y * y): tanh's gradient from its output y."""
    return _binary(_tanh_grad, g, y)


def sigmoid_grad(g, y):
    """g * (1 - y) * y: sigmoid's gradient from its output y."""
    return _binary(_sigmoid_grad, g, y)


KERNELS = {"exp": exp, "tanh": tanh, "sigmoid": sigmoid, "TanhGrad": tanh_grad,
           "SigmoidGrad": sigmoid_grad}
