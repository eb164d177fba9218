/* topk and kthvalue over the rows of an (R, N) array, choosing among equal values as torch's
 * CPU kernels do: torch's topk runs std::partial_sort (k * 64 <= N) or std::nth_element and
 * std::sort over (value, index) pairs, its kthvalue the quickselect TH took from Sedgewick, so
 * which of several equal values come first is decided by those algorithms. Here the same
 * algorithms run on the same pairs: the C++ standard library's, and a copy of that
 * quickselect. Floats arrive as double and integers as int64, as torch compares them (its
 * topk widens to that type; the conversion keeps every order and tie).
 *
 * NaN counts as larger than every number, as in torch.
 */
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace ember_selection {

template <typename T> inline bool is_nan(T x) { return x != x; }

template <typename T> inline bool greater_or_nan(T x, T y) {
    return (is_nan(x) && !is_nan(y)) || x > y;
}

template <typename T> inline bool less_or_nan_last(T x, T y) {
    return (!is_nan(x) && is_nan(y)) || x < y;
}

/* Row r's k largest (or smallest) indices into out (k of them), in torch's order. */
template <typename T>
void topk_row(const T *row, int64_t n, int64_t k, bool largest, bool sorted, int64_t *out,
              std::vector<std::pair<T, int64_t>> &queue) {
    typedef std::pair<T, int64_t> item;
    queue.resize(n);
    for (int64_t j = 0; j < n; j++) queue[j] = item(row[j], j);
    auto greater = [](const item &x, const item &y) { return greater_or_nan(x.first, y.first); };
    auto less = [](const item &x, const item &y) { return less_or_nan_last(x.first, y.first); };
    if (k * 64 <= n) {
        if (largest) std::partial_sort(queue.begin(), queue.begin() + k, queue.end(), greater);
        else std::partial_sort(queue.begin(), queue.begin() + k, queue.end(), less);
    } else if (largest) {
        std::nth_element(queue.begin(), queue.begin() + k - 1, queue.end(), greater);
        if (sorted) std::sort(queue.begin(), queue.begin() + k - 1, greater);
    } else {
        std::nth_element(queue.begin(), queue.begin() + k - 1, queue.end(), less);
        if (sorted) std::sort(queue.begin(), queue.begin() + k - 1, less);
    }
    for (int64_t j = 0; j < k; j++) out[j] = queue[j].second;
}

template <typename T>
void topk_rows(const T *x, int64_t rows, int64_t n, int64_t k, bool largest, bool sorted,
               int64_t *out) {
    std::vector<std::pair<T, int64_t>> queue;
    for (int64_t r = 0; r < rows; r++)
        topk_row(x + r * n, n, k, largest, sorted, out + r * k, queue);
}

/* The index of row's k-th smallest value (k from 0), by torch's quickselect; values and
 * indices are the row's scratch copies, permuted in place. */
template <typename T>
int64_t kth_smallest(T *values, int64_t *indices, int64_t n, int64_t k) {
    auto swap = [&](int64_t i, int64_t j) {
        std::swap(values[i], values[j]);
        std::swap(indices[i], indices[j]);
    };
    int64_t left = 0, right = n - 1;
    while (true) {
        if (right <= left) return indices[k];
        if (right == left + 1) {
            if (greater_or_nan(values[left], values[right])) swap(left, right);
            return indices[k];
        }
        swap((left + right) >> 1, left + 1);  /* median of three as the pivot */
        if (greater_or_nan(values[left + 1], values[right])) swap(left + 1, right);
        if (greater_or_nan(values[left], values[right])) swap(left, right);
        if (greater_or_nan(values[left + 1], values[left])) swap(left + 1, left);
        int64_t i = left + 1, j = right;
        const T pivot = values[left];
        while (true) {
            do i++; while (greater_or_nan(pivot, values[i]));
            do j--; while (greater_or_nan(values[j], pivot));
            if (j < i) break;
            swap(i, j);
        }
        swap(left, j);
        if (j <= k) left = i;
        if (j >= k) right = j - 1;
    }
}

template <typename T>
void kthvalue_rows(const T *x, int64_t rows, int64_t n, int64_t k, int64_t *out) {
    std::vector<T> values(n);
    std::vector<int64_t> indices(n);
    for (int64_t r = 0; r < rows; r++) {
        std::copy(x + r * n, x + (r + 1) * n, values.begin());
        for (int64_t j = 0; j < n; j++) indices[j] = j;
        out[r] = kth_smallest(values.data(), indices.data(), n, k);
    }
}

}  // namespace ember_selection
