"""ember.accelerator, ember.version and ember._dynamo: the environment queries scripts make."""
import torch

import ember


def test_tutorial_device_pick_matches_a_cpu_torch():
    def pick(lib):
        return (lib.accelerator.current_accelerator().type if lib.accelerator.is_available()
                else "cpu")

    assert pick(ember) == ("cuda" if ember.cuda.is_available() else "cpu")
    if not ember.cuda.is_available():
        assert pick(ember) == pick(torch) == "cpu"
        assert ember.accelerator.current_accelerator() is None
        assert ember.accelerator.device_count() == torch.accelerator.device_count() == 0


def test_version_fields():
    assert ember.version.__version__ == ember.__version__
    assert ember.version.cuda is None and ember.version.hip is None
    assert torch.version.cuda is None  # the oracle is a CPU build too
    assert isinstance(ember.version.debug, bool)


def test_dynamo_config_and_reset_are_accepted():
    ember._dynamo.config.suppress_errors = True
    ember._dynamo.config.cache_size_limit = 64
    assert ember._dynamo.config.suppress_errors is True
    assert ember._dynamo.reset() is None
    assert ember._dynamo.is_compiling() is False
    assert ember._dynamo.disable(len) is len
