"""Where `pianogen train` says it trains: the first line of its output names the GPUs TensorFlow sees, or the CPU.

This machine has no GPU, so the GPU branch is checked with TensorFlow's device listing replaced by one
GPU; the real GPU run (throughput against the CPU, mixed precision) is left to a machine that has one."""
import pytest

tf = pytest.importorskip('tensorflow')
from pianogen.train import device_line, get_strategy

class FakeGPU:
    name, device_type = '/physical_device:GPU:0', 'GPU'

def test_cpu_is_named():
    if tf.config.list_physical_devices('GPU'): pytest.skip('this machine has a GPU')
    assert device_line(get_strategy()) == 'on the CPU (no GPU found)'

def test_gpu_is_named(monkeypatch):
    monkeypatch.setattr(tf.config, 'list_physical_devices', lambda kind=None: [FakeGPU()] if kind in ('GPU', None) else [])
    monkeypatch.setattr(tf.config.experimental, 'get_device_details', lambda device: {'device_name': 'NVIDIA H200'})
    assert device_line(get_strategy()) == 'on 1 GPU (NVIDIA H200)'
    assert device_line(get_strategy(), mixed_precision=True) == 'on 1 GPU (NVIDIA H200), mixed_float16'
