"""ATen's CPU sampling kernels, on arrays: how torch turns its generator's 32- and 64-bit
numbers into samples, so that a seed gives torch's values bit for bit.

Each function draws from an ember.Generator in the order torch's serial kernel would (one
element after another, in row-major order) and returns a host array. The floating point steps
follow ATen's, including the multiply-adds GCC fuses in the kernels built for AVX2 CPUs.
"""
import math

import ml_dtypes
import numpy as np

from ._avx_mathfun import fma as fma32, log256, sincos256

__all__ = ["uniform_real", "normal", "integers", "full_range_integers", "randperm",
           "bernoulli_scalar", "bernoulli_tensor", "exponential", "geometric", "log_normal",
           "cauchy", "multinomial_with_replacement", "standard_gamma", "poisson", "binomial"]

_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def _unit_float(generator, count, dtype):
    """Uniforms in [0, 1) as uniform_real_distribution makes them: the low 24 bits of a 32-bit
    draw over 2^24 in float32, or for double the low 53 bits of a 64-bit one."""
    if np.dtype(dtype) == np.float64:
        draws = generator._random64(count) & np.uint64((1 << 53) - 1)
        return draws.astype(np.float64) * (2.0 ** -53)
    draws = generator._random32(count) & np.uint32((1 << 24) - 1)
    return draws.astype(np.float32) * np.float32(2.0 ** -24)


def _fma64(a, b, c):
    """a * b + c in float64 with one rounding (as a fused multiply-add), from the exact product
    (Dekker's split) and the exact sum (TwoSum) of its parts."""
    a = np.asarray(a, dtype=np.float64)
    product = a * b
    split = 134217729.0  # 2^27 + 1
    a_hi = a * split - (a * split - a)
    b_hi = b * split - (b * split - b)
    product_error = ((a_hi * b_hi - product) + a_hi * (b - b_hi) + (a - a_hi) * b_hi) \
        + (a - a_hi) * (b - b_hi)
    total = product + c
    part = total - product
    sum_error = (product - (total - part)) + (c - part)
    return total + (product_error + sum_error)


def _complex_parts(dtype):
    """The real dtype of a complex dtype's parts, or None for a real dtype. torch samples a
    complex tensor as its view_as_real: each part a real sample, real then imaginary."""
    dtype = np.dtype(dtype)
    return dtype.type(0).real.dtype if dtype.kind == "c" else None


def uniform_real(generator, count, dtype, low=0.0, high=1.0):
    """uniform_(low, high): x * (high - low) + low, x a unit uniform (float32, or float64);
    float16 and bfloat16 round a float32 sample, and keep `high` out."""
    parts = _complex_parts(dtype)
    if parts is not None:
        return uniform_real(generator, 2 * count, parts, low, high).view(dtype)
    if np.dtype(dtype) in _HALF:  # where rounding reaches `high`, torch returns `low`
        sample = uniform_real(generator, count, np.float32, low, high).astype(dtype)
        return np.where(sample == np.array(high, dtype), np.array(low, dtype), sample)
    unit = _unit_float(generator, count, dtype)
    if (low, high) == (0.0, 1.0):
        return unit.astype(dtype, copy=False)
    if unit.dtype == np.float64:
        return _fma64(unit, float(high) - float(low), float(low))
    low, high = np.float32(np.array(low, dtype=dtype)), np.float32(np.array(high, dtype=dtype))
    return fma32(unit, high - low, low).astype(dtype, copy=False)


# -- normal ---------------------------------------------------------------------------------
# NOTE [ torch's two normal samplers ]
# normal_ on a contiguous tensor of at least 16 elements fills it with uniforms, then turns
# each block of 16 into normals by Box-Muller (u[j], u[j + 8] -> n[j], n[j + 8]); a last
# partial block is redone on the final 16 elements with 16 fresh uniforms. float32 uses the
# AVX2 kernel (see ember/ops/_avx_mathfun.py), float64 the scalar one with libm's log, cos and
# sin (numpy's float64 ones agree with them), float16 and bfloat16 the scalar one in float32
# (with numpy's float32 log, cos and sin), rounded at the end; these draw uniforms for the
# whole blocks only before the last block's 16. Smaller or non-contiguous tensors take one
# double sample at a time from normal_distribution<double>, which draws two 53-bit uniforms,
# returns r cos(theta) and keeps r sin(theta) in the generator for the next sample.

def _box_muller_16(uniform, mean, std, vectorised=True):
    """normal_fill_16 on blocks: `uniform` (blocks, 16) -> normals of the same shape."""
    u1, u2 = 1 - uniform[:, :8], uniform[:, 8:]  # 1 - u: [0, 1) -> (0, 1] for the log
    if uniform.dtype == np.float32 and vectorised:
        radius = np.sqrt(np.float32(-2.0) * log256(u1))
        sin, cos = sincos256(np.float32(2.0 * math.pi) * u2)
        return np.concatenate([fma32(radius * cos, std, mean), fma32(radius * sin, std, mean)],
                              axis=1)
    if uniform.dtype == np.float32:
        radius = np.sqrt(np.float32(-2.0) * np.log(u1))
        theta = np.float32(2.0 * math.pi) * u2
        return np.concatenate([fma32(radius * np.cos(theta), std, mean),
                               fma32(radius * np.sin(theta), std, mean)], axis=1)
    radius = np.sqrt(-2.0 * np.log(u1))
    theta = 2.0 * math.pi * u2
    return np.concatenate([_fma64(radius * np.cos(theta), std, mean),
                           _fma64(radius * np.sin(theta), std, mean)], axis=1)


_CHUNK = 1 << 15


def _normal_fill(generator, count, dtype, mean, std):
    work = np.float64 if dtype == np.float64 else np.float32
    vectorised = np.dtype(dtype) not in _HALF
    mean, std = work(mean), work(std)
    blocks = count // 16 * 16
    uniform = _unit_float(generator, count if vectorised else blocks, work)
    out = np.empty(count, dtype=work)
    for start in range(0, blocks, _CHUNK):  # chunks that stay in cache: much faster
        stop = min(start + _CHUNK, blocks)
        out[start:stop] = _box_muller_16(uniform[start:stop].reshape(-1, 16), mean, std,
                                         vectorised).ravel()
    if count % 16:
        tail = _unit_float(generator, 16, work).reshape(1, 16)
        out[count - 16:] = _box_muller_16(tail, mean, std, vectorised).ravel()
    return out


def _normal_one_at_a_time(generator, count, mean, std):
    values = np.empty(count, dtype=np.float64)
    start = 0
    if count and generator._normal_double is not None:
        values[0] = generator._normal_double
        generator._normal_double = None
        start = 1
    pairs = (count - start + 1) // 2
    uniform = _unit_float(generator, 2 * pairs, np.float64).reshape(pairs, 2)
    radius = np.sqrt(-2.0 * np.log1p(-uniform[:, 1]))
    theta = 2.0 * math.pi * uniform[:, 0]
    cos, sin = radius * np.cos(theta), radius * np.sin(theta)
    values[start::2] = cos
    values[start + 1::2] = sin[:(count - start) // 2]
    if (count - start) % 2:
        generator._normal_double = float(sin[-1])
    return _fma64(values, float(std), float(mean))


def normal(generator, count, dtype, mean=0.0, std=1.0, contiguous=True):
    """normal_(mean, std) on `count` elements of `dtype`. See NOTE [ torch's two normal
    samplers ]. A complex dtype's parts are each N(mean, std² / 2)."""
    parts = _complex_parts(dtype)
    if parts is not None:
        return normal(generator, 2 * count, parts, mean, std / math.sqrt(2), contiguous).view(
            dtype)
    if count >= 16 and contiguous:
        return _normal_fill(generator, count, dtype, mean, std).astype(dtype, copy=False)
    return _normal_one_at_a_time(generator, count, mean, std).astype(dtype)


# -- integers -------------------------------------------------------------------------------

def integers(generator, count, low, span):
    """random_(low, low + span): (draw % span) + low, the draw 64-bit from a span of 2^28 on
    (torch's public builds bound the modulo skew so, whatever the dtype), 32-bit below."""
    if span >= 1 << 28:
        draws = generator._random64(count)
    else:
        draws = generator._random32(count).astype(np.uint64)
    return (draws % np.uint64(span)).astype(np.int64) + np.int64(low)


def full_range_integers(generator, count):
    """random_(-2^63) for int64: every 64-bit pattern."""
    return generator._random64(count).view(np.int64)


def randperm(generator, n):
    """torch's CPU randperm: for n below 2^32 / 20, a swap of element i with element
    i + (draw % (n - i)); beyond, the inside-out Fisher-Yates shuffle on 64-bit draws."""
    if n < (2 ** 32 - 1) // 20:
        offsets = generator._random32(max(n - 1, 0)).astype(np.int64)
        partners = (offsets % np.arange(n, 1, -1)) + np.arange(n - 1)
        order = list(range(n))
        for i, j in enumerate(partners.tolist()):
            order[i], order[j] = order[j], order[i]
        return np.array(order, dtype=np.int64)
    picks = (generator._random64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
    order = [0] * n
    for i, j in enumerate(picks):
        order[i] = order[j]
        order[j] = i
    return np.array(order, dtype=np.int64)


# -- other laws -----------------------------------------------------------------------------

def bernoulli_scalar(generator, count, p):
    """bernoulli_(p) for a number p: a 53-bit uniform < p, compared as the integers
    draw < p 2^53 (the same test: scaling by 2^53 is exact)."""
    threshold = math.ceil(float(p) * 2.0 ** 53)
    kept = generator._draws_below(count, threshold)
    if kept is not None:
        return kept
    draws = generator._random64(count) & np.uint64((1 << 53) - 1)
    return draws < np.uint64(threshold)


def bernoulli_tensor(generator, probabilities):
    """bernoulli_(p) for a tensor p (already broadcast): a uniform of p's precision (53 bits
    for float64, 24 otherwise) < p."""
    work = np.float64 if probabilities.dtype == np.float64 else np.float32
    uniform = _unit_float(generator, probabilities.size, work).reshape(probabilities.shape)
    return uniform < probabilities


def exponential(generator, count, lambd):
    """-1 / lambd * log(1 - u), u a 53-bit uniform."""
    return (-1.0 / lambd) * np.log1p(-_unit_float(generator, count, np.float64))


def geometric(generator, count, p):
    """ceil(log(u) / log(1 - p)), u a 53-bit uniform."""
    return np.ceil(np.log(_unit_float(generator, count, np.float64)) / math.log1p(-p))


def log_normal(generator, count, mean, std):
    """exp of normal_distribution<double>(mean, std) samples."""
    return np.exp(_normal_one_at_a_time(generator, count, mean, std))


def cauchy(generator, count, median, sigma):
    """median + sigma * tan(pi (u - 1/2)), u a 53-bit uniform."""
    uniform = _unit_float(generator, count, np.float64)
    return _fma64(np.tan(math.pi * (uniform - 0.5)), float(sigma), float(median))


def multinomial_with_replacement(generator, probabilities, num_samples):
    """The CPU kernel's draws: per row, the running sum of the weights (in their dtype) over
    its total, and for each sample the first category whose cumulative weight reaches a
    53-bit uniform. `probabilities`: (rows, categories)."""
    cumulative = np.cumsum(probabilities, axis=-1)
    cumulative /= cumulative[:, -1:]
    cumulative[:, -1] = 1
    rows = probabilities.shape[0]
    uniform = _unit_float(generator, rows * num_samples, np.float64).reshape(rows, num_samples)
    return np.stack([np.searchsorted(row.astype(np.float64), draws, side="left")
                     for row, draws in zip(cumulative, uniform)]).astype(np.int64)


# -- rejection samplers: one element after another, each drawing as many numbers as it needs --

def _log(x):
    """C's log: -inf at 0 (a uniform draw can be exactly 0), where math.log raises."""
    return math.log(x) if x > 0 else -math.inf


class _SerialStream:
    """Uniform and normal doubles one at a time, as ATen's serial kernels take them from
    at::uniform_real_distribution<double> and at::normal_distribution<double> (which keeps its
    second Box-Muller value in the generator). The 64-bit numbers are drawn ahead in blocks;
    leaving the `with` block rewinds the generator to just after the last number used."""

    _BLOCK = 256

    def __init__(self, generator):
        self.generator = generator
        self.snapshot, self.block, self.next = None, [], 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.snapshot is not None:
            self.generator._engine.state = self.snapshot
            self.generator._random64(self.next)

    def uniform(self):
        if self.next == len(self.block):
            self.snapshot = self.generator._engine.state
            self.block = _unit_float(self.generator, self._BLOCK, np.float64).tolist()
            self.next = 0
        self.next += 1
        return self.block[self.next - 1]

    def normal(self):
        generator = self.generator
        if generator._normal_double is not None:
            value, generator._normal_double = generator._normal_double, None
            return value
        theta = 2.0 * math.pi * self.uniform()
        radius = math.sqrt(-2.0 * math.log1p(-self.uniform()))
        generator._normal_double = radius * math.sin(theta)
        return radius * math.cos(theta)


_THIRD32 = np.float32(1.0) / np.float32(3.0)  # the 1.0f / 3.0f of ATen's sample_gamma
_C_0331 = float(np.float32(0.0331))


def _gamma_one(stream, alpha, single):
    """ATen's sample_gamma (Marsaglia and Tsang), the alpha steps in float32 for a float32
    tensor (`single`) as torch's kernel takes them, the rest in double. (A nan alpha would
    reject forever there; here it gives nan.)"""
    if math.isnan(alpha):
        return math.nan
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        exponent = float(np.float32(1.0) / np.float32(alpha)) if single else 1.0 / alpha
        scale *= math.pow(1.0 - stream.uniform(), exponent)
        alpha = float(np.float32(alpha) + np.float32(1.0)) if single else alpha + 1.0
    d = float(np.float32(alpha) - _THIRD32) if single else alpha - float(_THIRD32)
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = stream.normal()
        y = 1.0 + c * x
        while y <= 0:
            x = stream.normal()
            y = 1.0 + c * x
        v = y * y * y
        u = 1.0 - stream.uniform()
        xx = x * x
        if u < 1.0 - _C_0331 * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def standard_gamma(generator, alphas):
    """torch's _standard_gamma on the CPU: Gamma(alpha, 1) per element, raised to the dtype's
    smallest normal number, in the dtype of `alphas` (float32 or float64)."""
    single = alphas.dtype != np.float64
    with _SerialStream(generator) as stream:
        samples = [_gamma_one(stream, a, single) for a in alphas.ravel().tolist()]
    samples = np.array(samples, dtype=np.float64).astype(alphas.dtype)
    return np.maximum(samples, np.finfo(alphas.dtype).tiny).reshape(alphas.shape)


def _poisson_one(stream, rate):
    """ATen's sample_poisson: Hoermann's transformed rejection from rate 10, multiplying
    uniforms below it."""
    if rate >= 10:
        slam, loglam = math.sqrt(rate), math.log(rate)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = stream.uniform() - 0.5
            v = stream.uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + rate + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (_log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -rate + k * loglam - math.lgamma(k + 1.0)):
                return k
    if rate == 0:
        return 0
    threshold, product, count = math.exp(-rate), 1.0, 0
    while True:
        product *= stream.uniform()
        if product <= threshold:
            return count
        count += 1


def poisson(generator, rates):
    """torch's poisson on the CPU: one draw per rate (as float64), in row-major order."""
    with _SerialStream(generator) as stream:
        draws = [_poisson_one(stream, r) for r in rates.ravel().tolist()]
    return np.array(draws, dtype=np.float64).reshape(rates.shape)


# ATen's sample_binomial, from TensorFlow's random_binomial_op: inversion by geometric waiting
# times when count * p < 10, Hormann's BTRS rejection otherwise, on p <= 1/2 (count - the
# sample for p > 1/2). Steps on count and p are taken in the tensor's dtype (`real`: float or
# np.float32), the rest in double, as the C++ types fall.
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _stirling_tail(k):
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _binomial_inversion(stream, count, prob, real):
    logprob = float(np.log1p(real(-prob)))
    geom_sum, successes = 0.0, real(0)
    while True:
        geom_sum += math.ceil(_log(stream.uniform()) / logprob)
        if geom_sum > count:
            return successes
        successes = real(successes + real(1))


def _btrs(stream, count, prob, real):
    one = real(1)
    stddev = float(np.sqrt(real(count * prob * (one - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * float(prob)
    c = float(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(prob / (one - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = float(np.floor((count + one) * prob))
    n = float(count)
    while True:
        u = stream.uniform() - 0.5
        v = stream.uniform()
        us = 0.5 - abs(u)
        k = real(math.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = _log(v * alpha / (a / (us * us) + b))
        left = float(count - k + one)
        upperbound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                      + float(count + one) * math.log((n - m + 1) / left)
                      + (float(k) + 0.5) * math.log(r * left / float(k + one))
                      + _stirling_tail(m) + _stirling_tail(n - m)
                      - _stirling_tail(float(k)) - _stirling_tail(left - 1))
        if v <= upperbound:
            return k


def _binomial_one(stream, count, prob, real):
    if math.isnan(count):  # BTRS would reject forever
        return math.nan
    if count <= 0 or prob <= 0:
        return 0.0
    if prob >= 1:
        return float(count)
    if prob <= 0.5:
        draw = _btrs if float(count * prob) >= 10 else _binomial_inversion
        return float(draw(stream, count, prob, real))
    if prob > 0.5:
        q = real(1.0 - float(prob))
        draw = _btrs if float(count * q) >= 10 else _binomial_inversion
        return float(count - draw(stream, count, q, real))
    return math.nan


def binomial(generator, counts, probs):
    """torch's binomial on the CPU: one draw per (count, prob) pair, in row-major order, in
    the dtype of `probs` (float32 or float64)."""
    real = float if probs.dtype == np.float64 else np.float32
    pairs = zip(counts.astype(probs.dtype).ravel().tolist(), probs.ravel().tolist())
    with _SerialStream(generator) as stream:
        draws = [_binomial_one(stream, real(n), real(p), real) for n, p in pairs]
    return np.array(draws, dtype=np.float64).astype(probs.dtype).reshape(probs.shape)
