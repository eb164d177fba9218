/* float32 exp, tanh and sigmoid, the gradients of tanh and sigmoid, and batch norm's passes, as
 * loops that the compiler vectorizes: NumPy computes exp and tanh one element at a time, and
 * each step of a formula is a separate pass over memory with its own call overhead (batch
 * norm's backward took seven passes in NumPy, two here, as in torch).
 *
 * Each loop is compiled twice, for AVX2 and for the baseline instruction set, and
 * `ember_cpu_has_avx2` picks one at run time. Contraction into fused multiply-adds is off
 * (setup.py), so both give the same bits. exp and tanh are Cephes's float32 algorithms
 * (as torch's own vectorized exp and tanh are, through SLEEF), within 2 ulp of the exact
 * result.
 */
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

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
EMBER_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_LOOPS(base, )
EMBER_BATCH_NORM_LOOPS(avx2, __attribute__((target("avx2,fma"))))
EMBER_BATCH_NORM_LOOPS(base, )
static int ember_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
EMBER_LOOPS(base, )
EMBER_BATCH_NORM_LOOPS(base, )
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
static int ember_cpu_has_avx2(void) { return 0; }
#endif
