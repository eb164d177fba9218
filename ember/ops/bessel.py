"""Bessel and Airy functions of torch.special: bessel_j0/j1/y0/y1, the modified Bessel functions
(modified_bessel_i0/i1/k0/k1, scaled_modified_bessel_k0/k1, i0, i0e, i1, i1e),
spherical_bessel_j0 and airy_ai.

i0, i0e, i1 and i1e have gradients, as in torch; the others have none in torch, and here their
result never requires grad (torch returns it detached too, so a backward through it raises
torch's "does not require grad" RuntimeError).

Values: where torch's kernel is Cephes' algorithm, as scipy's is, they come from scipy.special
(cupyx.scipy.special on the GPU). bessel_j0/j1/y0/y1, airy_ai and spherical_bessel_j0 are torch's
own rational approximations, which differ from Cephes' by up to 1e-8 (torch drops the leading 1
of Cephes' denominators), so they are evaluated here with torch's coefficients, in the input's
dtype as torch's kernels are. Integer inputs become the default float dtype; float16 and
bfloat16 raise NotImplementedError as in torch, except for i0, i0e, i1, i1e (computed in float32).
"""
import math

from .. import _dtype
from .._dtype import scalar_type_name
from .._tensor import Tensor
from ..autograd.function import Op
from . import compare
from .elementwise import _fused_multiply_add, _require_tensor
from .unary import _float_unary, _special

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "i0", "i0e", "i1", "i1e",
           "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0"]

_HALF_TYPES = (_dtype.float16, _dtype.bfloat16)


def require_float_or_double(op_name, tensor):
    """torch's kernels of these functions exist for float32 and float64 only."""
    if isinstance(tensor, Tensor) and tensor.dtype in _HALF_TYPES:
        kernel = f"{op_name.removeprefix('special_')}_{tensor.device.type}"
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{scalar_type_name(tensor.dtype)}': {op_name} "
            f"computes in float32 or float64. Convert the input first, e.g. with .float().")


class NoGradient(Op):
    """y = function(x) for a function torch gives no derivative: the result never requires
    grad (differentiable = False), as torch's doesn't."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, function):
        # every branch is computed for every element (the backend ignores the overflow and
        # 0/0 of the branches not taken); 1-d, so that boolean masks index it
        y = function(ctx.xp, x.reshape(-1))
        return y.astype(x.dtype, copy=False).reshape(x.shape)


def _without_gradient(op_name, function, input, out, argument="input"):
    _require_tensor(op_name, input, argument, 1)
    require_float_or_double(op_name, input)
    return _float_unary(NoGradient, op_name, input, out, function)


def _horner(xp, z, coefficients):
    """c[0] z**(k-1) + ... + c[k-1], evaluated as torch's loops do, in z's dtype."""
    total = z * 0 + coefficients[0]
    for coefficient in coefficients[1:]:
        total = _fused_multiply_add(xp, total, z, xp.asarray(coefficient, z.dtype))
    return total


def _float32_overflow(xp, x, y, odd):
    """torch computes I0 and I1 of float32 as e**|x| times a series, all in float32: past
    |x| = 88.72, where e**|x| overflows, its result is ±inf, while scipy (in float64) still
    has a float32 value up to |x| = 91.9. The same inf here."""
    if x.dtype != xp.float32:
        return y
    overflow = xp.isinf(xp.exp(xp.abs(x)))
    infinity = xp.copysign(xp.float32(xp.inf), x) if odd else xp.float32(xp.inf)
    return xp.where(overflow & ~xp.isinf(x), infinity, y)


# -- Bessel functions of the first and second kind (torch's coefficients, from Cephes) -------

_SQRT_2_OVER_PI = 0.797884560802865355879892119868763737
_PI_OVER_4 = 0.785398163397448309615660845819875721
_3_PI_OVER_4 = 2.356194490192344928846982537459627163
_2_OVER_PI = 0.636619772367581343075535053490057448

# asymptotic expansions for x > 5: P0/Q0 for order 0, P1/Q1 for order 1
_PP0 = (7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
        5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
        9.99999999999999997821e-01)
_PQ0 = (9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
        5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
        1.00000000000000000218e+00)
_QP0 = (-1.13663838898469149931e-02, -1.28252718670509318512e+00, -1.95539544257735972385e+01,
        -9.32060152123768231369e+01, -1.77681167980488050595e+02, -1.47077505154951170175e+02,
        -5.14105326766599330220e+01, -6.05014350600728481186e+00)
_QQ0 = (6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
        7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
        2.42005740240291393179e+02)
_PP1 = (7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
        5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
        1.00000000000000000254e+00)
_PQ1 = (5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
        5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
        9.99999999999999997461e-01)
_QP1 = (5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
        3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
        2.11688757100572135698e+02, 2.52070205858023719784e+01)
_QQ1 = (7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
        9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
        3.36093607810698293419e+02)
# rational approximations for x <= 5
_RP0 = (-4.79443220978201773821e+09, 1.95617491946556577543e+12, -2.49248344360967716204e+14,
        9.70862251047306323952e+15)
_RQ0 = (4.99563147152651017219e+02, 1.73785401676374683123e+05, 4.84409658339962045305e+07,
        1.11855537045356834862e+10, 2.11277520115489217587e+12, 3.10518229857422583814e+14,
        3.18121955943204943306e+16, 1.71086294081043136091e+18)
_RP1 = (-8.99971225705559398224e+08, 4.52228297998194034323e+11, -7.27494245221818276015e+13,
        3.68295732863852883286e+15)
_RQ1 = (6.20836478118054335476e+02, 2.56987256757748830383e+05, 8.35146791431949253037e+07,
        2.21511595479792499675e+10, 4.74914122079991414898e+12, 7.84369607876235854894e+14,
        8.95222336184627338078e+16, 5.32278620332680085395e+18)
_YP0 = (1.55924367855235737965e+04, -1.46639295903971606143e+07, 5.43526477051876500413e+09,
        -9.82136065717911466409e+11, 8.75906394395366999549e+13, -3.46628303384729719441e+15,
        4.42733268572569800351e+16, -1.84950800436986690637e+16)
_YQ0 = (1.04128353664259848412e+03, 6.26107330137134956842e+05, 2.68919633393814121987e+08,
        8.64002487103935000337e+10, 2.02979612750105546709e+13, 3.17157752842975028269e+15,
        2.50596256172653059228e+17)
_YP1 = (1.26320474790178026440e+09, -6.47355876379160291031e+11, 1.14509511541823727583e+14,
        -8.12770255501325109621e+15, 2.02439475713594898196e+17, -7.78877196265950026825e+17)
_YQ1 = (5.94301592346128195359e+02, 2.35564092943068577943e+05, 7.34811944459721705660e+07,
        1.87601316108706159478e+10, 3.88231277496238566008e+12, 6.20557727146953693363e+14,
        6.87141087355300489866e+16, 3.97270608116560655612e+18)


def _asymptotic(xp, x, order, second_kind):
    """J or Y of order 0 or 1 for x > 5: amplitude and phase corrections times sqrt(2/(pi x))."""
    if order == 0:
        w = 25.0 / (x * x)
        pp, pq, qp, qq, shift = _PP0, _PQ0, _QP0, _QQ0, _PI_OVER_4
    else:
        w = 5.0 / x * (5.0 / x)
        pp, pq, qp, qq, shift = _PP1, _PQ1, _QP1, _QQ1, _3_PI_OVER_4
    p = _horner(xp, w, pp) / _horner(xp, w, pq)
    q = 5.0 / x * (_horner(xp, w, qp) / _horner(xp, w, qq))
    if second_kind:
        wave = p * xp.sin(x - shift) + q * xp.cos(x - shift)
    else:
        wave = p * xp.cos(x - shift) - q * xp.sin(x - shift)
    return wave * _SQRT_2_OVER_PI / xp.sqrt(x)


def _j0(xp, x):
    x = xp.abs(x)
    z = x * x
    near = (z - 5.78318596294678452118e+00) * (z - 3.04712623436620863991e+01) * \
        _horner(xp, z, _RP0) / _horner(xp, z, _RQ0)
    near = xp.where(x < 0.00001, 1.0 - z / 4.0, near)
    return xp.where(x <= 5.0, near, _asymptotic(xp, x, 0, False))


def _j1(xp, x):
    sign = xp.where(x < 0, -1.0, 1.0).astype(x.dtype)  # J1 is odd
    x = xp.where(x < 0, -x, x)
    z = x * x
    near = _horner(xp, z, _RP1) / _horner(xp, z, _RQ1) * x * (z - 1.46819706421238932572e+01) * \
        (z - 4.92184563216946036703e+01)
    return sign * xp.where(x <= 5.0, near, _asymptotic(xp, x, 1, False))


def _y0(xp, x):
    z = x * x
    near = _horner(xp, z, _YP0) / _horner(xp, z, _YQ0) + _2_OVER_PI * xp.log(x) * _j0(xp, x)
    near = xp.where(x == 0, -xp.inf, xp.where(x < 0, xp.nan, near))
    return xp.where(x <= 5.0, near, _asymptotic(xp, x, 0, True))


def _y1(xp, x):
    z = x * x
    near = x * (_horner(xp, z, _YP1) / _horner(xp, z, _YQ1)) + \
        _2_OVER_PI * (_j1(xp, x) * xp.log(x) - 1.0 / x)
    near = xp.where(x == 0, -xp.inf, xp.where(x < 0, xp.nan, near))
    return xp.where(x <= 5.0, near, _asymptotic(xp, x, 1, True))


def bessel_j0(input, *, out=None):
    """Elementwise J0(input), the Bessel function of the first kind of order 0; no gradient.

    Example:
        >>> ember.special.bessel_j0(ember.tensor([0., 1.]))
        tensor([1.0000, 0.7652])
    """
    return _without_gradient("special_bessel_j0", _j0, input, out)


def bessel_j1(input, *, out=None):
    """Elementwise J1(input), the Bessel function of the first kind of order 1; no gradient."""
    return _without_gradient("special_bessel_j1", _j1, input, out)


def bessel_y0(input, *, out=None):
    """Elementwise Y0(input), the Bessel function of the second kind of order 0 (-inf at 0,
    NaN below); no gradient."""
    return _without_gradient("special_bessel_y0", _y0, input, out)


def bessel_y1(input, *, out=None):
    """Elementwise Y1(input), the Bessel function of the second kind of order 1 (-inf at 0,
    NaN below); no gradient."""
    return _without_gradient("special_bessel_y1", _y1, input, out)


def _spherical_j0(xp, x):
    one = x.dtype.type  # torch's constants are quotients taken in the input's dtype
    z = x * x
    series = 1.0 + z * (one(-1.0) / one(6.0) + z * (one(1.0) / one(120.0) + z * (
        one(-1.0) / one(5040.0) + z * (one(1.0) / one(362880.0) + z * (
            one(-1.0) / one(39916800.0) + z * (one(1.0) / one(6227020800.0)))))))
    y = xp.where(xp.abs(x) < 0.5, series, xp.sin(x) / x)
    return xp.where(xp.isinf(x), 0.0, y)


def spherical_bessel_j0(x, *, out=None):
    """Elementwise j0(x) = sin(x) / x, the spherical Bessel function of the first kind of
    order 0 (a Taylor series below |x| = 0.5, 0 at ±inf); no gradient.

    Example:
        >>> ember.special.spherical_bessel_j0(ember.tensor([0., 1.5708]))
        tensor([1.0000, 0.6366])
    """
    return _without_gradient("special_spherical_bessel_j0", _spherical_j0, x, out, "x")


# -- the Airy function Ai --------------------------------------------------------------------

_AN = (3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
       1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
       1.40264691163389668864e+01, 9.99999999999999995305e-01)
_AD = (5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
       1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
       1.40959135607834029598e+01, 1.00000000000000000470e+00)
_AFN = (-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
        -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
        -1.59276496239262096340e-04, -2.77649108155232920844e-06, -1.67787698489114633780e-08)
_AFD = (1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
        9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
        4.40291641615211203805e-03, 7.54720348287414296618e-05, 4.51850092970580378464e-07)
_AGN = (1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
        9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
        5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
        8.11789239554389293311e-08, 3.41551784765923618484e-10)
_AGD = (9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
        5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
        4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
        4.91834570062930015649e-09)
_1_OVER_SQRT_PI = 5.64189583547756286948e-01


def _airy_ai(xp, x):
    # x < -2.09: the oscillating asymptotic expansion
    root = xp.sqrt(-x)
    zeta = -2.0 * x * root / 3.0
    z = 1.0 / zeta
    z2 = z * z
    phase = zeta + 0.25 * math.pi
    oscillating = _1_OVER_SQRT_PI / xp.sqrt(root) * (
        xp.sin(phase) * (1.0 + z2 * _horner(xp, z2, _AFN) / _horner(xp, z2, _AFD))
        - xp.cos(phase) * (z * _horner(xp, z2, _AGN) / _horner(xp, z2, _AGD)))
    # x >= 2.09: the decaying asymptotic expansion
    zeta = 2.0 * x * xp.sqrt(x) / 3.0
    w = 1.0 / zeta
    decaying = _1_OVER_SQRT_PI * (_horner(xp, w, _AN) / _horner(xp, w, _AD)) / (
        2.0 * xp.sqrt(xp.sqrt(x)) * xp.exp(zeta))
    # between: the Maclaurin series Ai = c1 f - c2 g, summed until a term is below epsilon
    # (each element stops at its own term, as torch's loop does)
    epsilon = float(xp.finfo(x.dtype).eps)
    f = xp.ones_like(x)
    g = x.copy()
    m = xp.ones_like(x)
    n = x.copy()
    cube = x * x * x
    k = 1.0
    going = (x >= -2.09) & (x < 2.09)
    while bool(going.any()):
        m = xp.where(going, m * cube / (k + 1.0) / (k + 2.0), m)
        n = xp.where(going, n * cube / (k + 2.0) / (k + 3.0), n)
        f = xp.where(going, f + m, f)
        g = xp.where(going, g + n, g)
        k += 3.0
        going &= xp.abs(m / f) > epsilon
    series = 0.355028053887817239260 * f - 0.258819403792806798405 * g
    y = xp.where(x < -2.09, oscillating, xp.where(x >= 2.09, decaying, series))
    return xp.where(xp.isinf(x), xp.nan, xp.where(x > 103.892, 0.0, y))


def airy_ai(x, *, out=None):
    """Elementwise Ai(x), the Airy function of the first kind (NaN at ±inf, as torch);
    no gradient.

    Example:
        >>> ember.special.airy_ai(ember.tensor([0., 1.]))
        tensor([0.3550, 0.1353])
    """
    return _without_gradient("special_airy_ai", _airy_ai, x, out, "x")


# -- modified Bessel functions (Cephes through scipy, as torch's kernels) --------------------

def _modified_i0(xp, x):
    return _float32_overflow(xp, x, _special(xp, "i0", x), odd=False)


def _modified_i1(xp, x):
    return _float32_overflow(xp, x, _special(xp, "i1", x), odd=True)


def modified_bessel_i0(input, *, out=None):
    """Elementwise I0(input), the modified Bessel function of the first kind of order 0; no
    gradient (torch.special.i0 has one).

    Example:
        >>> ember.special.modified_bessel_i0(ember.tensor([0., 1.]))
        tensor([1.0000, 1.2661])
    """
    return _without_gradient("special_modified_bessel_i0", _modified_i0, input, out)


def modified_bessel_i1(input, *, out=None):
    """Elementwise I1(input), the modified Bessel function of the first kind of order 1; no
    gradient (torch.special.i1 has one)."""
    return _without_gradient("special_modified_bessel_i1", _modified_i1, input, out)


def modified_bessel_k0(input, *, out=None):
    """Elementwise K0(input), the modified Bessel function of the second kind of order 0
    (inf at 0, NaN below); no gradient."""
    return _without_gradient("special_modified_bessel_k0",
                             lambda xp, x: _special(xp, "k0", x), input, out)


def modified_bessel_k1(input, *, out=None):
    """Elementwise K1(input), the modified Bessel function of the second kind of order 1
    (inf at 0, NaN below); no gradient."""
    return _without_gradient("special_modified_bessel_k1",
                             lambda xp, x: _special(xp, "k1", x), input, out)


def scaled_modified_bessel_k0(x, *, out=None):
    """Elementwise e**x K0(x), finite where K0 underflows; no gradient."""
    return _without_gradient("special_scaled_modified_bessel_k0",
                             lambda xp, x: _special(xp, "k0e", x), x, out, "x")


def scaled_modified_bessel_k1(x, *, out=None):
    """Elementwise e**x K1(x), finite where K1 underflows; no gradient."""
    return _without_gradient("special_scaled_modified_bessel_k1",
                             lambda xp, x: _special(xp, "k1e", x), x, out, "x")


# -- i0e, i1, i1e: the ones with gradients --------------------------------------------------

def _not_tiny(x):
    """|x| > epsilon, and x with epsilon where not: torch's guard against 0/0 in the gradients
    of I1 and I1e, whose slope at 0 is 1/2."""
    epsilon = _dtype.finfo(x.dtype).eps
    not_tiny = x.abs() > epsilon
    return not_tiny, compare.where(not_tiny, x, epsilon)


class I0(Op):
    """y = I0(x);  grad_x = g * I1(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _modified_i0(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * i1(x)


class I0e(Op):
    """y = e**-|x| I0(x);  grad_x = g * (i1e(x) - sgn(x) * y)."""

    node_name = "SpecialI0EBackward0"

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp, "i0e", x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (i1e(x) - x.sign() * y)


class I1(Op):
    """y = I1(x);  grad_x = g * (i0(x) - y / x), and g / 2 where |x| <= epsilon."""

    node_name = "SpecialI1Backward0"

    @staticmethod
    def forward(ctx, x):
        y = _float32_overflow(ctx.xp, x, _special(ctx.xp, "i1", x), odd=True)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        not_tiny, safe = _not_tiny(x)
        slope = i0(safe) - y * safe.reciprocal()
        return grad * compare.where(not_tiny, slope, 0.5)


class I1e(Op):
    """y = e**-|x| I1(x);  grad_x = g * (i0e(x) - y * (sgn(x) + 1 / x)), and g / 2 where
    |x| <= epsilon."""

    node_name = "SpecialI1EBackward0"

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp, "i1e", x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        not_tiny, safe = _not_tiny(x)
        slope = i0e(safe) - y * (safe.sign() + safe.reciprocal())
        return grad * compare.where(not_tiny, slope, 0.5)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind, order 0 (torch.i0, torch.special.i0).

    Example:
        >>> ember.i0(ember.tensor([0., 1.]))
        tensor([1.0000, 1.2661])
    """
    return _float_unary(I0, "i0", input, out)


def i0e(input, *, out=None):
    """Elementwise e**-|input| I0(input), the exponentially scaled modified Bessel function of
    order 0 (finite where I0 overflows).

    Example:
        >>> ember.special.i0e(ember.tensor([0., 1.]))
        tensor([1.0000, 0.4658])
    """
    return _float_unary(I0e, "special_i0e", input, out)


def i1(input, *, out=None):
    """Elementwise I1(input), the modified Bessel function of the first kind of order 1.

    Example:
        >>> ember.special.i1(ember.tensor([0., 1.]))
        tensor([0.0000, 0.5652])
    """
    return _float_unary(I1, "special_i1", input, out)


def i1e(input, *, out=None):
    """Elementwise e**-|input| I1(input), the exponentially scaled modified Bessel function of
    order 1."""
    return _float_unary(I1e, "special_i1e", input, out)


Tensor.i0 = i0
