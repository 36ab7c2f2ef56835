#!/usr/bin/python3
"""Golden values for the audio front-ends of dev.cmkd.data.audio, from independent implementations.

Run with Debian's interpreter (bookworm: python3-numpy, python3-torch, python3-scipy):

    apt-get install --no-install-recommends python3-numpy python3-torch python3-scipy
    /usr/bin/python3 lib/src/test/python/make_audio_golden.py

It writes
  lib/src/test/resources/golden/audio/{tone,chirp,noise,silence}.wav   (16 kHz mono 16-bit PCM, 1 s)
  lib/src/test/resources/golden/audio_golden.json                    (cases, expected values, tolerances)
read by dev.cmkd.data.audio.AudioGoldenTest. The WAVs are written with Python's `wave` module (not with the
Java writer), so the Java test also checks dev.cmkd.data.audio.Wav's reader: every reference below starts from
the int16 samples divided by 32768.

References (none copies the Java code):
  * LogMel (data.md section 4): torch.stft(x, n_fft, hop, window=torch.hann_window(n_fft, periodic=True),
    center=True, pad_mode='reflect', return_complex=True), power |X|^2; the HTK mel filter bank written here
    in numpy from data.md's formula (np.linspace of n_mels + 2 mel points, weights max(0, min(up, down)),
    no area normalisation); log(FB @ P + floor).
  * LogSpectrogram, scipy convention: scipy.signal.spectrogram(x, fs, window, nperseg, noverlap, nfft,
    detrend, scaling='density', mode='psd'), then log(S + offset), optionally (L - mean) / (std + 1e-9)
    with np.mean / np.std over the whole clip (FD-CMKD's released CREMA-D code).
  * LogSpectrogram, librosa/torch convention: torch.stft(center=True, pad_mode='constant' or 'reflect'),
    then log(|X| + offset) (C2KD's VGGSound code uses librosa 0.10's stft, whose default pad mode is
    'constant') or log(|X|^2 + offset).
All reference arithmetic is float64; expected values are stored as float32 (little-endian, base64).

Tolerance (abs, on log values): 1e-4. Both sides compute in float64 from the same int16 samples, so the
only differences are FFT rounding (about 1e-13 relative on a spectrum; after the log it is divided by
S + offset, which stays tiny even in the floor-dominated bins of silence and of a pure tone) and the float32
rounding of the Java output and of the stored expected values (at most about 1e-6 for |value| < 25).
1e-4 leaves about two orders of magnitude of margin; the script prints the largest |float32(ref) - ref|.
"""

import base64
import json
import math
import os
import platform
import wave

import numpy as np
import scipy
import scipy.signal
import torch

SR = 16000
SEED = 20251125
TOLERANCE = 1e-4
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, os.pardir, "resources", "golden")
AUDIO_DIR = os.path.join(GOLDEN, "audio")


def signals():
    """Four 1 s test signals at 16 kHz, as float64 in [-1, 1]."""
    t = np.arange(SR) / SR
    rng = np.random.default_rng(SEED)
    f0, f1 = 100.0, 7000.0
    return {
        "tone": 0.5 * np.sin(2 * np.pi * 1000.0 * t),
        "chirp": 0.5 * np.sin(2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t * t)),
        "noise": np.clip(rng.normal(0.0, 0.2, SR), -1.0, 1.0),
        "silence": np.zeros(SR),
    }


def to_int16(x):
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")


def write_wav(path, pcm):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def hann_torch(n):
    return torch.hann_window(n, periodic=True, dtype=torch.float64)


def mel_bank(sr, n_fft, n_mels, f_min, f_max):
    """HTK mel filter bank [n_mels, n_fft // 2 + 1], data.md section 4, written in numpy."""
    def to_mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def to_hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    edges = to_hz(np.linspace(to_mel(f_min), to_mel(f_max), n_mels + 2))
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None, :] - lower) / (centre - lower)
    down = (upper - freqs[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(up, down))


def ref_log_mel(x, p):
    spec = torch.stft(torch.from_numpy(x), n_fft=p["fftSize"], hop_length=p["hop"], win_length=p["fftSize"],
                      window=hann_torch(p["fftSize"]), center=True, pad_mode="reflect", return_complex=True)
    power = (spec.abs() ** 2).numpy()
    bank = mel_bank(p["sampleRate"], p["fftSize"], p["melBands"], p["fMin"], p["fMax"])
    return np.log(bank @ power + p["logFloor"])


def scipy_window(p):
    kind = p["window"]
    if kind == "hann":
        return "hann"
    if kind == "rectangular":
        return "boxcar"
    return ("tukey", p["alpha"])


def ref_log_stft(x, p):
    if p["padding"] == "none":
        # scipy.signal.spectrogram; only the scipy convention is generated with padding 'none'
        assert p["spectrum"] == "density"
        _, _, s = scipy.signal.spectrogram(
            x, fs=p["sampleRate"], window=scipy_window(p), nperseg=p["segmentLength"],
            noverlap=p["segmentLength"] - p["hop"], nfft=p["fftSize"],
            detrend="constant" if p["detrend"] == "constant" else False,
            return_onesided=True, scaling="density", mode="psd")
    else:
        # torch.stft, centred frames; only segmentLength == fftSize and no detrend are generated here
        assert p["segmentLength"] == p["fftSize"] and p["detrend"] == "none"
        window = torch.from_numpy(np.asarray(scipy.signal.get_window(scipy_window(p), p["fftSize"]),
                                             dtype=np.float64))
        spec = torch.stft(torch.from_numpy(x), n_fft=p["fftSize"], hop_length=p["hop"],
                          win_length=p["fftSize"], window=window, center=True,
                          pad_mode="constant" if p["padding"] == "zero" else "reflect",
                          return_complex=True).abs().numpy()
        s = {"magnitude": spec, "power": spec ** 2}[p["spectrum"]]
    out = np.log(s + p["logOffset"])
    if p["standardizePerClip"]:
        out = (out - np.mean(out)) / (np.std(out) + 1e-9)
    return out


LOG_MEL_DEFAULT = {"sampleRate": 16000, "fftSize": 400, "hop": 160, "melBands": 40, "fMin": 20.0,
                   "fMax": 8000.0, "logFloor": 1e-6}
LOG_MEL_OTHER = {"sampleRate": 16000, "fftSize": 512, "hop": 128, "melBands": 64, "fMin": 0.0,
                 "fMax": 7600.0, "logFloor": 1e-10}
CREMA_D = {"sampleRate": 22050, "segmentLength": 512, "fftSize": 512, "hop": 159, "window": "tukey",
           "alpha": 0.25, "padding": "none", "detrend": "constant", "spectrum": "density",
           "logOffset": 1e-7, "standardizePerClip": True}
VGGSOUND = {"sampleRate": 16000, "segmentLength": 256, "fftSize": 256, "hop": 128, "window": "hann",
            "padding": "zero", "detrend": "none", "spectrum": "magnitude", "logOffset": 1e-7,
            "standardizePerClip": False}


def cases():
    """(name, signal, number of leading samples used, front-end, parameters)."""
    out = []
    for s in ("tone", "chirp", "noise", "silence"):
        out.append(("log-mel/default/" + s, s, SR, "log-mel", LOG_MEL_DEFAULT))
    out.append(("log-mel/fft512-64bands/chirp", "chirp", SR, "log-mel", LOG_MEL_OTHER))
    for s in ("tone", "chirp", "noise", "silence"):
        out.append(("log-stft/crema-d/" + s, s, 4000, "log-stft", CREMA_D))
    out.append(("log-stft/crema-d-unstandardized/noise", "noise", 4000, "log-stft",
                dict(CREMA_D, standardizePerClip=False)))
    for s in ("tone", "chirp", "noise", "silence"):
        out.append(("log-stft/vggsound/" + s, s, 4000, "log-stft", VGGSOUND))
    out.append(("log-stft/scipy-hann-nfft401-nodetrend/noise", "noise", 3000, "log-stft",
                {"sampleRate": 8000, "segmentLength": 300, "fftSize": 401, "hop": 200, "window": "hann",
                 "padding": "none", "detrend": "none", "spectrum": "density", "logOffset": 1e-7,
                 "standardizePerClip": False}))
    out.append(("log-stft/scipy-boxcar-detrend/tone", "tone", 4000, "log-stft",
                {"sampleRate": 16000, "segmentLength": 256, "fftSize": 256, "hop": 256,
                 "window": "rectangular", "padding": "none", "detrend": "constant", "spectrum": "density",
                 "logOffset": 1e-7, "standardizePerClip": False}))
    out.append(("log-stft/torch-tukey0.5-reflect-power/chirp", "chirp", 4000, "log-stft",
                {"sampleRate": 16000, "segmentLength": 400, "fftSize": 400, "hop": 160, "window": "tukey",
                 "alpha": 0.5, "padding": "reflect", "detrend": "none", "spectrum": "power",
                 "logOffset": 1e-6, "standardizePerClip": False}))
    return out


def main():
    os.makedirs(AUDIO_DIR, exist_ok=True)
    pcm = {name: to_int16(x) for name, x in signals().items()}
    for name, samples in pcm.items():
        write_wav(os.path.join(AUDIO_DIR, name + ".wav"), samples)
    inputs = {name: samples.astype(np.float64) / 32768.0 for name, samples in pcm.items()}

    records = []
    worst_storage = 0.0
    for name, signal, length, front_end, params in cases():
        x = inputs[signal][:length]
        ref = ref_log_mel(x, params) if front_end == "log-mel" else ref_log_stft(x, params)
        stored = ref.astype("<f4")
        worst_storage = max(worst_storage, float(np.max(np.abs(stored.astype(np.float64) - ref))))
        records.append({
            "name": name, "signal": signal, "samples": length, "frontEnd": front_end, "parameters": params,
            "shape": list(ref.shape),
            "expected": base64.b64encode(np.ascontiguousarray(stored).tobytes()).decode("ascii"),
        })
        print(f"{name:48s} {str(ref.shape):12s} min {ref.min():9.4f} max {ref.max():9.4f}")

    fixture = {
        "meta": {
            "generator": "lib/src/test/python/make_audio_golden.py",
            "python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
            "scipy": scipy.__version__,
            "tolerance": {"abs": TOLERANCE, "on": "log values (and standardised log values)"},
            "float32StorageMaxError": worst_storage,
            "signals": "1 s at 16 kHz, 16-bit PCM in audio/<name>.wav: tone 1000 Hz amplitude 0.5; linear "
                       "chirp 100 -> 7000 Hz amplitude 0.5; Gaussian noise sigma 0.2 (numpy default_rng("
                       + str(SEED) + ")) clipped to [-1, 1]; silence. Input = int16 / 32768. A case uses the "
                       "first 'samples' samples.",
            "layout": "expected: float32 little-endian base64, row-major [rows (mel bands or bins), frames]",
        },
        "signals": {name: {"wav": "audio/" + name + ".wav", "sampleRate": SR, "samples": SR} for name in pcm},
        "cases": records,
    }
    with open(os.path.join(GOLDEN, "audio_golden.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("largest float32 storage error:", worst_storage)


if __name__ == "__main__":
    main()
