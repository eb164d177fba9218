"""Summary protos for each kind of data, built from the tensorboard package's own protos.

One function per kind (scalar, histogram, image, text, hparams, graph), as in
torch.utils.tensorboard.summary; the values may be ember Tensors, numpy arrays or numbers.
"""
import struct
import zlib

import numpy as np
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.plugins.hparams.api_pb2 import (DataType, Experiment, HParamInfo, MetricInfo,
                                                 MetricName, Status)
from tensorboard.plugins.hparams.plugin_data_pb2 import (HParamsPluginData, SessionEndInfo,
                                                         SessionStartInfo)
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

__all__ = ["make_np", "scalar", "histogram", "image", "text", "hparams", "graph"]


def make_np(value):
    """An ember Tensor, numpy array or number as a numpy array (copied to the host)."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def scalar(name, value, new_style=False, double_precision=False):
    """A one-value Summary; new_style stores it as a tensor for the scalars plugin."""
    array = make_np(value).squeeze()
    if array.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given "
                             f"size: {array.size} and {array.ndim} dimensions.")
    number = float(array)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=number)])
    tensor = (TensorProto(double_val=[number], dtype="DT_DOUBLE") if double_precision
              else TensorProto(float_val=[number], dtype="DT_FLOAT"))
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=tensor, metadata=metadata)])


def _tensorflow_bins():
    """TensorFlow's default histogram edges: +-1e-12 growing by 10% to +-1e20, and 0."""
    edges, value = [], 1e-12
    while value < 1e20:
        edges.append(value)
        value *= 1.1
    return np.array([-v for v in reversed(edges)] + [0.0] + edges)


_DEFAULT_BINS = _tensorflow_bins()


def histogram(name, values, bins="tensorflow", max_bins=None):
    """A HistogramProto Summary. bins: "tensorflow" (exponential edges), or anything
    numpy.histogram takes ("auto", a count, edges)."""
    array = make_np(values).astype(np.float64).reshape(-1)
    if array.size == 0:
        raise ValueError("The input has no element.")
    counts, edges = np.histogram(array, bins=_DEFAULT_BINS if bins == "tensorflow" else bins)
    if max_bins is not None and len(counts) > max_bins:  # merge neighbours down to max_bins
        group = -(-len(counts) // max_bins)
        padding = (-len(counts)) % group
        counts = np.pad(counts, (0, padding)).reshape(-1, group).sum(1)
        edges = np.append(edges[:-1:group], edges[-1])
    used = np.nonzero(counts)[0]
    first, last = (used[0], used[-1] + 1) if used.size else (0, len(counts))
    return Summary(value=[Summary.Value(tag=name, histo=HistogramProto(
        min=float(array.min()), max=float(array.max()), num=int(array.size),
        sum=float(array.sum()), sum_squares=float(array.dot(array)),
        bucket_limit=edges[first + 1:last + 1].tolist(),
        bucket=counts[first:last].astype(np.float64).tolist()))])


def _to_hwc(array, dataformats):
    """An image array in the given layout ("CHW", "HWC", "HW", "NCHW" ...) as HWC with 3 or 4
    channels; a batch (N first) becomes a grid of up to 8 columns."""
    dataformats = dataformats.upper()
    if len(set(dataformats)) != len(dataformats) or len(dataformats) != array.ndim:
        raise ValueError(f"dataformats '{dataformats}' does not match an image of shape "
                         f"{list(array.shape)}")
    if "N" in dataformats:
        array = array.transpose([dataformats.index(c) for c in "NCHW"])  # (N, C, H, W)
        if array.shape[1] == 1:
            array = np.concatenate([array] * 3, 1)
        count, channels, height, width = array.shape
        columns = min(count, 8)
        rows = -(-count // columns)
        grid = np.zeros((channels, height * rows, width * columns), array.dtype)
        for index in range(count):
            row, column = divmod(index, columns)
            grid[:, row * height:(row + 1) * height,
                 column * width:(column + 1) * width] = array[index]
        return grid.transpose(1, 2, 0)
    if dataformats in ("HW", "WH"):
        array = array.transpose([dataformats.index(c) for c in "HW"])
        return np.stack([array] * 3, 2)
    array = array.transpose([dataformats.index(c) for c in "HWC"])
    return np.concatenate([array] * 3, 2) if array.shape[2] == 1 else array


def _png(array):
    """PNG bytes of an (H, W, 3 or 4) uint8 array (zlib; no imaging library needed)."""
    height, width, channels = array.shape
    rows = b"".join(b"\x00" + array[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    color_type = 6 if channels == 4 else 2
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def image(tag, values, dataformats="CHW"):
    """An image Summary: floats in [0, 1] or uint8 in [0, 255], in the given layout."""
    array = _to_hwc(make_np(values), dataformats)
    if array.dtype != np.uint8:
        array = (np.clip(array.astype(np.float32), 0, 1) * 255).round().astype(np.uint8)
    height, width, channels = array.shape
    encoded = _png(np.ascontiguousarray(array))
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=encoded))])


def text(tag, text_string):
    """A text Summary for the text plugin (markdown)."""
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
    tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=metadata,
                                        tensor=tensor)])


def _hparams_summary(tag, **content):
    data = HParamsPluginData(version=hparams_metadata.PLUGIN_DATA_VERSION, **content)
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name=hparams_metadata.PLUGIN_NAME, content=data.SerializeToString()))
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """The three Summaries of the hparams plugin: experiment, session start, session end.

    Differs from PyTorch: a bool value is logged as a bool (torch logs it as a number).
    """
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = hparam_domain_discrete or {}
    start = SessionStartInfo()
    infos = []
    for name, value in hparam_dict.items():
        if value is None:
            continue
        if hasattr(value, "numpy"):
            value = float(make_np(value).reshape(-1)[0])
        if isinstance(value, bool):
            field, kind = "bool_value", "DATA_TYPE_BOOL"
        elif isinstance(value, (int, float)):
            field, kind = "number_value", "DATA_TYPE_FLOAT64"
        elif isinstance(value, str):
            field, kind = "string_value", "DATA_TYPE_STRING"
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        setattr(start.hparams[name], field, value)
        info = HParamInfo(name=name, type=DataType.Value(kind))
        for choice in domains.get(name, ()):
            setattr(info.domain_discrete.values.add(), field, choice)
        infos.append(info)
    experiment = Experiment(hparam_infos=infos,
                            metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    return (_hparams_summary(hparams_metadata.EXPERIMENT_TAG, experiment=experiment),
            _hparams_summary(hparams_metadata.SESSION_START_INFO_TAG, session_start_info=start),
            _hparams_summary(hparams_metadata.SESSION_END_INFO_TAG,
                             session_end_info=SessionEndInfo(
                                 status=Status.Value("STATUS_SUCCESS"))))


def graph(described, root_name):
    """A GraphDef of an ember graph (ember.autograd.graph.Graph): one NodeDef per node, named
    by module scope ("Net/features/0/Convolution_2") so that TensorBoard folds modules."""
    names = []
    for node in described.nodes:
        scope = "/".join([root_name] + (node.module_path.split(".") if node.module_path else []))
        base = node.op.rsplit(".", 1)[-1] if node.kind == "leaf" else f"{node.op}_{node.index}"
        names.append(f"{scope}/{base}")
    nodes = []
    for node, name in zip(described.nodes, names):
        shapes = [TensorShapeProto(dim=[TensorShapeProto.Dim(size=s) for s in shape])
                  for shape, _ in node.outputs or ()]
        attrs = {"_output_shapes": AttrValue(list=AttrValue.ListValue(shape=shapes))}
        if node.source:
            attrs["source"] = AttrValue(s=f"{node.source[0]}:{node.source[1]}".encode())
        nodes.append(NodeDef(name=name, op="Parameter" if node.kind == "leaf" else node.op,
                             input=[names[parent] for parent in node.parents],
                             device=node.device or "", attr=attrs))
    for position, index in enumerate(described.outputs):
        nodes.append(NodeDef(name=f"output/output.{position}", op="IO Node",
                             input=[names[index]]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
