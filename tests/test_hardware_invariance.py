"""Invariance of the claims under a change of device (the generalization
issue's test, for hardware): swapping the device of a sentence for another
of its family, or for an invented model number of that family, leaves every
claim's type, value, factor and form as they were, and the claims' hardware
and the hardware mentions follow the new device."""
import pytest

from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import default

# How a device is written, and its canonical name; the first of each family is
# the reference, the others (real and invented model numbers) are swapped in.
FAMILIES = {
    "nvidia.rtx": [("RTX 4090", "NVIDIA RTX 4090"), ("GeForce RTX 3080 Ti", "NVIDIA RTX 3080 Ti"),
                   ("RTX 6070", "NVIDIA RTX 6070"), ("NVIDIA RTX 7090D", "NVIDIA RTX 7090D")],
    "nvidia.datacenter": [("A100", "NVIDIA A100"), ("NVIDIA H100 SXM5", "NVIDIA H100"),
                          ("A100-80GB", "NVIDIA A100"), ("B700", "NVIDIA B700")],
    "nvidia.jetson": [("Jetson AGX Orin", "NVIDIA Jetson AGX Orin"), ("Jetson Orin Nano", "NVIDIA Jetson Orin Nano"),
                      ("Jetson Thor NX", "NVIDIA Jetson Thor NX"),
                      ("NVIDIA Jetson Zeta AGX", "NVIDIA Jetson Zeta AGX")],
    "amd.instinct": [("MI250X", "AMD MI250X"), ("AMD Instinct MI300A", "AMD MI300A"), ("MI455X", "AMD MI455X")],
    "google.tpu": [("TPU v4", "Google TPU v4"), ("TPUv6e", "Google TPU v6e"), ("Cloud TPU v9p", "Google TPU v9p")],
    "arm.cortex_a": [("Cortex-A53", "Arm Cortex-A53"), ("ARM Cortex-A78AE", "Arm Cortex-A78AE"),
                     ("Cortex-A990", "Arm Cortex-A990")],
    "stm32": [("STM32F746", "STMicroelectronics STM32F746"), ("STM32H7B3", "STMicroelectronics STM32H7B3"),
              ("STM32Q9Z1", "STMicroelectronics STM32Q9Z1")],
    "xilinx.board": [("Xilinx ZCU104", "Xilinx ZCU104"), ("Xilinx KV260", "Xilinx KV260"),
                     ("Xilinx VCK990", "Xilinx VCK990")],
    "huawei.ascend": [("Ascend 910B", "Huawei Ascend 910B"), ("Ascend 300I Duo", "Huawei Ascend 300I Duo"),
                      ("Huawei Ascend 990C", "Huawei Ascend 990C")],
    "qualcomm.snapdragon": [("Snapdragon 8 Gen 3", "Qualcomm Snapdragon 8 Gen 3"),
                            ("Snapdragon 888", "Qualcomm Snapdragon 888"),
                            ("Snapdragon 8 Gen 9", "Qualcomm Snapdragon 8 Gen 9")],
    "raspberry_pi": [("Raspberry Pi 4", "Raspberry Pi 4"), ("Raspberry Pi 5", "Raspberry Pi 5"),
                     ("Raspberry Pi 8", "Raspberry Pi 8")],
}

# Sentences with one device, whose claims were measured on it ({dev}).
TEMPLATES = [
    "On the {dev}, Lumo runs 2.85x faster than cuDNN and cuts memory by 41%.",
    "We use the {dev} as testbed. Fennec is 3.1x faster than TVM and reaches 1,200 tokens/s.",
    "Tessel reduces latency by 37% on the {dev}, with 2.5x less energy than Orca.",
    "Experiments on the {dev} show that Oriel achieves 30 FPS, a 4.2x speedup over PyTorch.",
    "Quokka is deployed on the {dev}. It needs 12 ms per image and 2.1 W.",
]

CASES = [pytest.param(t, fam, swap, id=f"{fam}#{i}:{swap[0]}")
         for fam, devs in FAMILIES.items() for swap in devs[1:] for i, t in enumerate(TEMPLATES)]


def _extract(text):
    return extract(Paper("0" * 16, "t", text, ["invariance"]), default())


@pytest.mark.parametrize("template, family, swap", CASES)
def test_swapping_a_device_keeps_the_claims_and_moves_the_hardware(template, family, swap):
    ref_written, ref_name = FAMILIES[family][0]
    written, name = swap
    ref, got = _extract(template.format(dev=ref_written)), _extract(template.format(dev=written))
    assert ref.claims, "the template must give claims"
    assert [(c.claim_type, c.value, c.factor, c.form) for c in got.claims] == \
        [(c.claim_type, c.value, c.factor, c.form) for c in ref.claims]
    assert [c.hardware for c in ref.claims] == [ref_name] * len(ref.claims)
    assert [c.hardware for c in got.claims] == [name] * len(got.claims)
    assert [h.hardware for h in ref.hardware] == [ref_name] * len(ref.hardware)
    assert [h.hardware for h in got.hardware] == [name] * len(got.hardware) and got.hardware
    assert {(h.vendor, h.kind) for h in got.hardware} == {(h.vendor, h.kind) for h in ref.hardware}
