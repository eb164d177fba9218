"""An op's CPU work in shares (ember/ops/_parallel.py): every item once, in order, on
single-threaded BLAS; large GEMMs split over the shares."""
import threading

import numpy as np
import pytest
import threadpoolctl
import torch

import ember
from ember.ops import _parallel


@pytest.fixture
def two_threads():
    threads = ember.get_num_threads()
    ember.set_num_threads(2)
    yield
    ember.set_num_threads(threads)


def _blas_threads():
    """The threads of the BLAS NumPy calls (torch, imported too, brings its own)."""
    return max(p["num_threads"] for p in threadpoolctl.threadpool_info()
               if p["user_api"] == "blas")


def test_shares_cover_the_items_in_order_on_their_own_threads(two_threads):
    seen = []

    def work(share):
        seen.append((threading.get_ident(), _blas_threads()))
        return list(share)

    results = _parallel.map_shares(np, work, range(7))
    assert results == [[0, 1, 2, 3], [4, 5, 6]]
    assert len({ident for ident, _ in seen}) == 2
    assert all(blas == 1 for _, blas in seen)
    assert _blas_threads() == 1  # see NOTE [ One-thread BLAS ]


def test_one_thread_or_another_array_module_runs_the_work_whole():
    calls = []
    assert _parallel.map_shares(object(), lambda share: calls.append(share) or 1, [1, 2]) == [1]
    assert calls == [[1, 2]]
    threads = ember.get_num_threads()
    ember.set_num_threads(1)
    try:
        assert _parallel.map_shares(np, lambda share: list(share), range(3)) == [[0, 1, 2]]
    finally:
        ember.set_num_threads(threads)


def test_an_error_in_a_share_reaches_the_caller_and_frees_the_lock(two_threads):
    def work(share):
        if share[0] > 0:
            raise ValueError("share failed")
        return share

    with pytest.raises(ValueError, match="share failed"):
        _parallel.map_shares(np, work, [0, 1])
    assert not _parallel._lock.locked()


def test_assign_copies_every_row(two_threads):
    source = np.arange(300 * 30 * 20, dtype=np.float32).reshape(300, 30, 20)  # > 2**17
    target = np.zeros((20, 30, 300), np.float32).transpose(2, 1, 0)
    _parallel.assign(np, target, source)
    np.testing.assert_array_equal(target, source)


@pytest.mark.parametrize("stride,padding", [(1, 1), (2, 1), (2, 0)])
def test_conv_in_shares_matches_torch(two_threads, stride, padding):
    """Both conv paths (stride 1: the wide grid; stride 2: im2col) split over the batch."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((6, 8, 9, 9)), rng.standard_normal((12, 8, 3, 3))
    results = []
    for lib in (ember, torch):
        xt = lib.tensor(x, dtype=lib.float32, requires_grad=True)
        wt = lib.tensor(w, dtype=lib.float32, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, stride=stride, padding=padding)
        (y * y).sum().backward()
        results.append([t.detach().numpy() for t in (y, xt.grad, wt.grad)])
    for actual, expected in zip(*results):
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("a_shape,b_shape", [
    ((600, 200), (200, 160)),        # more rows than columns: blocks of rows
    ((40, 300), (300, 1500)),        # fewer: blocks of columns
    ((6, 200, 150), (150, 100)),     # a batch: blocks of it, the matrix broadcast
    ((1, 200, 150), (5, 150, 160)),  # a batch of one broadcast along: blocks of it
    ((1, 600, 150), (150, 200)),     # a batch of one: blocks of rows
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_gemms_in_shares_match_one_call(two_threads, a_shape, b_shape, dtype):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(a_shape).astype(dtype), rng.standard_normal(b_shape).astype(dtype)
    calls = []
    real = _parallel.map_shares
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_parallel, "map_shares",
                      lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
        out = _parallel.matmul(a, b)
    assert calls  # the work was split
    np.testing.assert_allclose(out, a @ b, rtol=1e-5,
                               atol=1e-4 if dtype == np.float32 else 1e-12)
    small = _parallel.matmul(a[..., :4, :], b)  # below GEMM_MIN_WORK: one call
    np.testing.assert_array_equal(small, a[..., :4, :] @ b)


def test_blas_has_the_threads_while_no_shares_run(two_threads, monkeypatch):
    """NOTE [ One-thread BLAS ]: a GEMM too small to split gives BLAS ember's thread count once
    no shares have run for QUIET_SECONDS, and BLAS keeps it until shares run again."""
    from ember import _settings

    class Recorder:  # stands for NumPy's BLAS controller
        def __init__(self):
            self.counts = []

        def set_num_threads(self, count):
            self.counts.append(count)

    blas = Recorder()
    monkeypatch.setattr(_settings, "BLAS", [blas])
    monkeypatch.setattr(_settings, "_blas_threads", [1])
    a = np.ones((128, 256), np.float32)
    b = np.ones((256, 256), np.float32)  # 8.4 M multiply-adds: below GEMM_MIN_WORK
    monkeypatch.setattr(_parallel, "_shares_ran_at", -np.inf)
    np.testing.assert_array_equal(_parallel.matmul(a, b), np.full((128, 256), 256, np.float32))
    _parallel.matmul(a[:, :4], b[:4])
    assert blas.counts == [2]  # given once, and kept
    _parallel.map_shares(np, lambda share: None, range(2))
    assert blas.counts == [2, 1]
    _parallel.matmul(a, b)  # shares ran lately: BLAS stays on one thread
    assert blas.counts == [2, 1]
    monkeypatch.setattr(_parallel, "_shares_ran_at", -np.inf)
    _parallel.matmul(a, b)
    ember.set_num_threads(2)  # BLAS back on one until the next quiet GEMM
    assert blas.counts == [2, 1, 2, 1]


def test_elementwise_in_shares_matches_one_call(two_threads):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 300_000)).astype(np.float32)
    out = _parallel.elementwise(np, lambda a, b, out: np.multiply(a, b > 0, out=out), x, y)
    np.testing.assert_array_equal(out, x * (y > 0))
    strided = x[::2]  # not contiguous: computed whole
    np.testing.assert_array_equal(_parallel.elementwise(np, np.maximum, strided, 0),
                                  np.maximum(strided, 0))


@pytest.mark.parametrize("size", [300_000, 5 * 16384, 16384 * 8 + 5])
def test_a_number_operand_spread_into_rows_gives_the_same_result(two_threads, size):
    """Shares cut into rows of _ROW elements meeting a row of the number, and their tails."""
    values = np.random.default_rng(0).standard_normal(size).astype(np.float32).reshape(-1, 1)
    np.testing.assert_array_equal(_parallel.elementwise(np, np.maximum, values, 0),
                                  np.maximum(values, 0))
    np.testing.assert_array_equal(_parallel.elementwise(np, np.subtract, values, 0.25),
                                  values - np.float32(0.25))


@pytest.mark.parametrize("training", [True, False])
def test_large_batch_norm_and_relu_in_shares_match_torch(two_threads, training):
    """Channels split over shares (batch norm), flat elements (relu and its gradient)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 6, 40, 40)) * 3 + 1
    results = []
    for lib in (ember, torch):
        xt = lib.tensor(x, dtype=lib.float32, requires_grad=True)
        bn = lib.nn.BatchNorm2d(6)
        bn.weight.data = lib.linspace(0.5, 2, 6)
        bn.train(training)
        y = bn(xt).relu()
        (y * y).sum().backward()
        results.append([t.detach().numpy() for t in (y, xt.grad, bn.weight.grad, bn.running_mean,
                                                      bn.running_var)])
    for actual, expected in zip(*results):
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4)


def test_a_forked_child_runs_shares_on_threads_of_its_own(two_threads):
    """A DataLoader worker is a fork of a process whose pool threads it does not inherit."""
    import os
    import time

    values = np.random.default_rng(0).standard_normal(300_000).astype(np.float32)
    _parallel.elementwise(np, np.maximum, values, 0)  # the parent's pool thread now exists
    child = os.fork()
    if child == 0:  # the child: exit 0 only if its shares finish and are right
        result = _parallel.elementwise(np, np.maximum, values, 0)
        os._exit(0 if np.array_equal(result, np.maximum(values, 0)) else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(child, 9)
    os.waitpid(child, 0)
    pytest.fail("the forked child's shares never finished")
