"""float32 log and sincos exactly as torch's AVX2 Box-Muller computes them.

torch's float32 normal_ (tensors of 16 or more contiguous elements) calls `log256_ps` and
`sincos256_ps` from ATen's avx_mathfun.h (Cephes polynomials, after Julien Pommier's
sse_mathfun), compiled by GCC with -mfma, which fuses a multiply whose only use is an add
into one fused multiply-add. These functions replay the same float32 operations in the same
order, fused where GCC fuses them, so the samples match torch's bit for bit.
"""
import numpy as np

__all__ = ["fma", "log256", "sincos256"]

_F32 = np.float32
_SMALLEST_NORMAL = _F32(1.17549435e-38)
_SQRT_HALF = _F32(0.707106781186547524)
_LOG_POLYNOMIAL = [_F32(c) for c in (
    7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
    -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1, _LOG_Q2 = _F32(-2.12194440e-4), _F32(0.693359375)  # ln 2, split in two
_FOUR_OVER_PI = _F32(1.27323954473516)
_MINUS_PI_OVER_4 = [_F32(-0.78515625), _F32(-2.4187564849853515625e-4),
                    _F32(-3.77489497744594108e-8)]  # -pi/4 in three parts
_SIN_POLYNOMIAL = [_F32(-1.9515295891E-4), _F32(8.3321608736E-3), _F32(-1.6666654611E-1)]
_COS_POLYNOMIAL = [_F32(2.443315711809948E-005), _F32(-1.388731625493765E-003),
                   _F32(4.166664568298827E-002)]
_HALF, _ONE = _F32(0.5), _F32(1.0)


def fma(a, b, c):
    """a * b + c in float32 with a single rounding.

    The product of two float32 numbers is exact in float64, so only the sum rounds there;
    rounding that sum again to float32 is off only when it lands exactly halfway between two
    float32 numbers without being exact, which is checked for (Knuth's TwoSum gives the sum's
    error) and corrected by one float64 step toward the exact value.
    """
    product = np.multiply(a, b, dtype=np.float64)
    total = product + c
    halfway = (total.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    if halfway.any():
        part = total - product
        error = (product - (total - part)) + (c - part)
        inexact = halfway & (error != 0)
        if inexact.any():
            total[inexact] = np.nextafter(total, np.copysign(np.inf, error))[inexact]
    return total.astype(np.float32)


def log256(x):
    """Natural log of positive float32 values, as log256_ps."""
    x = np.maximum(x, _SMALLEST_NORMAL)
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 0x7F).astype(np.float32) + _ONE
    mantissa = ((bits & ~0x7F800000) | _HALF.view(np.int32)).view(np.float32)  # in [0.5, 1)
    small = mantissa < _SQRT_HALF
    # if mantissa < sqrt(1/2): exponent -= 1, x = 2 mantissa - 1; else x = mantissa - 1
    x = (mantissa - _ONE) + np.where(small, mantissa, _F32(0))
    exponent = exponent - np.where(small, _ONE, _F32(0))
    z = x * x
    y = np.full_like(x, _LOG_POLYNOMIAL[0])
    for coefficient in _LOG_POLYNOMIAL[1:]:
        y = fma(y, x, coefficient)
    y = y * x
    y = fma(y, z, exponent * _LOG_Q1)
    y = fma(-z, _HALF, y)
    return fma(exponent, _LOG_Q2, x + y)


def sincos256(x):
    """(sin x, cos x) of float32 values, as sincos256_ps."""
    sin_sign = x.view(np.int32) & np.int32(-0x80000000)
    x = np.abs(x)
    octant = (((x * _FOUR_OVER_PI).astype(np.int32)) + 1) & ~1  # j = (j + 1) & ~1
    y = octant.astype(np.float32)
    sin_sign = sin_sign ^ ((octant & 4) << 29)
    cos_sign = (~(octant - 2) & 4) << 29
    use_sin_polynomial = (octant & 2) == 0
    for part in _MINUS_PI_OVER_4:  # x - y pi/4, in extended precision
        x = fma(y, part, x)
    z = x * x
    cosine = fma(np.full_like(z, _COS_POLYNOMIAL[0]), z, _COS_POLYNOMIAL[1])
    cosine = fma(cosine, z, _COS_POLYNOMIAL[2])
    cosine = fma(cosine * z, z, -(z * _HALF)) + _ONE
    sine = fma(np.full_like(z, _SIN_POLYNOMIAL[0]), z, _SIN_POLYNOMIAL[1])
    sine = fma(sine, z, _SIN_POLYNOMIAL[2])
    sine = fma(sine * z, x, x)
    sin = np.where(use_sin_polynomial, sine, cosine)
    cos = np.where(use_sin_polynomial, cosine, sine)
    return ((sin.view(np.int32) ^ sin_sign).view(np.float32),
            (cos.view(np.int32) ^ cos_sign).view(np.float32))
