/* float32 exp, tanh and sigmoid, the gradients of tanh and sigmoid, batch norm's passes and a
 * direct convolution for few input channels, as loops that the compiler vectorizes: NumPy
 * computes exp and tanh one element at a time, each step of a formula is a separate pass over
 * memory with its own call overhead (batch norm's backward took seven passes in NumPy, two
 * here, as in torch), and a GEMM only 27 deep is far from a GEMM's speed. Adam's update
 * and cross entropy's rows take one pass each where NumPy makes about ten.
 *
 * Each loop is compiled twice, for AVX2 and for the baseline instruction set, and
 * `ember_cpu_has_avx2` picks one at run time. Contraction into fused multiply-adds is off
 * (setup.py), so both give the same bits. exp and tanh are Cephes's float32 algorithms
 * (as torch's own vectorized exp and tanh are, through SLEEF), within 2 ulp of the exact
 * result.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float ember_as_float(int32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* e**x: x = n ln 2 + r with |r| <= ln 2 / 2, e**r by Cephes's polynomial, then 2**n in two
 * factors so that results near overflow and subnormal results round once, correctly. */
static inline float ember_exp(float x) {
    x = x > 88.8f ? 88.8f : x;    /* written so that NaN passes both */
    x = x < -104.0f ? -104.0f : x;
    float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  /* round(x / ln 2) */
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t k = (int32_t)n;
    int32_t half = k >> 1;
    return p * ember_as_float((half + 127) << 23) * ember_as_float((k - half + 127) << 23);
}

/* tanh: Cephes's odd polynomial below |x| = 0.625, 1 - 2 / (e**2|x| + 1) above. */
static inline float ember_tanh(float x) {
    float ax = x < 0.0f ? -x : x;
    float s = x * x;
    float small = ((((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s
                    + 1.33314422036e-1f) * s - 3.33332819422e-1f) * s * x + x;
    float large = 1.0f - 2.0f / (ember_exp(ax + ax) + 1.0f);
    large = x < 0.0f ? -large : large;
    return ax < 0.625f ? small : large;
}

/* Sums over one plane of a batch norm, in double, eight lanes at a time: vectorized without
 * reassociating (the same bits on every CPU), and exact enough that the order hardly shows. */
static inline double ember_sum(const float *x, intptr_t n) {
    double lane[8] = {0};
    intptr_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) lane[j] += x[i + j];
    double total = 0;
    for (; i < n; i++) total += x[i];
    for (int j = 0; j < 8; j++) total += lane[j];
    return total;
}

static inline double ember_sum_squared_deviation(const float *x, intptr_t n, double mean) {
    double lane[8] = {0};
    intptr_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) {
            double d = x[i + j] - mean;
            lane[j] += d * d;
        }
    double total = 0;
    for (; i < n; i++) total += (x[i] - mean) * (x[i] - mean);
    for (int j = 0; j < 8; j++) total += lane[j];
    return total;
}

static inline double ember_dot_deviation(const float *g, const float *x, intptr_t n,
                                         double mean) {
    double lane[8] = {0};
    intptr_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) lane[j] += (double)g[i + j] * (x[i + j] - mean);
    double total = 0;
    for (; i < n; i++) total += (double)g[i] * (x[i] - mean);
    for (int j = 0; j < 8; j++) total += lane[j];
    return total;
}

#define EMBER_LOOPS(suffix, target)                                                         \
target static void exp_##suffix(const float *x, float *y, intptr_t n) {                     \
    for (intptr_t i = 0; i < n; i++) y[i] = ember_exp(x[i]);                                \
}                                                                                           \
target static void tanh_##suffix(const float *x, float *y, intptr_t n) {                    \
    for (intptr_t i = 0; i < n; i++) y[i] = ember_tanh(x[i]);                               \
}                                                                                           \
target static void sigmoid_##suffix(const float *x, float *y, intptr_t n) {                 \
    for (intptr_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + ember_exp(-x[i]));              \
}                                                                                           \
target static void relu_##suffix(const float *x, float *y, intptr_t n) {                    \
    for (intptr_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];  /* -0 and NaN stay */ \
}                                                                                           \
target static void relu_grad_##suffix(const float *g, const float *y, float *out,            \
                                      intptr_t n) {                                         \
    for (intptr_t i = 0; i < n; i++) out[i] = y[i] <= 0.0f ? 0.0f : g[i];                   \
}                                                                                           \
target static void tanh_grad_##suffix(const float *g, const float *y, float *out,            \
                                      intptr_t n) {                                         \
    for (intptr_t i = 0; i < n; i++) out[i] = g[i] * (1.0f - y[i] * y[i]);                  \
}                                                                                           \
target static void sigmoid_grad_##suffix(const float *g, const float *y, float *out,         \
                                         intptr_t n) {                                      \
    for (intptr_t i = 0; i < n; i++) out[i] = g[i] * (1.0f - y[i]) * y[i];                  \
} \
target static void add_rows_##suffix(float *out, const float *v, intptr_t m, intptr_t n) {   \
    for (intptr_t i = 0; i < m; i++)                                                        \
        for (intptr_t j = 0; j < n; j++) out[i * n + j] += v[j];                            \
}


/* Batch norm of x (N, C, S), C-contiguous, over the channels c0..c1: one share of them. */
#define EMBER_BATCH_NORM_LOOPS(suffix, target)                                              \
target static void batch_norm_stats_##suffix(                                               \
        const float *x, intptr_t n, intptr_t c, intptr_t s, intptr_t c0, intptr_t c1,       \
        float *mean, float *var) {                                                          \
    for (intptr_t ch = c0; ch < c1; ch++) {                                                 \
        double total = 0, squares = 0;                                                      \
        for (intptr_t i = 0; i < n; i++) total += ember_sum(x + (i * c + ch) * s, s);       \
        double m = total / (double)(n * s);                                                 \
        for (intptr_t i = 0; i < n; i++)                                                    \
            squares += ember_sum_squared_deviation(x + (i * c + ch) * s, s, m);             \
        mean[ch] = (float)m;                                                                \
        var[ch] = (float)(squares / (double)(n * s));                                       \
    }                                                                                       \
}                                                                                           \
/* y = x * alpha + beta per channel */                                                      \
target static void batch_norm_affine_##suffix(                                              \
        const float *x, float *y, intptr_t n, intptr_t c, intptr_t s, intptr_t c0,          \
        intptr_t c1, const float *alpha, const float *beta) {                               \
    for (intptr_t i = 0; i < n; i++)                                                        \
        for (intptr_t ch = c0; ch < c1; ch++) {                                             \
            const float *src = x + (i * c + ch) * s;                                        \
            float *dst = y + (i * c + ch) * s;                                              \
            float a = alpha[ch], b = beta[ch];                                              \
            for (intptr_t k = 0; k < s; k++) dst[k] = src[k] * a + b;                       \
        }                                                                                   \
}                                                                                           \
/* sum_g = sum(g), dot = sum(g * (x - mean)) per channel */                                 \
target static void batch_norm_grad_sums_##suffix(                                           \
        const float *g, const float *x, intptr_t n, intptr_t c, intptr_t s, intptr_t c0,    \
        intptr_t c1, const float *mean, float *sum_g, float *dot) {                         \
    for (intptr_t ch = c0; ch < c1; ch++) {                                                 \
        double total = 0, product = 0;                                                      \
        for (intptr_t i = 0; i < n; i++) {                                                  \
            intptr_t at = (i * c + ch) * s;                                                 \
            total += ember_sum(g + at, s);                                                  \
            product += ember_dot_deviation(g + at, x + at, s, mean[ch]);                    \
        }                                                                                   \
        sum_g[ch] = (float)total;                                                           \
        dot[ch] = (float)product;                                                           \
    }                                                                                       \
}                                                                                           \
/* grad_x = (g - grad_mean - (x - mean) * k) * scale per channel */                         \
target static void batch_norm_grad_input_##suffix(                                          \
        const float *g, const float *x, float *out, intptr_t n, intptr_t c, intptr_t s,     \
        intptr_t c0, intptr_t c1, const float *mean, const float *k,                        \
        const float *grad_mean, const float *scale) {                                       \
    for (intptr_t i = 0; i < n; i++)                                                        \
        for (intptr_t ch = c0; ch < c1; ch++) {                                             \
            intptr_t at = (i * c + ch) * s;                                                 \
            float m = mean[ch], kk = k[ch], gm = grad_mean[ch], sc = scale[ch];             \
            for (intptr_t j = 0; j < s; j++)                                                \
                out[at + j] = (g[at + j] - gm - (x[at + j] - m) * kk) * sc;                 \
        }                                                                                   \
}

/* A stride-1 2-d convolution with few input channels, computed directly: the im2col GEMM of
 * such a layer is only C * KH * KW deep (27 for an RGB image and a 3x3 kernel), too shallow
 * for a GEMM to reach its speed, and its columns are 9x the input. Here each output row is
 * made in blocks of 16 positions (two 8-lane vectors) for 4 output channels at once, eight
 * accumulators in registers, every tap adding a weight times a row of the input. The input
 * comes zero-padded by the caller: the convolution's padding around, and rows wide enough
 * that every 16-lane block can be read whole. Sums run in the order of the taps (c, i, j),
 * multiplies and adds apart as elsewhere in this file, so both builds give the same bits. */
#if defined(__GNUC__) || defined(__clang__)
#define EMBER_HAS_VECTORS 1
typedef float ember_v8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t ember_i8 __attribute__((vector_size(32)));

static inline ember_v8 ember_splat(float v) {
    return (ember_v8){v, v, v, v, v, v, v, v};
}

typedef struct {
    intptr_t channels, height, width;  /* of the padded input */
    intptr_t out_channels, kh, kw, oh, ow;
} ember_direct;

/* one tap of the forward loop: output channel q's two vectors += its weight times the row */
#define EMBER_TAP(q) do {                                                                    \
        float k = weights[q];                                                                \
        acc##q##_0 += k * r0;                                                                \
        acc##q##_1 += k * r1;                                                                \
    } while (0)
#define EMBER_STORE(q) do {                                                                  \
        if (o0 + q < d->out_channels) {                                                      \
            float *dst = out + ((n * d->out_channels + o0 + q) * d->oh + y) * d->ow + x0;    \
            if (count == 16) {                                                               \
                *(ember_v8 *)dst = acc##q##_0;                                               \
                *(ember_v8 *)(dst + 8) = acc##q##_1;                                         \
            } else {                                                                         \
                float row[16];                                                               \
                memcpy(row, &acc##q##_0, sizeof(ember_v8));                                  \
                memcpy(row + 8, &acc##q##_1, sizeof(ember_v8));                              \
                memcpy(dst, row, count * sizeof(float));                                     \
            }                                                                                \
        }                                                                                    \
    } while (0)
/* one row of the weight gradient's loop: output channel q's three sums += its gradient times
 * the three shifted rows */
#define EMBER_GRAD_ROW(q) do {                                                               \
        ember_v8 gq = *(const ember_v8 *)(grad + q * d->oh * stride);                        \
        acc##q##_0 += gq * r0;                                                               \
        acc##q##_1 += gq * r1;                                                               \
        acc##q##_2 += gq * r2;                                                               \
    } while (0)
#define EMBER_GRAD_ADD(q) do {                                                               \
        if (q < planes) {                                                                    \
            ember_v8 sums[3] = {acc##q##_0, acc##q##_1, acc##q##_2};                          \
            for (intptr_t j = j0; j < j0 + 3 && j < d->kw; j++) {                            \
                double total = 0;                                                            \
                for (int lane = 0; lane < 8; lane++) total += sums[j - j0][lane];            \
                gw[(o0 + q) * taps + (c * d->kh + i) * d->kw + j] += total;                  \
            }                                                                                \
        }                                                                                    \
    } while (0)

#define EMBER_DIRECT_CONV_LOOPS(suffix, target)                                              \
/* out[n] (O, OH, OW) for n in n0..n1; w (O4 / 4, C * KH * KW, 4): the weights of each block */ \
/* of 4 output channels (zeros past O) tap by tap; b (O4) */                                  \
target static void direct_conv_##suffix(const float *x, const float *w, const float *b,      \
                                        float *out, intptr_t n0, intptr_t n1,                \
                                        const ember_direct *d) {                             \
    intptr_t taps = d->channels * d->kh * d->kw, plane = d->height * d->width;               \
    intptr_t offsets[taps];                                                                  \
    for (intptr_t c = 0, t = 0; c < d->channels; c++)                                        \
        for (intptr_t i = 0; i < d->kh; i++)                                                 \
            for (intptr_t j = 0; j < d->kw; j++) offsets[t++] = c * plane + i * d->width + j; \
    for (intptr_t n = n0; n < n1; n++)                                                       \
        for (intptr_t o0 = 0; o0 < d->out_channels; o0 += 4)                                 \
            for (intptr_t y = 0; y < d->oh; y++)                                             \
                for (intptr_t x0 = 0; x0 < d->ow; x0 += 16) {                                \
                    const float *line = x + n * d->channels * plane + y * d->width + x0;     \
                    const float *weights = w + o0 * taps;                                    \
                    ember_v8 acc0_0 = ember_splat(b[o0]), acc0_1 = acc0_0;                \
                    ember_v8 acc1_0 = ember_splat(b[o0 + 1]), acc1_1 = acc1_0;            \
                    ember_v8 acc2_0 = ember_splat(b[o0 + 2]), acc2_1 = acc2_0;            \
                    ember_v8 acc3_0 = ember_splat(b[o0 + 3]), acc3_1 = acc3_0;            \
                    for (intptr_t t = 0; t < taps; t++, weights += 4) {                      \
                        ember_v8 r0 = *(const ember_v8 *)(line + offsets[t]);                \
                        ember_v8 r1 = *(const ember_v8 *)(line + offsets[t] + 8);            \
                        EMBER_TAP(0);                                                        \
                        EMBER_TAP(1);                                                        \
                        EMBER_TAP(2);                                                        \
                        EMBER_TAP(3);                                                        \
                    }                                                                        \
                    intptr_t count = d->ow - x0 < 16 ? d->ow - x0 : 16;                      \
                    EMBER_STORE(0);                                                          \
                    EMBER_STORE(1);                                                          \
                    EMBER_STORE(2);                                                          \
                    EMBER_STORE(3);                                                          \
                }                                                                            \
}                                                                                            \
/* gw (O, C, KH, KW) += sum over n in n0..n1, y, x of g[n, o, y, x] x[n, c, y + i, x + j]; */ \
/* scratch holds 3 planes of g, OH rows of whole 8-lane blocks, zeros past OW; 3 output  */ \
/* channels by 3 kernel columns make 9 accumulators, which with the operands fit the 16 */  \
/* vector registers */                                                                       \
target static void direct_conv_weight_grad_##suffix(const float *x, const float *g,          \
                                                    double *gw, float *scratch,              \
                                                    intptr_t n0, intptr_t n1,                \
                                                    const ember_direct *d) {                 \
    intptr_t blocks = (d->ow + 7) / 8, stride = blocks * 8, plane = d->height * d->width;    \
    intptr_t taps = d->channels * d->kh * d->kw, outputs = d->oh * d->ow;                    \
    ember_i8 tail;                                                                           \
    for (int lane = 0; lane < 8; lane++) tail[lane] = stride - 8 + lane < d->ow ? -1 : 0;    \
    memset(scratch, 0, 3 * d->oh * stride * sizeof(float));                                  \
    for (intptr_t n = n0; n < n1; n++)                                                       \
        for (intptr_t o0 = 0; o0 < d->out_channels; o0 += 3) {                               \
            int planes = d->out_channels - o0 < 3 ? (int)(d->out_channels - o0) : 3;         \
            for (int q = 0; q < planes; q++)                                                 \
                for (intptr_t y = 0; y < d->oh; y++)                                         \
                    memcpy(scratch + (q * d->oh + y) * stride,                               \
                           g + (n * d->out_channels + o0 + q) * outputs + y * d->ow,         \
                           d->ow * sizeof(float));                                           \
            for (intptr_t c = 0; c < d->channels; c++)                                       \
                for (intptr_t i = 0; i < d->kh; i++)                                         \
                    for (intptr_t j0 = 0; j0 < d->kw; j0 += 3) {                             \
                        ember_v8 acc0_0 = {0}, acc0_1 = {0}, acc0_2 = {0};                   \
                        ember_v8 acc1_0 = {0}, acc1_1 = {0}, acc1_2 = {0};                   \
                        ember_v8 acc2_0 = {0}, acc2_1 = {0}, acc2_2 = {0};                   \
                        for (intptr_t y = 0; y < d->oh; y++) {                               \
                            const float *line = x + (n * d->channels + c) * plane            \
                                                + (y + i) * d->width + j0;                   \
                            for (intptr_t x0 = 0; x0 < stride; x0 += 8) {                    \
                                const float *grad = scratch + y * stride + x0;               \
                                ember_v8 r0 = *(const ember_v8 *)(line + x0);                \
                                ember_v8 r1 = *(const ember_v8 *)(line + x0 + 1);            \
                                ember_v8 r2 = *(const ember_v8 *)(line + x0 + 2);            \
                                if (x0 + 8 > d->ow) {  /* no 0 * inf past the row's end */   \
                                    r0 = (ember_v8)((ember_i8)r0 & tail);                    \
                                    r1 = (ember_v8)((ember_i8)r1 & tail);                    \
                                    r2 = (ember_v8)((ember_i8)r2 & tail);                    \
                                }                                                            \
                                EMBER_GRAD_ROW(0);                                           \
                                EMBER_GRAD_ROW(1);                                           \
                                EMBER_GRAD_ROW(2);                                           \
                            }                                                                \
                        }                                                                    \
                        EMBER_GRAD_ADD(0);                                                   \
                        EMBER_GRAD_ADD(1);                                                   \
                        EMBER_GRAD_ADD(2);                                                   \
                    }                                                                        \
            for (int q = 0; q < planes; q++)  /* zeros again for a last, partial block */   \
                for (intptr_t y = 0; y < d->oh; y++)                                         \
                    memset(scratch + (q * d->oh + y) * stride, 0, d->ow * sizeof(float));    \
        }                                                                                    \
}
#else  /* no vector extensions: the direct kernels decline (ember_has_direct_conv) */
typedef struct {
    intptr_t channels, height, width, out_channels, kh, kw, oh, ow;
} ember_direct;
static void direct_conv_avx2(const float *x, const float *w, const float *b, float *out,
                             intptr_t n0, intptr_t n1, const ember_direct *d) {}
static void direct_conv_weight_grad_avx2(const float *x, const float *g, double *gw,
                                         float *scratch, intptr_t n0, intptr_t n1,
                                         const ember_direct *d) {}
#define direct_conv_base direct_conv_avx2
#define direct_conv_weight_grad_base direct_conv_weight_grad_avx2
#endif

#ifdef EMBER_HAS_VECTORS
static int ember_has_direct_conv(void) { return 1; }
#else
static int ember_has_direct_conv(void) { return 0; }
#endif

/* One SGD update (momentum, Nesterov, weight decay, maximize) in the order of ember.optim.SGD's
   NumPy code, for a step whose momentum buffer exists already (or without momentum). */
typedef struct {
    int maximize, l2, momentum_on, nesterov, dampen, scale;
    float weight_decay, momentum, one_minus_dampening, neg_lr;
} ember_sgd;

#define EMBER_SGD_LOOPS(suffix, target)                                                     \
target static void sgd_step_##suffix(float *param, const float *grad, float *buffer,         \
                                     intptr_t n, const ember_sgd *a) {                      \
    const ember_sgd c = *a;                                                                 \
    for (intptr_t i = 0; i < n; i++) {                                                      \
        float g = c.maximize ? -grad[i] : grad[i];                                          \
        if (c.l2) g = param[i] * c.weight_decay + g;                                        \
        if (c.momentum_on) {                                                                \
            float b = buffer[i] * c.momentum;                                               \
            b = c.dampen ? b + g * c.one_minus_dampening : b + g;                           \
            buffer[i] = b;                                                                  \
            g = c.nesterov ? g + b * c.momentum : b;                                        \
        }                                                                                   \
        param[i] = c.scale ? param[i] + g * c.neg_lr : param[i] + g;                        \
    }                                                                                       \
}

/* torch's bernoulli_(p) draws for a number p, from NumPy's MT19937 state in place: per
   element a 64-bit number from two outputs of the twister (the first the high half), kept
   where its low 53 bits are below `threshold` (p * 2^53). The twister is the standard one
   (NumPy's mt19937_gen and torch's at::mt19937 agree); its outputs are tempered a block at a
   time, so that both the twist and the tempering vectorize. */
typedef struct {
    uint32_t key[624];
    int pos;
} ember_mt19937;

static inline uint32_t ember_mt_mix(uint32_t upper, uint32_t lower, uint32_t far) {
    const uint32_t y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);
}

#define EMBER_MT19937_LOOPS(suffix, target)                                                 \
target static void mt_twist_##suffix(uint32_t *mt) {                                        \
    int i = 0;                                                                              \
    for (; i < 624 - 397; i++) mt[i] = ember_mt_mix(mt[i], mt[i + 1], mt[i + 397]);         \
    for (; i < 623; i++) mt[i] = ember_mt_mix(mt[i], mt[i + 1], mt[i + 397 - 624]);         \
    mt[623] = ember_mt_mix(mt[623], mt[0], mt[396]);                                        \
}                                                                                           \
target static void mt19937_bernoulli_##suffix(ember_mt19937 *s, uint8_t *out, intptr_t n,   \
                                              uint64_t threshold) {                         \
    uint32_t tempered[624];                                                                 \
    uint32_t high = 0;                                                                      \
    int have_high = 0;                                                                      \
    intptr_t i = 0;                                                                         \
    while (i < n) {                                                                         \
        if (s->pos >= 624) {                                                                \
            mt_twist_##suffix(s->key);                                                      \
            s->pos = 0;                                                                     \
        }                                                                                   \
        int j = s->pos;                                                                     \
        for (int k = j; k < 624; k++) {                                                     \
            uint32_t y = s->key[k];                                                         \
            y ^= y >> 11;                                                                   \
            y ^= (y << 7) & 0x9d2c5680u;                                                    \
            y ^= (y << 15) & 0xefc60000u;                                                   \
            tempered[k] = y ^ (y >> 18);                                                    \
        }                                                                                   \
        if (have_high) {  /* the pair that straddled the twist */                          \
            out[i++] = ((((uint64_t)high << 32) | tempered[j++]) & 0x1fffffffffffffu)       \
                       < threshold;                                                         \
            have_high = 0;                                                                  \
        }                                                                                   \
        for (; j + 1 < 624 && i < n; j += 2, i++)                                           \
            out[i] = ((((uint64_t)tempered[j] << 32) | tempered[j + 1])                     \
                      & 0x1fffffffffffffu) < threshold;                                     \
        if (i < n && j == 623) {                                                            \
            high = tempered[j++];                                                           \
            have_high = 1;                                                                  \
        }                                                                                   \
        s->pos = j;                                                                         \
    }                                                                                       \
}

/* Cross entropy of the rows r0..r1 of x (N, C) against class indices: each row's softmax into
   probs, and its log-softmax at the target class into picked; the sum of exponentials in
   double, eight lanes at a time. The gradient: probs * a[i], less a[i] at the target. */
#define EMBER_CROSS_ENTROPY_LOOPS(suffix, target)                                           \
target static void log_softmax_pick_##suffix(const float *x, const int64_t *index,           \
                                             float *probs, float *picked, intptr_t c,       \
                                             intptr_t r0, intptr_t r1) {                    \
    for (intptr_t i = r0; i < r1; i++) {                                                    \
        const float *row = x + i * c;                                                       \
        float *p = probs + i * c;                                                           \
        float top = row[0];                                                                 \
        for (intptr_t j = 1; j < c; j++)                                                    \
            top = (row[j] > top || row[j] != row[j]) ? row[j] : top;  /* NaN stays */      \
        double lane[8] = {0};                                                               \
        intptr_t j = 0;                                                                     \
        for (; j + 8 <= c; j += 8)                                                          \
            for (int k = 0; k < 8; k++) {                                                   \
                p[j + k] = ember_exp(row[j + k] - top);                                     \
                lane[k] += p[j + k];                                                        \
            }                                                                               \
        double sum = 0;                                                                     \
        for (; j < c; j++) {                                                                \
            p[j] = ember_exp(row[j] - top);                                                 \
            sum += p[j];                                                                    \
        }                                                                                   \
        for (int k = 0; k < 8; k++) sum += lane[k];                                         \
        const float total = (float)sum;                                                     \
        for (j = 0; j < c; j++) p[j] /= total;                                              \
        picked[i] = (row[index[i]] - top) - logf(total);                                    \
    }                                                                                       \
}                                                                                           \
target static void cross_entropy_grad_##suffix(const float *probs, const int64_t *index,     \
                                               const float *a, float *out, intptr_t c,      \
                                               intptr_t r0, intptr_t r1) {                  \
    for (intptr_t i = r0; i < r1; i++) {                                                    \
        const float scale = a[i];                                                           \
        for (intptr_t j = 0; j < c; j++) out[i * c + j] = probs[i * c + j] * scale;         \
        out[i * c + index[i]] -= scale;                                                     \
    }                                                                                       \
}

/* One Adam/AdamW update, in the order of ember.optim's NumPy code (NOTE [ Matching torch's
   rounding ] in ember/optim/_functional.py), so that both round alike: every factor is a
   float32 the caller rounded from Python's doubles. */
typedef struct {
    int maximize, decoupled, l2, lerp_from_start;
    float decay, weight_decay, lerp_weight, beta2, one_minus_beta2, bias_correction2_sqrt, eps,
          neg_step_size;
} ember_adam;

#define EMBER_ADAM_LOOPS(suffix, target)                                                    \
target static void adam_step_##suffix(float *param, const float *grad, float *exp_avg,       \
                                      float *exp_avg_sq, intptr_t n, const ember_adam *a) { \
    const ember_adam c = *a;                                                                \
    for (intptr_t i = 0; i < n; i++) {                                                      \
        float g = c.maximize ? -grad[i] : grad[i];                                          \
        float p = param[i];                                                                 \
        if (c.decoupled) p *= c.decay;                                                      \
        if (c.l2) g = p * c.weight_decay + g;                                               \
        const float diff = g - exp_avg[i];                                                  \
        const float m = c.lerp_from_start ? exp_avg[i] + diff * c.lerp_weight              \
                                          : g - diff * c.lerp_weight;                       \
        const float v = exp_avg_sq[i] * c.beta2 + g * c.one_minus_beta2 * g;                \
        const float denom = sqrtf(v) / c.bias_correction2_sqrt + c.eps;                     \
        param[i] = p + m * c.neg_step_size / denom;                                         \
        exp_avg[i] = m;                                                                     \
        exp_avg_sq[i] = v;                                                                  \
    }                                                                                       \
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
EMBER_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_LOOPS(base, )
EMBER_BATCH_NORM_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_BATCH_NORM_LOOPS(base, )
EMBER_DIRECT_CONV_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_DIRECT_CONV_LOOPS(base, )
EMBER_ADAM_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_ADAM_LOOPS(base, )
EMBER_CROSS_ENTROPY_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_CROSS_ENTROPY_LOOPS(base, )
EMBER_MT19937_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_MT19937_LOOPS(base, )
EMBER_SGD_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_SGD_LOOPS(base, )
static int ember_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
EMBER_LOOPS(base, )
EMBER_BATCH_NORM_LOOPS(base, )
EMBER_ADAM_LOOPS(base, )
#define adam_step_avx2 adam_step_base
EMBER_CROSS_ENTROPY_LOOPS(base, )
#define log_softmax_pick_avx2 log_softmax_pick_base
#define cross_entropy_grad_avx2 cross_entropy_grad_base
EMBER_MT19937_LOOPS(base, )
#define mt19937_bernoulli_avx2 mt19937_bernoulli_base
EMBER_SGD_LOOPS(base, )
#define sgd_step_avx2 sgd_step_base
#ifdef EMBER_HAS_VECTORS
EMBER_DIRECT_CONV_LOOPS(base, )
#define direct_conv_avx2 direct_conv_base
#define direct_conv_weight_grad_avx2 direct_conv_weight_grad_base
#endif
#define batch_norm_stats_avx2 batch_norm_stats_base
#define batch_norm_affine_avx2 batch_norm_affine_base
#define batch_norm_grad_sums_avx2 batch_norm_grad_sums_base
#define batch_norm_grad_input_avx2 batch_norm_grad_input_base
#define exp_avx2 exp_base
#define tanh_avx2 tanh_base
#define sigmoid_avx2 sigmoid_base
#define relu_avx2 relu_base
#define relu_grad_avx2 relu_grad_base
#define tanh_grad_avx2 tanh_grad_base
#define sigmoid_grad_avx2 sigmoid_grad_base
#define add_rows_avx2 add_rows_base
static int ember_cpu_has_avx2(void) { return 0; }
#endif
