# cython: language_level=3
# distutils: language = c++
"""topk and kthvalue on the CPU with torch's choice among equal values (selection.h), offered
to the ops through `ember.backend.fused`. Each takes an (R, N) C-contiguous array of float64
(any float, widened) or int64 (any integer) and returns the chosen indices, or None for
anything else, leaving the op to its NumPy code (which orders ties by index).
"""
cimport numpy as cnp
from libc.stdint cimport int64_t
from libcpp cimport bool as cbool

import numpy as np

cnp.import_array()

__all__ = ["KERNELS"]

cdef extern from "selection.h" namespace "ember_selection" nogil:
    void topk_rows[T](const T *x, int64_t rows, int64_t n, int64_t k, cbool largest,
                      cbool sorted, int64_t *out) except +
    void kthvalue_rows[T](const T *x, int64_t rows, int64_t n, int64_t k,
                          int64_t *out) except +


cdef int _kind(object x):
    """NPY_FLOAT64 or NPY_INT64 for a C-contiguous, aligned (R, N) array of that type with
    N >= 1, else -1."""
    if type(x) is not cnp.ndarray:
        return -1
    cdef cnp.ndarray a = <cnp.ndarray>x
    if not (cnp.PyArray_NDIM(a) == 2 and cnp.PyArray_DIM(a, 1) >= 1
            and cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISALIGNED(a)):
        return -1
    cdef int kind = cnp.PyArray_TYPE(a)
    return kind if kind == cnp.NPY_FLOAT64 or kind == cnp.NPY_INT64 else -1


def topk(x, int64_t k, bint largest, bint sorted):
    """(R, k) int64: the indices of each row's k largest (smallest) values, in torch's order."""
    cdef int kind = _kind(x)
    if kind < 0 or not 1 <= k <= x.shape[1]:
        return None
    cdef int64_t rows = x.shape[0], n = x.shape[1]
    cdef cnp.ndarray out = np.empty((rows, k), np.int64)
    cdef int64_t *chosen = <int64_t *>cnp.PyArray_DATA(out)
    cdef void *data = cnp.PyArray_DATA(<cnp.ndarray>x)
    with nogil:
        if kind == cnp.NPY_FLOAT64:
            topk_rows[double](<const double *>data, rows, n, k, largest, sorted, chosen)
        else:
            topk_rows[int64_t](<const int64_t *>data, rows, n, k, largest, sorted, chosen)
    return out


def kthvalue(x, int64_t k):
    """(R,) int64: the index of each row's k-th smallest value (k from 1), as torch picks it."""
    cdef int kind = _kind(x)
    if kind < 0 or not 1 <= k <= x.shape[1]:
        return None
    cdef int64_t rows = x.shape[0], n = x.shape[1]
    cdef cnp.ndarray out = np.empty(rows, np.int64)
    cdef int64_t *chosen = <int64_t *>cnp.PyArray_DATA(out)
    cdef void *data = cnp.PyArray_DATA(<cnp.ndarray>x)
    with nogil:
        if kind == cnp.NPY_FLOAT64:
            kthvalue_rows[double](<const double *>data, rows, n, k - 1, chosen)
        else:
            kthvalue_rows[int64_t](<const int64_t *>data, rows, n, k - 1, chosen)
    return out


KERNELS = {"topk": topk, "kthvalue": kthvalue}
