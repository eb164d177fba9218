"""Discrete Fourier transforms: the three ops under torch.fft (ember/fft.py), and the
short-time transforms stft and istft built on them.

As torch's, every transform is one of three ops over a list of dims:
    FftC2C  complex -> complex, forward (e^{-2 pi i jk/n}) or inverse (e^{+2 pi i jk/n})
    FftR2C  real -> complex, forward, one-sided: the last dim keeps its n // 2 + 1 first
            frequencies, the others being their mirror images' conjugates
    FftC2R  one-sided complex -> real, inverse: the spectrum completed by that symmetry
each scaled by its normalization: "none" (1), "by_root_n" (1/sqrt(N)) or "by_n" (1/N), N the
product of the transformed sizes. torch.fft's norm= strings name the scale of a direction
("backward" leaves the forward transform unscaled and scales the inverse by 1/N); the ops
take the scale itself, so that a backward can run the other direction with the same one.

Gradients follow torch's convention (grad = dL/dRe + i dL/dIm): a linear map's gradient is
its adjoint applied to g, and the adjoint of a DFT scaled by s is the other direction scaled
by s.
"""
from .. import _dtype
from .._settings import warn_once
from .._tensor import Tensor
from ..autograd.function import Op
from .complex import real, view_as_real
from .creation import ones
from .join import cat
from .pad import ConstantPad, pad
from .sliding import UnfoldBackward

__all__ = ["stft", "istft"]


def _in_dtype(result, dtype):
    """result in torch's dtype for the transform (NumPy 1.x computes every FFT in double
    precision; torch, CuPy and NumPy 2 keep single precision single)."""
    return result.astype(dtype, copy=False)


def _numpy_norm(normalization, forward):
    """xp.fft's norm= for a transform in this direction scaled by `normalization`."""
    if normalization == "by_root_n":
        return "ortho"
    return "backward" if (normalization == "none") == forward else "forward"


class FftC2C(Op):
    """y = s F x over dims, F the DFT (its unscaled inverse when not forward), s the scale;
    grad_x = s F^H g: the transform in the other direction, with the same scale."""

    @staticmethod
    def forward(ctx, x, dims, normalization, forward):
        ctx.args = (dims, normalization, forward)
        if not dims:  # torch's fftn of a 0-d tensor: the identity
            return x.copy()
        transform = ctx.xp.fft.fftn if forward else ctx.xp.fft.ifftn
        return _in_dtype(transform(x, axes=dims, norm=_numpy_norm(normalization, forward)),
                         x.dtype)

    @staticmethod
    def backward(ctx, grad):
        dims, normalization, forward = ctx.args
        return fft_c2c(grad, dims, normalization, not forward), None, None, None


class FftR2C(Op):
    """y = s F x over dims, x real, keeping the first n // 2 + 1 entries along the last dim;
    grad_x = Re(s F^H g0), g0 = g zero-padded back to n there (F^H as in FftC2C)."""

    @staticmethod
    def forward(ctx, x, dims, normalization):
        ctx.args = (dims, normalization, x.shape[dims[-1]])
        y = ctx.xp.fft.rfftn(x, axes=dims, norm=_numpy_norm(normalization, True))
        return _in_dtype(y, _dtype.BY_NUMPY[x.dtype].to_complex().np)

    @staticmethod
    def backward(ctx, grad):
        dims, normalization, last_dim_size = ctx.args
        full = resize_fft_input(grad, dims[-1:], (last_dim_size,))
        return real(fft_c2c(full, dims, normalization, False)), None, None


class FftC2R(Op):
    """y = s G z over dims: the real signal, last_dim_size = n long along the last dim, whose
    spectrum is z there one-sided (G: the unscaled inverse DFT over dims, of z completed by
    conjugate symmetry along the last; its imaginary parts at frequencies 0 and n / 2 don't
    count);
    grad_z = FftR2C(g) with entries 1 ... n - (n // 2 + 1) along the last dim doubled: each
    stands for itself and its mirror image."""

    @staticmethod
    def forward(ctx, z, dims, normalization, last_dim_size):
        ctx.args = (dims, normalization)
        sizes = [z.shape[d] for d in dims[:-1]] + [last_dim_size]
        y = ctx.xp.fft.irfftn(z, s=sizes, axes=dims, norm=_numpy_norm(normalization, False))
        return _in_dtype(y, _dtype.BY_NUMPY[z.dtype].to_real().np)

    @staticmethod
    def backward(ctx, grad):
        dims, normalization = ctx.args
        dim = dims[-1]
        grad_z = fft_r2c(grad, dims, normalization)
        mirrored = grad.shape[dim] - grad_z.shape[dim]
        if mirrored > 0:
            rest = grad_z.shape[dim] - 1 - mirrored
            grad_z = cat([grad_z.narrow(dim, 0, 1), grad_z.narrow(dim, 1, mirrored) * 2,
                          grad_z.narrow(dim, 1 + mirrored, rest)], dim)
        return grad_z, None, None, None


def fft_c2c(input, dims, normalization, forward):
    return FftC2C.apply(input, tuple(dims), normalization, forward)


def fft_r2c(input, dims, normalization):
    return FftR2C.apply(input, tuple(dims), normalization)


def fft_c2r(input, dims, normalization, last_dim_size):
    return FftC2R.apply(input, tuple(dims), normalization, last_dim_size)


def resize_fft_input(input, dims, sizes):
    """input cut to, or zero-padded at the end to, sizes[i] along dims[i]."""
    pairs = [(0, 0)] * input.dim()
    for dim, size in zip(dims, sizes):
        if input.shape[dim] > size:
            input = input.narrow(dim, 0, size)
        pairs[dim] = (0, size - input.shape[dim])
    if any(after for _, after in pairs):
        input = ConstantPad.apply(input, tuple(pairs), 0)
    return input


# -- short-time transforms -------------------------------------------------------------

def _call_repr(op_name, input, window, fields):
    """How torch describes an stft/istft call in its errors: bools as 1/0, a window by type
    and shape."""
    def show(value):
        return str(int(value)) if isinstance(value, bool) else str(value)
    window = "None" if window is None else f"{window.type()}{{{list(window.shape)}}}"
    arguments = ", ".join(f"{name}={window if name == 'window' else show(value)}"
                          for name, value in fields)
    return f"{op_name}({input.type()}{list(input.shape)}, {arguments}) "


def _centered(window, n_fft, win_length):
    """window zero-padded on both sides to n_fft (one more zero on the right if odd)."""
    left = (n_fft - win_length) // 2
    return pad(window, [left, n_fft - win_length - left])


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
         align_to_window=None):
    """Short-time Fourier transform: the DFT of each window-weighted frame of the signal.

        X[..., f, m] = sum_k window[k] input[..., m * hop_length + k] e^{-2 pi i f k / n_fft}

    frames n_fft long, hop_length apart (n_fft // 4 by default); the window (ones by default),
    win_length long, is centred in the frame. With center=True the signal is first padded by
    n_fft // 2 on both sides with `pad_mode`, so frame m is centred at m * hop_length. A real
    signal and window give the n_fft // 2 + 1 one-sided frequencies unless onesided=False;
    normalized=True scales by 1 / sqrt(n_fft). align_to_window (center=False only) pads by
    (n_fft - win_length) // 2 so the first window, not the first frame, starts at 0.

    Args:
        input: (L,) or (B, L), float or complex.
        return_complex: must be given for a real input (torch's rule); False returns
            view_as_real of the result (deprecated by torch).

    Returns:
        (B?, N, T) complex, N = n_fft // 2 + 1 one-sided or n_fft, T the number of frames:
        1 + L // hop_length with center=True, 1 + (L - n_fft) // hop_length without.

    Example:
        >>> x = ember.ones(8)
        >>> ember.stft(x, 4, hop_length=2, window=ember.hann_window(4), return_complex=True).shape
        ember.Size([3, 5])
    """
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:  # as torch.functional.stft: the padding comes before _VF.stft's checks
        signal_dim = input.dim()
        half = n_fft // 2
        input = pad(input.view([1] * (3 - signal_dim) + list(input.shape)), [half, half],
                    pad_mode)
        input = input.view(input.shape[-signal_dim:])
    if window is None:
        warn_once(
            "A window was not provided. A rectangular window will be applied,which is known to "
            "cause spectral leakage. Other windows such as ember.hann_window or "
            "ember.hamming_window are recommended to reduce spectral leakage.To suppress this "
            "warning and use a rectangular window, explicitly set "
            "`window=ember.ones(n_fft, device=<device>)`.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    describe = _call_repr("stft", input, window, [
        ("n_fft", n_fft), ("hop_length", hop_length), ("win_length", win_length),
        ("window", window), ("normalized", normalized), ("onesided", onesided),
        ("return_complex", return_complex), ("align_to_window", align_to_window)])
    if return_complex is None:
        if not (input.is_complex() or window is not None and window.is_complex()):
            raise RuntimeError(
                "stft requires the return_complex parameter be given for real inputs, and will "
                "further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warn_once("stft with return_complex=False is deprecated. In a future pytorch release, "
                  "stft will return complex tensors for all inputs, and return_complex=False "
                  "will raise an error.\nNote: you can still call ember.view_as_real on the "
                  "complex output to recover the old return format.")
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(describe + ": expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        raise RuntimeError(describe + ": expected a 1D or 2D tensor")
    signal = input if input.dim() == 2 else input.unsqueeze(0)  # (B, L)
    length = signal.shape[1]
    if not 0 < n_fft <= length:
        raise RuntimeError(describe + f": expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(describe + f": expected hop_length > 0, but got hop_length="
                                      f"{hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(describe + f": expected 0 < win_length <= n_fft, but got win_length="
                                      f"{win_length}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        raise RuntimeError(describe + f": expected a 1D window tensor of size equal to "
                                      f"win_length={win_length}, but got window with size "
                                      f"{list(window.shape)}")
    if win_length < n_fft:
        if window is None:
            window = ones(win_length, dtype=input.dtype, device=input.device)
        window = _centered(window, n_fft, win_length)
    if align_to_window:
        frame_count = 1 + (length - win_length) // hop_length
        margin = (n_fft - win_length) // 2
        signal = pad(signal, [margin, margin], pad_mode)
    else:
        frame_count = 1 + (length - n_fft) // hop_length
    frames = signal.unfold(1, n_fft, hop_length)  # (B, T, n_fft)
    if frames.shape[1] < frame_count:  # torch's strided view would read past the end
        raise RuntimeError(
            describe + f": {frame_count} frames of {n_fft} samples, {hop_length} apart, need "
            f"{(frame_count - 1) * hop_length + n_fft} samples, but align_to_window's padding "
            f"gives {signal.shape[1]}. Choose a win_length of the parity of n_fft.")
    if window is not None:
        frames = frames * window
    if frames.dtype not in (_dtype.float32, _dtype.float64, _dtype.complex64,
                            _dtype.complex128):
        raise RuntimeError(f"stft: the FFT doesn't support tensors of type: "
                           f"{_dtype.scalar_type_name(frames.dtype)}. Convert the input with "
                           f".float() first.")
    normalization = "by_root_n" if normalized else "none"
    if frames.is_complex():
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        spectrum = fft_c2c(frames, (2,), normalization, True)
    elif onesided is None or onesided:
        spectrum = fft_r2c(frames, (2,), normalization)
    else:
        spectrum = fft_c2c(frames.to(frames.dtype.to_complex()), (2,), normalization, True)
    spectrum = spectrum.transpose(1, 2)  # (B, N, T)
    if input.dim() == 1:
        spectrum = spectrum.squeeze(0)
    return spectrum if return_complex else view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """Inverse short-time Fourier transform: the least-squares signal whose stft is input.

    Each frame's inverse DFT, weighted by the window, is added at m * hop_length
    (overlap-add); the sum is divided by the overlap-add of the squared window, which must
    not vanish anywhere in the output. With center=True the n_fft // 2 samples stft padded
    at each end are dropped; `length` cuts (or zero-pads) the result to that many samples.

    Args:
        input: (N, T) or (B, N, T) complex, as stft returns with return_complex=True.
        onesided: whether N is n_fft // 2 + 1 (the default unless N == n_fft).
        return_complex: a complex signal (from a two-sided input) instead of a real one.

    Returns:
        (L,) or (B, L): L = length, or n_fft + hop_length * (T - 1) less 2 * (n_fft // 2)
        when centred.

    Example:
        >>> x = ember.arange(8.)
        >>> X = ember.stft(x, 4, window=ember.hann_window(4), return_complex=True)
        >>> ember.istft(X, 4, window=ember.hann_window(4), length=8)
        tensor([0., 1., 2., 3., 4., 5., 6., 7.])
    """
    if window is None:
        warn_once("A window was not provided. A rectangular window will be applied.Please "
                  "provide the same window used by stft to make the inversion lossless.To "
                  "suppress this warning and use a rectangular window, explicitly set "
                  "`window=ember.ones(n_fft, device=<device>)`.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    describe = _call_repr("istft", input, window, [
        ("n_fft", n_fft), ("hop_length", hop_length), ("win_length", win_length),
        ("window", window), ("center", center), ("normalized", normalized),
        ("onesided", onesided), ("length", length), ("return_complex", return_complex)])
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    rank = input.dim() + 1  # torch reads the sizes of view_as_real(input)
    if rank < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, "
                         f"{rank - 1}], but got {-rank - 1})")
    fft_size, frame_count = input.shape[-2], input.shape[-1]
    signal_length = n_fft + hop_length * (frame_count - 1)
    if input.numel() == 0:
        raise RuntimeError(describe + ": input tensor cannot be empty.")
    if rank not in (3, 4):
        raise RuntimeError(describe + f": expected a tensor with 3 or 4 dimensions, but got "
                                      f"{rank}")
    onesided = fft_size != n_fft if onesided is None else onesided
    if onesided and n_fft // 2 + 1 != fft_size:
        raise RuntimeError(describe + f": expected the frequency dimension (3rd to the last) of "
                                      f"the input tensor to match n_fft / 2 + 1 when "
                                      f"onesided=True, but got {fft_size}")
    if not onesided and n_fft != fft_size:
        raise RuntimeError(describe + f": expected the frequency dimension (3rd to the last) of "
                                      f"the input tensor to match n_fft when onesided=False, "
                                      f"but got {fft_size}")
    if not 0 < hop_length <= win_length:
        raise RuntimeError(describe + ": expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(describe + ": expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        raise RuntimeError(describe + ": Invalid window shape. window has to be 1D and length "
                                      "of `win_length`")
    full_window = window if window is not None else ones(
        win_length, dtype=input.dtype.to_real(), device=input.device)
    if win_length != n_fft:
        full_window = _centered(full_window, n_fft, win_length)
    spectra = (input if rank == 4 else input.unsqueeze(0)).transpose(1, 2)  # (B, T, N)
    normalization = "by_root_n" if normalized else "by_n"
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = fft_c2c(spectra, (2,), normalization, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spectra = spectra.narrow(2, 0, n_fft // 2 + 1)
        frames = fft_c2r(spectra, (2,), normalization, n_fft)  # (B, T, n_fft)
    # Overlap-add: the adjoint of cutting a signal into frames.
    signal = UnfoldBackward.apply(frames * full_window, (frames.shape[0], signal_length), 1,
                                  n_fft, hop_length)
    envelope = UnfoldBackward.apply((full_window * full_window).expand(1, frame_count, n_fft),
                                    (1, signal_length), 1, n_fft, hop_length)
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = signal_length - n_fft // 2 if center else signal_length
    signal, envelope = signal[:, start:end], envelope[:, start:end]
    lowest = envelope.abs().min()
    if lowest.item() < 1e-11:
        raise RuntimeError(describe + f"window overlap add min: {lowest.item()} (the squared "
                                      f"window's overlap-add vanishes: choose a window and "
                                      f"hop_length whose frames overlap everywhere)")
    signal = signal / envelope
    if rank == 3:
        signal = signal.squeeze(0)
    if end > signal_length:
        warn_once("The length of signal is shorter than the length parameter. Result is being "
                  "padded with zeros in the tail. Please check your center and hop_length "
                  "settings.")
        signal = pad(signal, [0, end - signal_length])
    return signal


Tensor.stft = stft
Tensor.istft = istft
