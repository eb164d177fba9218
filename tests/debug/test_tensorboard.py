"""SummaryWriter: real event files, read back with TensorBoard's own EventAccumulator."""
import importlib
import io
import sys

import numpy as np
import pytest
from conftest import CifarNet

import ember

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from ember.utils.tensorboard import SummaryWriter  # noqa: E402


def _read(path):
    accumulator = EventAccumulator(str(path), size_guidance={"tensors": 0, "images": 0})
    accumulator.Reload()
    return accumulator


def test_scalars_histograms_images_text_and_graph(tmp_path):
    with SummaryWriter(log_dir=str(tmp_path)) as writer:
        for step in range(3):
            writer.add_scalar("loss/train", ember.tensor(1.0 / (step + 1)), step)
        writer.add_histogram("fc1.weight", ember.randn(500), 0)
        writer.add_image("sample", ember.rand(3, 6, 10), 0)  # CHW
        writer.add_image("gray", np.full((4, 5), 255, np.uint8), 0, dataformats="HW")
        writer.add_images("batch", ember.rand(10, 1, 6, 4), 0)
        writer.add_text("notes", "lr **0.1**", 0)
        writer.add_graph(CifarNet(), ember.randn(1, 3, 32, 32))
    run = _read(tmp_path)
    assert [(e.step, round(e.value, 4)) for e in run.Scalars("loss/train")] == [
        (0, 1.0), (1, 0.5), (2, 0.3333)]
    histogram = run.Histograms("fc1.weight")[0].histogram_value
    assert histogram.num == 500 and sum(histogram.bucket) == 500
    assert histogram.min <= -1 and histogram.max >= 1
    image = run.Images("sample")[0]
    assert (image.width, image.height) == (10, 6)
    from PIL import Image
    decoded = Image.open(io.BytesIO(image.encoded_image_string))
    assert decoded.size == (10, 6) and decoded.mode == "RGB"
    gray = np.asarray(Image.open(io.BytesIO(run.Images("gray")[0].encoded_image_string)))
    assert gray.shape == (4, 5, 3) and (gray == 255).all()
    batch = run.Images("batch")[0]
    assert (batch.width, batch.height) == (8 * 4, 2 * 6)  # 8 per row, 2 rows
    assert run.Tensors("notes/text_summary")[0].tensor_proto.string_val == [b"lr **0.1**"]
    nodes = {node.name: node for node in run.Graph().node}
    conv = nodes["CifarNet/features/0/Convolution_2"]
    assert conv.op == "Convolution" and list(conv.input) == [
        "CifarNet/features/0/weight", "CifarNet/features/0/bias"]
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [1, 32, 30, 30]
    assert nodes["output/output.0"].input == ["CifarNet/fc2/Linear_17"]


def test_add_scalars_hparams_purge_and_reopen(tmp_path):
    writer = SummaryWriter(log_dir=str(tmp_path), purge_step=5, filename_suffix=".ember")
    writer.add_scalars("lr", {"adam": 0.1, "sgd": 0.2}, 1)
    writer.add_hparams({"lr": 0.1, "optimizer": "sgd", "bn": True}, {"hparam/accuracy": 0.9},
                       run_name="trial")
    writer.close()
    writer.add_scalar("after_close", 1.0, 6)  # reopens a new event file
    writer.flush()
    writer.close()
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {"lr_adam", "lr_sgd", "trial"}
    assert all(p.name.endswith(".ember") for p in tmp_path.glob("events.out.tfevents.*"))
    assert _read(tmp_path / "lr_sgd").Scalars("lr")[0].value == pytest.approx(0.2)
    trial = _read(tmp_path / "trial")
    assert trial.Scalars("hparam/accuracy")[0].value == pytest.approx(0.9)
    from tensorboard.plugins.hparams import metadata
    contents = trial.PluginTagToContent(metadata.PLUGIN_NAME)
    start = metadata.parse_session_start_info_plugin_data(
        contents[metadata.SESSION_START_INFO_TAG])
    assert start.hparams["lr"].number_value == pytest.approx(0.1)
    assert start.hparams["optimizer"].string_value == "sgd" and start.hparams["bn"].bool_value
    assert _read(tmp_path).Scalars("after_close")[0].step == 6


def test_missing_tensorboard_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    for name in [n for n in sys.modules if n.startswith("ember.utils.tensorboard")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(ember.utils, "tensorboard", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'ember\[tensorboard\]'"):
        importlib.import_module("ember.utils.tensorboard")
