#!/usr/bin/env python3
"""The kit's FD-CMKD training step written in PyTorch eager: the peer side of `lib/bin/kit benchmark peer`.

One step, as dev.cmkd.bench.PeerBenchmark runs it on the kit's side (batch 64, 10 classes, random inputs):

  teacher   frozen ResNet (eval mode, no gradient) on the teacher input -> feature f_t [B, D]
  student   ResNet in training mode on the student input -> logits z [B, C], feature f_s [B, D]
  objective FD-CMKD with the kit's defaults (dev.cmkd.method.FdCmkd): band split over the D channels by the
            projection matrices P = Re(F^-1 M F) (cutoff 0.5, DC excluded; the kit's default path for pooled
            features), then
              task    CE(z, y)
              psiLow  CE(Psi_low(f_s^low), y)                psiHigh  CE(Psi_high(f_s^high), y)
              low     MSE(Std(f_s^low), Std(f_t^low))        high     MSE(g(Std(f_s^high)), g(Std(f_t^high)))
              phiLow  CE(Phi_low(f_s^low), y) + CE(Phi_low(f_t^low), y)      (phiHigh likewise)
            with Std per sample (zero mean, unit L2 norm, floor 1e-8), g(x) = sign(x) log(1 + |x|) and every head
            ReLU -> Linear(D, C); the total is the unweighted sum
  update    backward, SGD with momentum 0.9 and learning rate 0.01 (v = mu v + g, w = w - lr v), gradients cleared

The ResNet is the kit's (dev.cmkd.model.ResNet): stem ReLU(BN(conv7x7/2)) then maxpool3x3/2 (or, with the small-input
stem, ReLU(BN(conv3x3/1)) without pooling); stages of basic blocks with width * 2^(s-1) channels, stride 2 at the first
block of every stage but the first, a BN(conv1x1) shortcut where the shape changes; convolutions without bias; BN eps
1e-5, momentum 0.1; the distilled feature is the pooled output of the last block after its ReLU; the classifier is a
Linear on that feature. Written the way a PyTorch user would write it (torchvision style: in-place ReLU and residual
add, optimizer.zero_grad() setting gradients to None).

It prints one machine-readable line, which dev.cmkd.bench.PeerBenchmark parses:

  peer-result side=pytorch scale=<name> threads=<n> params=<trainable> teacher_params=<n> feature_dim=<D>
      terms=<name,...> peak_rss_kib=<VmHWM> step_s=<s,s,...>

Usage (Debian's python3-torch: environment/install-system-packages.sh golden):
  python3 peer_step.py --scale paper --steps 3 --warm-up 1 --threads 2
  python3 peer_step.py --scale embedded --steps 40
  python3 peer_step.py --student 1,8,8 --teacher 1,8,8 --width 4 --blocks 1,1 --small-input --steps 1   (smoke test)
"""
import argparse
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 64
CLASSES = 10
STANDARDIZE_EPS = 1e-8

# The scales of PeerBenchmark.SCALES: student input, teacher input, width, blocks per stage, small-input stem.
SCALES = {
    # The paper's CREMA-D networks: ResNet-18 on a 224 x 224 frame, ResNet-18 on a 257 x 188 spectrogram.
    "paper": ((3, 224, 224), (1, 257, 188), 64, (2, 2, 2, 2), False),
    # The main job's networks (AvMnistTtsTask.network, full profile): width 8, one block per stage, ImageNet stem.
    "embedded": ((1, 28, 28), (1, 40, 101), 8, (1, 1, 1, 1), False),
}


class BasicBlock(nn.Module):
    def __init__(self, in_ch, ch, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, ch, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(ch)
        self.downsample = None
        if stride != 1 or in_ch != ch:
            self.downsample = nn.Sequential(nn.Conv2d(in_ch, ch, 1, stride, 0, bias=False), nn.BatchNorm2d(ch))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)), inplace=True)
        y = self.bn2(self.conv2(y))
        y += x if self.downsample is None else self.downsample(x)
        return F.relu(y, inplace=True)


class ResNet(nn.Module):
    def __init__(self, in_ch, width, blocks, small_input, classes):
        super().__init__()
        if small_input:
            self.stem = nn.Sequential(nn.Conv2d(in_ch, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width),
                                      nn.ReLU(inplace=True))
        else:
            self.stem = nn.Sequential(nn.Conv2d(in_ch, width, 7, 2, 3, bias=False), nn.BatchNorm2d(width),
                                      nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        layers, ch_in = [], width
        for s, n in enumerate(blocks):
            ch = width << s
            for b in range(n):
                layers.append(BasicBlock(ch_in, ch, 2 if (s > 0 and b == 0) else 1))
                ch_in = ch
        self.layers = nn.Sequential(*layers)
        self.feature_dim = ch_in
        self.fc = nn.Linear(ch_in, classes)
        for m in self.modules():  # the kit's initialisation (ResNet class comment)
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.xavier_normal_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        feature = self.layers(self.stem(x)).mean(dim=(2, 3))  # post-ReLU pooled feature
        return self.fc(feature), feature


def low_count(n, ratio):
    """L = round(r * floor(n/2)), half away from zero as Java's Math.round for positive values."""
    return int(math.floor(ratio * (n // 2) + 0.5))


def projections(n, ratio=0.5):
    """The kit's projection matrices P = Re(F^-1 M F) of the low and high band (DC excluded), [n, n]."""
    freq = torch.minimum(torch.arange(n), n - torch.arange(n))
    cut = low_count(n, ratio)
    masks = {"low": ((freq >= 1) & (freq <= cut)).double(), "high": (freq > cut).double()}
    eye = torch.eye(n, dtype=torch.float64)
    return {name: torch.fft.ifft(torch.fft.fft(eye, dim=-1) * mask, dim=-1).real.float()
            for name, mask in masks.items()}


def standardize(x):
    c = x - x.mean(dim=1, keepdim=True)
    return c / torch.linalg.vector_norm(c, dim=1, keepdim=True).clamp(min=STANDARDIZE_EPS)


def signed_log(x):
    return torch.sign(x) * torch.log1p(torch.abs(x))


class FdCmkd(nn.Module):
    """The kit's FdCmkd with its defaults on pooled features (projection path)."""

    NAMES = ("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh")

    def __init__(self, dim, classes):
        super().__init__()
        for name, matrix in projections(dim).items():
            self.register_buffer("p_" + name, matrix)
        # nn.Linear's default initialisation: the kit's BandClassifier.
        self.heads = nn.ModuleDict({name: nn.Linear(dim, classes) for name in ("psiLow", "psiHigh", "phiLow",
                                                                               "phiHigh")})

    def head(self, name, band):
        return self.heads[name](F.relu(band))

    def forward(self, logits, fs, ft, y):
        terms = {"task": F.cross_entropy(logits, y)}
        for band, log_on in (("Low", False), ("High", True)):
            p = getattr(self, "p_" + band.lower())
            s, t = fs @ p, ft @ p
            terms["psi" + band] = F.cross_entropy(self.head("psi" + band, s), y)
            ss, st = standardize(s), standardize(t)
            if log_on:
                ss, st = signed_log(ss), signed_log(st)
            terms[band.lower()] = F.mse_loss(ss, st)
            terms["phi" + band] = (F.cross_entropy(self.head("phi" + band, s), y)
                                   + F.cross_entropy(self.head("phi" + band, t), y))
        return terms


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def triple(text):
    values = tuple(int(v) for v in text.split(","))
    if len(values) != 3:
        raise argparse.ArgumentTypeError("expected C,H,W, got " + text)
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="paper")
    parser.add_argument("--steps", type=int, default=3, help="timed steps")
    parser.add_argument("--warm-up", type=int, default=1, help="untimed steps first")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: PyTorch's default)")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--student", type=triple, help="student input C,H,W (overrides the scale's)")
    parser.add_argument("--teacher", type=triple, help="teacher input C,H,W (overrides the scale's)")
    parser.add_argument("--width", type=int, help="base width (overrides the scale's)")
    parser.add_argument("--blocks", help="blocks per stage, e.g. 2,2,2,2 (overrides the scale's)")
    parser.add_argument("--small-input", action="store_true", help="the 3x3 stride-1 stem without max-pool")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    student_in, teacher_in, width, blocks, small = SCALES[args.scale]
    student_in = args.student or student_in
    teacher_in = args.teacher or teacher_in
    width = args.width or width
    blocks = tuple(int(b) for b in args.blocks.split(",")) if args.blocks else blocks
    small = small or args.small_input
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    teacher = ResNet(teacher_in[0], width, blocks, small, CLASSES).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    student = ResNet(student_in[0], width, blocks, small, CLASSES).train()
    method = FdCmkd(student.feature_dim, CLASSES).train()
    trainable = [p for p in list(student.parameters()) + list(method.parameters()) if p.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=0.01, momentum=0.9)

    student_input = torch.randn(args.batch, *student_in)
    teacher_input = torch.randn(args.batch, *teacher_in)
    labels = torch.randint(0, CLASSES, (args.batch,))
    names = None

    def step():
        x, tx = student_input.clone(), teacher_input.clone()  # the kit copies its inputs into the step too
        with torch.no_grad():
            _, ft = teacher(tx)
        logits, fs = student(x)
        terms = method(logits, fs, ft, labels)
        total = sum(terms.values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        return list(terms), float(total)

    times = []
    for i in range(-args.warm_up, args.steps):
        start = time.perf_counter()
        names, total = step()
        elapsed = time.perf_counter() - start
        if not math.isfinite(total):
            raise SystemExit("peer_step: the loss is not finite: " + str(total))
        if i >= 0:
            times.append(elapsed)
        print("peer-progress side=pytorch step=%d/%d s=%.3f" % (i + 1, args.steps, elapsed), flush=True)
    print("peer-result side=pytorch scale=%s threads=%d params=%d teacher_params=%d feature_dim=%d terms=%s"
          " peak_rss_kib=%d step_s=%s" % (args.scale, torch.get_num_threads(), sum(p.numel() for p in trainable),
                                          sum(p.numel() for p in teacher.parameters()), student.feature_dim,
                                          ",".join(names), peak_rss_kib(), ",".join("%.6f" % t for t in times)),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
