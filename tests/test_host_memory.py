"""NOTE [ Keeping freed memory ] (ember/_host_memory.py): once ember is imported, a training
step's freed arrays are reused by the next step without new page faults."""
import os
import subprocess
import sys

import pytest

_CHILD = r"""
import resource
import numpy as np
import ember

def step():  # allocate and write 24 MiB in arrays of 8 MiB, then free them
    arrays = [np.ones(2 << 20, np.float32) for _ in range(3)]
    return sum(float(a[-1]) for a in arrays)

step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    step()
print(ember._host_memory.thresholds_set,
      (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) // 5)
"""


def _faults_per_step(**environment):
    output = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                            check=True, env={**os.environ, **environment}).stdout.split()
    return output[0] == "True", int(output[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_freed_arrays_are_reused_without_page_faults():
    thresholds_set, faults = _faults_per_step()
    if not thresholds_set:
        pytest.skip("this C library has no mallopt (not glibc)")
    assert faults < 100  # 6,144 pages are written each step
    defaults_set, default_faults = _faults_per_step(EMBER_MALLOC_DEFAULTS="1")
    assert not defaults_set
    assert default_faults > 500  # glibc trims the freed top of its heap, or maps afresh
