"""Parity fixtures for the vision model zoo against torchvision 0.14: every model's state-dict names and shapes and
its printed form, and forward outputs (plus gradients in training mode) with the same weights on both sides.

The weights are not stored (VGG alone has 130M of them): both sides fill every state-dict entry, in order, from the
same integer hash of its position (exact in int64 and float64), so they are identical without a file.
Run with Debian's torch: /usr/bin/python3 tests/parity/zoo.py
"""
import math

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

import nn_rnn_modules
from fixture import Fixture, rand

f = Fixture("zoo")


def fill(model):
    """Deterministic weights: h = (i * 40503 + k * 9973) mod 65536 for element i of entry k, v = h / 32768 - 1."""
    with torch.no_grad():
        for k, (name, t) in enumerate(model.state_dict().items()):
            if name.endswith("num_batches_tracked"):
                continue
            n = t.numel()
            h = (torch.arange(n, dtype=torch.int64) * 40503 + k * 9973) % 65536
            v = (h.double() - 32768) / 32768
            if name.endswith("running_var"):
                val = 1 + 0.25 * (v + 1)
            elif name.endswith("running_mean"):
                val = 0.1 * v
            elif t.dim() >= 2:
                val = v * math.sqrt(6.0 / (n // t.shape[0]))
            elif name.endswith("weight"):
                val = 1 + 0.1 * v
            else:
                val = 0.1 * v
            t.copy_(val.reshape(t.shape).to(t.dtype))


# The seeds' LeNet and the U-Net (milesial/Pytorch-UNet's layout, width as a parameter), as Flint defines them.
class LeNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, x[0].numel())
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        mid = mid_channels or out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_channels, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True))

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        diff_y, diff_x = x2.size()[2] - x1.size()[2], x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diff_x // 2, diff_x - diff_x // 2, diff_y // 2, diff_y - diff_y // 2])
        return self.conv(torch.cat([x2, x1], dim=1))


class OutConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, n_channels, n_classes, bilinear=False, base_channels=64):
        super().__init__()
        c, factor = base_channels, 2 if bilinear else 1
        self.inc = DoubleConv(n_channels, c)
        self.down1, self.down2, self.down3 = Down(c, 2 * c), Down(2 * c, 4 * c), Down(4 * c, 8 * c)
        self.down4 = Down(8 * c, 16 * c // factor)
        self.up1 = Up(16 * c, 8 * c // factor, bilinear)
        self.up2 = Up(8 * c, 4 * c // factor, bilinear)
        self.up3 = Up(4 * c, 2 * c // factor, bilinear)
        self.up4 = Up(2 * c, c, bilinear)
        self.outc = OutConv(c, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


tv = torchvision.models
BUILDERS = {
    "lenet": lambda **kw: LeNet(**kw), "alexnet": tv.alexnet,
    "vgg11": tv.vgg11, "vgg11_bn": tv.vgg11_bn, "vgg13": tv.vgg13, "vgg13_bn": tv.vgg13_bn,
    "vgg16": tv.vgg16, "vgg16_bn": tv.vgg16_bn, "vgg19": tv.vgg19, "vgg19_bn": tv.vgg19_bn,
    "resnet18": tv.resnet18, "resnet34": tv.resnet34, "resnet50": tv.resnet50, "resnet101": tv.resnet101,
    "resnet152": tv.resnet152, "resnext50_32x4d": tv.resnext50_32x4d, "wide_resnet50_2": tv.wide_resnet50_2,
    "unet": lambda **kw: UNet(3, 2, **kw),
}

# 1. Names and shapes of every state-dict entry, and the printed module, at the default settings.
for arch, build in BUILDERS.items():
    for kw in ([{}, {"bilinear": True}] if arch == "unet" else [{}]):
        torch.manual_seed(0)
        m = build(**kw)
        entries = [[n, list(t.shape)] for n, t in m.state_dict().items()]
        id = f"names/{arch}" + ("/bilinear" if kw else "")
        f.cases.append({"id": id, "arch": arch, "kwargs": kw, "state_dict": entries, "repr": repr(m),
                        "num_parameters": sum(p.numel() for p in m.parameters())})
        del m


# 2. Forward (and, in training, backward) with the deterministic weights.
def forward_case(arch, kw, size, train, grads=(), dtype=torch.float32):
    torch.manual_seed(0)
    m = BUILDERS[arch](**kw)
    fill(m)
    channels = 1 if arch == "lenet" else 3
    x = rand(2, channels, size, size)

    def run(mod, lv):
        return [mod(lv["x"])]

    id = f"forward/{arch}/{'train' if train else 'eval'}" + "".join(f"/{k}={v}" for k, v in kw.items()) + \
        ("/f64" if dtype == torch.float64 else "")
    # The weights are recreated on the C# side; of their gradients, a few named ones are kept.
    nn_rnn_modules.module_case(f, id, arch, dict(kw, size=size), m, {"x": x}, run, dtype, train, store_params=False,
                               grad_names=grads)


forward_case("lenet", {}, 32, True, ["conv1.weight", "fc3.weight"])
forward_case("alexnet", {"num_classes": 10}, 64, False, ["features.0.weight", "classifier.6.weight"])
forward_case("vgg11", {"num_classes": 10}, 32, False, ["features.0.weight", "classifier.6.weight"])
forward_case("resnet18", {"num_classes": 10}, 64, True, ["conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer4.1.bn2.weight", "fc.weight"])
forward_case("resnet18", {"num_classes": 10}, 64, False, ["layer2.0.downsample.0.weight", "fc.bias"])
forward_case("resnet34", {"num_classes": 10}, 64, False, ["fc.weight"])
forward_case("resnet50", {"num_classes": 10}, 64, False, ["conv1.weight", "layer1.0.conv3.weight", "layer3.2.bn2.bias", "fc.weight"])
forward_case("resnet101", {"num_classes": 10}, 64, False, [])
forward_case("resnet152", {"num_classes": 10}, 32, False, [])
forward_case("resnext50_32x4d", {"num_classes": 10}, 32, False, ["layer1.0.conv2.weight"])
forward_case("wide_resnet50_2", {"num_classes": 10}, 32, False, [])
forward_case("unet", {"base_channels": 8}, 64, False, ["inc.double_conv.0.weight", "up1.up.weight", "outc.conv.bias"])
forward_case("unet", {"base_channels": 8, "bilinear": True}, 36, True, ["up4.conv.double_conv.3.weight"])
forward_case("unet", {"base_channels": 8, "bilinear": True}, 20, False, [])
forward_case("unet", {"base_channels": 8}, 32, True, ["inc.double_conv.0.weight", "up1.up.weight"], torch.float64)
forward_case("resnet18", {"num_classes": 10}, 64, True, ["conv1.weight", "fc.weight"], torch.float64)
forward_case("resnet50", {"num_classes": 10}, 64, True, ["layer1.0.conv3.weight", "fc.bias"], torch.float64)

f.save()
