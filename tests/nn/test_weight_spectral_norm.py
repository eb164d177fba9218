"""Weight and spectral normalisation, both the parametrizations and the older hook-based
forms, against torch on the same weights and the same u/v (state dicts copied across)."""
import numpy as np
import pytest
import torch

import ember
from ember.nn.utils import parametrizations, parametrize
from oracle import to_numpy

pytestmark = pytest.mark.filterwarnings("ignore:`torch.nn.utils.weight_norm` is deprecated")


def to_torch_state(module):
    return {k: torch.tensor(to_numpy(v)) for k, v in module.state_dict().items()}


def to_ember_state(module):
    return {k: ember.tensor(v.detach().numpy()) for k, v in module.state_dict().items()}


def close(a, b, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=atol, err_msg=what)


LAYERS = {
    "linear": (lambda lib: lib.nn.Linear(5, 4), (3, 5)),
    "conv": (lambda lib: lib.nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "conv_transpose": (lambda lib: lib.nn.ConvTranspose2d(2, 3, 3), (2, 2, 4, 4)),
}


def utils_of(lib, old):
    if old:
        return lib.nn.utils
    return parametrizations if lib is ember else torch.nn.utils.parametrizations


def pair(layer, apply):
    """ember and torch layers wrapped by apply(lib, module), with the ember state copied
    into torch (weights, and the u/v a spectral norm drew)."""
    make, x_shape = LAYERS[layer]
    e, t = apply(ember, make(ember)), apply(torch, make(torch))
    assert list(e.state_dict()) == list(t.state_dict())
    t.load_state_dict(to_torch_state(e))
    return e, t, np.random.default_rng(0).standard_normal(x_shape).astype(np.float32)


def check_step(e, t, x):
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    close(ye, yt, 1e-5, 1e-5, "forward")
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    torch_params = dict(t.named_parameters())
    for name, param in e.named_parameters():
        close(param.grad, torch_params[name].grad, 1e-4, 1e-5, f"grad of {name}")


@pytest.mark.parametrize("old", [False, True])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm(old, dim):
    e, t, x = pair("conv", lambda lib, m: utils_of(lib, old).weight_norm(m, dim=dim))
    expected = (["bias", "weight_g", "weight_v"] if old else
                ["bias", "parametrizations.weight.original0",
                 "parametrizations.weight.original1"])
    assert list(e.state_dict()) == expected
    check_step(e, t, x)


def test_weight_norm_old_checkpoint_loads_into_parametrization():
    old = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
    new = parametrizations.weight_norm(ember.nn.Linear(3, 2))
    new.load_state_dict(old.state_dict())
    close(new.weight, old.weight)


def test_remove_weight_norm():
    e = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
    with pytest.warns(FutureWarning, match="deprecated"):
        ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        ember.nn.utils.weight_norm(e)
    value = e.weight.detach().numpy()
    ember.nn.utils.remove_weight_norm(e)
    assert isinstance(e.weight, ember.nn.Parameter) and not e._forward_pre_hooks
    assert list(e.state_dict()) == ["bias", "weight"]
    close(e.weight, value)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in"):
        ember.nn.utils.remove_weight_norm(e)

    p = parametrizations.weight_norm(ember.nn.Linear(3, 2))
    value = p.weight.detach().numpy()
    parametrize.remove_parametrizations(p, "weight")
    assert type(p) is ember.nn.Linear and list(p.state_dict()) == ["bias", "weight"]
    close(p.weight, value)


@pytest.mark.parametrize("old", [False, True])
@pytest.mark.parametrize("layer", ["linear", "conv", "conv_transpose"])
def test_spectral_norm_training_updates_u_v_like_torch(old, layer):
    e, t, x = pair(layer, lambda lib, m: utils_of(lib, old).spectral_norm(
        m, n_power_iterations=2))
    for _ in range(3):
        check_step(e, t, x)
        e.zero_grad()
        t.zero_grad()
    e_state, t_state = e.state_dict(), t.state_dict()
    for key in e_state:
        close(e_state[key], t_state[key], 1e-4, 1e-5, key)
    u_key = "weight_u" if old else "parametrizations.weight.0._u"
    assert e_state[u_key].shape == (3 if layer != "linear" else 4,)
    if layer == "conv_transpose":  # dim=1: the output channels are the weight's dim 1
        norm = next(iter(e._forward_pre_hooks.values())) if old else e.parametrizations.weight[0]
        assert norm.dim == 1


@pytest.mark.parametrize("old", [False, True])
def test_spectral_norm_eval_leaves_u_v(old):
    e, t, x = pair("linear", lambda lib, m: utils_of(lib, old).spectral_norm(m))
    e.eval()
    t.eval()
    before = {k: v.clone() for k, v in e.state_dict().items()}
    check_step(e, t, x)
    for key, value in e.state_dict().items():
        close(value, before[key], 0, 0, key)
    e.train()
    e(ember.tensor(x))
    u_key = "weight_u" if old else "parametrizations.weight.0._u"
    assert not np.array_equal(to_numpy(e.state_dict()[u_key]), to_numpy(before[u_key]))


def test_spectral_norm_sigma_is_the_largest_singular_value():
    m = parametrizations.spectral_norm(ember.nn.Linear(6, 4), n_power_iterations=30)
    m(ember.zeros(1, 6))
    assert abs(np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)[0] - 1) < 1e-4


def test_spectral_norm_state_dict_round_trip_and_metadata():
    e = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
    state = e.state_dict()
    assert list(state) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert state._metadata[""]["spectral_norm"] == {"weight.version": 1}
    t = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 2))
    e.load_state_dict(to_ember_state(t))
    t.load_state_dict(to_torch_state(e))
    for key, value in e.state_dict().items():
        close(value, t.state_dict()[key], 0, 0, key)


def test_remove_spectral_norm():
    e, t, x = pair("conv", lambda lib, m: lib.nn.utils.spectral_norm(m))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        ember.nn.utils.spectral_norm(e)
    for m in (e, t):
        m.eval()
        m(m.weight_orig.new_zeros(1, 2, 5, 5))  # computes W / sigma, u and v unchanged
    ember.nn.utils.remove_spectral_norm(e)
    torch.nn.utils.remove_spectral_norm(t)
    assert isinstance(e.weight, ember.nn.Parameter)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert not e._forward_pre_hooks and not e._state_dict_hooks
    assert not e._load_state_dict_pre_hooks
    close(e.weight, t.weight)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found in"):
        ember.nn.utils.remove_spectral_norm(e)

    p = parametrizations.spectral_norm(ember.nn.Linear(3, 2))
    parametrize.remove_parametrizations(p, "weight")
    assert type(p) is ember.nn.Linear and list(p.state_dict()) == ["bias", "weight"]


def test_spectral_norm_errors_match_torch():
    for lib, utils in ((ember, parametrizations), (torch, torch.nn.utils.parametrizations)):
        with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
            utils.spectral_norm(lib.nn.Linear(2, 2), n_power_iterations=0)
        with pytest.raises(IndexError, match="Dimension out of range"):
            utils.spectral_norm(lib.nn.Linear(2, 2), dim=2)
        with pytest.raises(ValueError, match="has no parameter or buffer with name 'w'"):
            utils.spectral_norm(lib.nn.Linear(2, 2), name="w")


def discriminator(lib, old):
    sn = utils_of(lib, old).spectral_norm
    return lib.nn.Sequential(
        sn(lib.nn.Conv2d(3, 8, 4, 2, 1)), lib.nn.LeakyReLU(0.2),
        sn(lib.nn.Conv2d(8, 16, 4, 2, 1)), lib.nn.LeakyReLU(0.2),
        lib.nn.Flatten(), sn(lib.nn.Linear(16 * 2 * 2, 1)))


@pytest.mark.parametrize("old", [False, True])
def test_gan_discriminator_trains_like_torch(old):
    e, t = discriminator(ember, old), discriminator(torch, old)
    t.load_state_dict(to_torch_state(e))
    opt_e = ember.optim.Adam(e.parameters(), lr=2e-3, betas=(0.0, 0.9))
    opt_t = torch.optim.Adam(t.parameters(), lr=2e-3, betas=(0.0, 0.9))
    rng = np.random.default_rng(0)
    for _ in range(3):
        real = rng.standard_normal((4, 3, 8, 8)).astype(np.float32)
        fake = rng.standard_normal((4, 3, 8, 8)).astype(np.float32)
        losses = []
        for lib, model, opt in ((ember, e, opt_e), (torch, t, opt_t)):
            opt.zero_grad()
            hinge = lib.nn.functional.relu
            loss = (hinge(1 - model(lib.tensor(real))).mean()
                    + hinge(1 + model(lib.tensor(fake))).mean())
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert abs(losses[0] - losses[1]) < 1e-4
    for key, value in e.state_dict().items():
        close(value, t.state_dict()[key], 1e-4, 1e-5, key)
