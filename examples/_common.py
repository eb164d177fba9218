"""What the examples share: the command line, the framework they run on, progress and results.

    python3 examples/digits_cnn.py                     # on ember
    python3 examples/digits_cnn.py --framework torch   # the same script on PyTorch

Each example is written against the name `torch`, bound here to the module that --framework
names, so one script body runs on both frameworks and their results can be compared.

Shared flags: --framework ember|torch (default ember), --quick (a few steps on tiny data, for
CI), --epochs, --seed. Every example ends by printing one line that starts with "result:",
holding key=value pairs (the framework, its metrics, wall and CPU time); tests and the results
table in docs/examples.md read that line.
"""
import argparse
import importlib
import os
import sys
import time
import types

from tqdm import tqdm

_START = time.perf_counter()


def parse_args(description, epochs, add_arguments=None, epochs_help="training epochs"):
    """Parse the shared flags (and the example's own), seed the framework, return both.

    Args:
        description: the example's one-line summary, for --help.
        epochs: the default of --epochs (what a full run trains for).
        add_arguments: called with the parser to add the example's own flags.
        epochs_help: what an epoch is to this example, for --help.

    Returns:
        (args, torch): the parsed arguments and the framework module (ember or torch).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--framework", choices=["ember", "torch"], default="ember",
                        help="the framework that runs the script (default: ember)")
    parser.add_argument("--quick", action="store_true",
                        help="a few steps on tiny data, checking only that the loss falls")
    parser.add_argument("--epochs", type=int, default=epochs,
                        help=f"{epochs_help} (default: {epochs})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args()
    torch = importlib.import_module(args.framework)
    torch.manual_seed(args.seed)
    print(f"framework: {args.framework} {torch.__version__}" + ("  (quick)" if args.quick else ""))
    return args, torch


def load_vision(torch, seed):
    """torchvision's datasets and transforms for the framework at hand.

    ember brings its own (ember.vision). On PyTorch this is torchvision when it is installed;
    otherwise ember.vision again, with Compose handing its result over as a torch tensor, since
    torchvision is not a dependency of the examples. The random transforms of ember.vision draw
    from ember's default generator, which is seeded here for that reason.
    """
    import ember
    ember.manual_seed(seed)
    if torch is ember:
        return ember.vision
    try:
        return importlib.import_module("torchvision")
    except ImportError:
        pass

    class Compose(ember.vision.transforms.Compose):
        def __call__(self, image):
            return torch.from_numpy(super().__call__(image).numpy())

    transforms = types.SimpleNamespace(**{name: getattr(ember.vision.transforms, name)
                                          for name in ember.vision.transforms.__all__})
    transforms.Compose = Compose
    return types.SimpleNamespace(datasets=ember.vision.datasets, transforms=transforms)


def progress(iterable, description, total=None):
    """A tqdm progress bar when stdout is a terminal; the bare iterable otherwise (logs, CI)."""
    if not sys.stdout.isatty():
        return iterable
    return tqdm(iterable, desc=description, total=total, leave=False, dynamic_ncols=True)


def output_path(name):
    """Where an example writes a file: runs/examples/<name> under the current directory (git
    ignores runs/), the folder created on first use."""
    directory = os.path.join("runs", "examples")
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, name)


def report(args, **metrics):
    """Print the closing "result:" line: framework, metrics, the run's wall time and CPU time
    (the CPU time of all its threads, a steadier measure on a busy machine)."""
    fields = {"framework": args.framework, **metrics,
              "time": f"{time.perf_counter() - _START:.1f}s",
              "cpu": f"{time.process_time():.1f}s"}
    text = "  ".join(f"{key}={value:.4f}" if isinstance(value, float) else f"{key}={value}"
                     for key, value in fields.items())
    print(f"result: {text}")
