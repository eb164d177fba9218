"""ember.quasirandom.SobolEngine against torch.quasirandom.SobolEngine: equal bits, same errors."""
import numpy as np
import pytest
import torch

import ember
from ember.quasirandom import SobolEngine

# (operation, argument): a session of calls run on both engines
SESSION = [("draw", 1), ("draw", 5), ("fast_forward", 3), ("draw", 10), ("reset", None),
           ("draw_base2", 3), ("draw_base2", 3), ("draw", 1), ("draw", 0), ("fast_forward", 1000),
           ("draw", 33), ("reset", None), ("fast_forward", 6), ("draw", 2)]


def assert_same(ours, theirs):
    assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
    if theirs.dtype == torch.bfloat16:  # numpy has no bfloat16 of torch's
        ours, theirs = ours.float(), theirs.float()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def run_session(engine, reference, dtype):
    for operation, argument in SESSION:
        if operation == "reset":
            engine.reset()
            reference.reset()
        elif operation == "fast_forward":
            engine.fast_forward(argument)
            reference.fast_forward(argument)
        else:
            ours = getattr(engine, operation)(argument, dtype=getattr(ember, dtype))
            theirs = getattr(reference, operation)(argument, dtype=getattr(torch, dtype))
            assert_same(ours, theirs)
        assert engine.num_generated == reference.num_generated, (operation, argument)
        np.testing.assert_array_equal(engine.quasi.numpy(), reference.quasi.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dimension", [1, 2, 7, 40, 1111])
def test_unscrambled_session_equals_torch(dimension, dtype):
    run_session(SobolEngine(dimension), torch.quasirandom.SobolEngine(dimension), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dimension, seed", [(1, 0), (3, 7), (64, 12345)])
def test_scrambled_session_equals_torch(dimension, seed, dtype):
    # float64 also checks torch's first point, computed in float32 at construction
    engine = SobolEngine(dimension, scramble=True, seed=seed)
    reference = torch.quasirandom.SobolEngine(dimension, scramble=True, seed=seed)
    np.testing.assert_array_equal(engine.shift.numpy(), reference.shift.numpy())
    np.testing.assert_array_equal(engine.sobolstate.numpy(), reference.sobolstate.numpy())
    run_session(engine, reference, dtype)


def test_all_21201_dimensions_equal_torch():
    engine = SobolEngine(SobolEngine.MAXDIM)
    reference = torch.quasirandom.SobolEngine(21201)
    np.testing.assert_array_equal(engine.sobolstate.numpy(), reference.sobolstate.numpy())
    assert_same(engine.draw(3), reference.draw(3))


def test_unseeded_scramble_draws_from_the_default_generator():
    ember.manual_seed(42)
    torch.manual_seed(42)
    engine = SobolEngine(5, scramble=True)
    reference = torch.quasirandom.SobolEngine(5, scramble=True)
    assert_same(engine.draw(8), reference.draw(8))
    assert_same(ember.rand(3), torch.rand(3))  # both generators advanced alike


def test_draw_in_the_default_dtype():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        engine = SobolEngine(4, scramble=True, seed=1)
        reference = torch.quasirandom.SobolEngine(4, scramble=True, seed=1)
        assert_same(engine.draw(5), reference.draw(5))
    finally:
        torch.set_default_dtype(torch.float32)


def test_draw_into_out():
    out = ember.empty(0, dtype=ember.float64)
    result = SobolEngine(3).draw(4, out=out, dtype=ember.float32)
    assert result is out
    reference = torch.quasirandom.SobolEngine(3).draw(4, out=torch.empty(0, dtype=torch.float64))
    assert_same(out, reference)


def test_attributes_and_repr():
    engine = SobolEngine(3, scramble=True, seed=5)
    assert (engine.MAXBIT, engine.MAXDIM) == (30, 21201)
    assert (engine.dimension, engine.scramble, engine.seed, engine.num_generated) == (3, True, 5, 0)
    assert repr(engine) == repr(torch.quasirandom.SobolEngine(3, scramble=True, seed=5))
    assert repr(SobolEngine(2)) == "SobolEngine(dimension=2)"
    assert engine.draw_base2(2).shape == (4, 3) and engine.num_generated == 4
    assert engine.fast_forward(4) is engine and engine.reset() is engine
    assert engine.num_generated == 0


@pytest.mark.parametrize("dimension", [0, -1, 21202])
def test_dimension_out_of_range(dimension):
    with pytest.raises(ValueError, match=r"Supported range of dimensionality for SobolEngine "
                                         r"is \[1, 21201\]"):
        SobolEngine(dimension)


def test_draw_base2_keeps_a_power_of_two():
    engine = SobolEngine(2)
    engine.draw_base2(1)
    reference = torch.quasirandom.SobolEngine(2)
    reference.draw_base2(1)
    with pytest.raises(ValueError) as ours:
        engine.draw_base2(2)
    with pytest.raises(ValueError) as theirs:
        reference.draw_base2(2)
    assert str(ours.value) == str(theirs.value)
    assert engine.num_generated == 2
    engine.draw_base2(1)  # 2 + 2: allowed
    with pytest.raises(TypeError):
        engine.draw_base2(-1)  # 2**-1 is no count, as in torch


@pytest.mark.parametrize("drawn_before, n", [(0, 0), (1, -1)])
def test_negative_count_raises_as_torch(drawn_before, n):
    # a fresh engine draws n - 1 points after its first, so draw(0) asks torch for -1 rows
    engine = SobolEngine(2)
    if drawn_before:
        engine.draw(drawn_before)
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension "
                                           r"-1: \[-1, 2\]"):
        engine.draw(n)
    assert engine.num_generated == drawn_before


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int64", "complex64"])
def test_other_dtypes_only_for_the_first_point(dtype):
    assert_same(SobolEngine(3, scramble=True, seed=2).draw(1, dtype=getattr(ember, dtype)),
                torch.quasirandom.SobolEngine(3, scramble=True, seed=2).draw(
                    1, dtype=getattr(torch, dtype)))
    engine = SobolEngine(3)
    with pytest.raises(NotImplementedError) as ours:
        engine.draw(2, dtype=getattr(ember, dtype))
    with pytest.raises(NotImplementedError) as theirs:
        torch.quasirandom.SobolEngine(3).draw(2, dtype=getattr(torch, dtype))
    assert str(ours.value) == str(theirs.value)
    assert engine.num_generated == 0
