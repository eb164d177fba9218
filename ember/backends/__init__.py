"""ember.backends: switches for the GPU libraries, as torch.backends.

`ember.backends.cuda.matmul.allow_tf32` decides whether float32 GEMMs (matmul, linear and the
convolutions, which are GEMMs in ember) may use TF32 tensor cores; `ember.backends.cudnn`
holds torch's cuDNN flags, which scripts set and ember accepts (it calls no cuDNN);
`ember.backends.mps.is_available()` answers False (ember has no Metal backend).
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
