"""Every example runs end to end in its --quick mode, on ember, as a user would start it.

Each runs as a subprocess in a scratch directory (so nothing lands in the repository, and
CIFAR-10 is absent there: the stand-in runs) and must exit 0 and print its closing "result:"
line; where the example reports losses, the final one must be below the first.
"""
import os
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples")

# (script, a metric of the result line that must hold on the quick run)
CASES = [
    ("cifar10_cnn.py", None),
    ("digits_cnn.py", None),
    ("mnist1d_baselines.py", None),
    ("reinforce_cartpole.py", "episodes"),
    ("char_lstm.py", None),
    ("dcgan_digits.py", "png"),
    ("transformer_task.py", None),
]

# The package each example needs beyond ember: the test skips where it is not installed.
NEEDS = {
    "digits_cnn.py": "sklearn", "dcgan_digits.py": "sklearn", "mnist1d_baselines.py": "mnist1d",
    "reinforce_cartpole.py": "gymnasium", "cifar10_cnn.py": "PIL",
}


def result_of(output):
    """The key=value pairs of the "result:" line an example ends with."""
    lines = [line for line in output.splitlines() if line.startswith("result: ")]
    assert lines, f"no result line in the output:\n{output}"
    return dict(pair.split("=", 1) for pair in lines[-1][len("result: "):].split())


@pytest.mark.parametrize("script, required", CASES, ids=[case[0] for case in CASES])
def test_example_quick_run(script, required, tmp_path):
    if script in NEEDS:
        pytest.importorskip(NEEDS[script])
    path = os.path.abspath(os.path.join(EXAMPLES, script))
    # Generous: a quick run takes under 20 s on 2 idle cores, but CI may share them.
    done = subprocess.run([sys.executable, path, "--quick"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    result = result_of(done.stdout)
    assert result["framework"] == "ember"
    if "first_loss" in result:
        assert float(result["final_loss"]) < float(result["first_loss"]), done.stdout
    if required is not None:
        assert required in result, done.stdout
    if script == "dcgan_digits.py":
        assert (tmp_path / result["png"]).stat().st_size > 0
