"""Audio for narrated videos: decoding, EBU R128 loudness, the mixed track, AAC encoding.

PyAV, numpy and scipy only (no ffmpeg binary). Every track is 48 kHz; speech is kept mono
(float32 in [-1, 1]) and becomes stereo (the same signal on both channels) when encoded.

    speech = decode("recordings/cnn_forward_pass/01_task.wav")    # mono, 48 kHz
    speech = normalize(speech)                                     # -16 LUFS as stereo
    track = mix([(6.2, speech), (4.0, None)])                      # 10.2 s, speech at 0 s
    loudness(stereo(track))                                        # about -16.0
"""
from __future__ import annotations

import io
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import av
import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly

from rendering.files import atomic_write_bytes

#: the sample rate of every track (AAC-LC 48 kHz in every MP4)
RATE = 48_000
#: the loudness of every narrated video (EBU R128 for the web: -16 LUFS integrated)
TARGET_LUFS = -16.0
#: highest sample peak allowed after normalization (-1 dBFS)
PEAK = 10 ** (-1 / 20)
#: AAC bit rate of the stereo track
BITRATE = 128_000


# -- reading and writing ------------------------------------------------------------------------
def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono ``samples`` at ``rate`` Hz as mono at :data:`RATE`."""
    if rate == RATE:
        return samples.astype(np.float32)
    f = Fraction(RATE, rate)
    return resample_poly(samples, f.numerator, f.denominator).astype(np.float32)


def from_wav_bytes(data: bytes) -> np.ndarray:
    """A 16-bit PCM WAV (espeak-ng's ``--stdout``, piper) as mono float32 at :data:`RATE`."""
    with wave.open(io.BytesIO(data)) as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit PCM, got {8 * width}-bit")
    x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return resample(x.reshape(-1, ch).mean(axis=1), rate)


def decode(path: str | Path, channels: int = 1) -> np.ndarray:
    """Any audio file PyAV reads (WAV, MP3, M4A/AAC, FLAC...) at :data:`RATE`: mono float32
    (n,), or (n, 2) with ``channels=2`` (to measure a finished video's track as it plays)."""
    layout = "mono" if channels == 1 else "stereo"
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as c:
        if not c.streams.audio:
            raise ValueError(f"{path} has no audio stream")
        res = av.AudioResampler(format="flt", layout=layout, rate=RATE)
        for frame in c.decode(c.streams.audio[0]):
            chunks += [f.to_ndarray().reshape(-1) for f in res.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1) for f in res.resample(None)]
    flat = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return flat if channels == 1 else flat.reshape(-1, 2)  # packed flt: L R L R ...


def write_wav(path: str | Path, samples: np.ndarray) -> Path:
    """Mono float samples as a 16-bit WAV at :data:`RATE` (the speech cache's format)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return atomic_write_bytes(path, buf.getvalue())


def read_wav(path: str | Path) -> np.ndarray:
    return from_wav_bytes(Path(path).read_bytes())


# -- loudness (ITU-R BS.1770-4, as EBU R128 measures it) ----------------------------------------
#: K-weighting at 48 kHz: the high shelf, then the high pass (BS.1770-4, Table 1 and 2)
_SHELF = ([1.53512485958697, -2.69169618940638, 1.19839281085285],
          [1.0, -1.69065929318241, 0.73248077421585])
_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])


def stereo(samples: np.ndarray) -> np.ndarray:
    """Mono (n,) -> (n, 2), the same signal on both channels."""
    return np.repeat(samples.reshape(-1, 1), 2, axis=1)


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness in LUFS of (n,) mono or (n, channels) samples at :data:`RATE`:
    K-weighted mean square over 400 ms blocks (75% overlap), gated at -70 LUFS and then at
    10 LU below the mean. Silence (or under one block) gives -inf."""
    x = samples.reshape(len(samples), -1).astype(np.float64)
    y = lfilter(*_HIGHPASS, lfilter(*_SHELF, x, axis=0), axis=0)
    block, step = int(0.4 * RATE), int(0.1 * RATE)
    if len(y) < block:
        return float("-inf")
    power = np.cumsum(np.concatenate([np.zeros((1, y.shape[1])), y ** 2]), axis=0)
    starts = np.arange(0, len(y) - block + 1, step)
    z = ((power[starts + block] - power[starts]) / block).sum(axis=1)  # channel weights 1.0
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(z)
    z = z[lk > -70.0]
    if not len(z):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(z.mean()) - 10.0
    z = z[-0.691 + 10 * np.log10(z) > relative]
    return float(-0.691 + 10 * np.log10(z.mean()))


def limit(samples: np.ndarray, ceiling: float = PEAK, window: float = 0.005) -> np.ndarray:
    """Peaks brought down to ``ceiling`` by a gain that dips smoothly around them (a
    look-ahead limiter over ``window`` seconds), the rest untouched."""
    need = np.minimum(1.0, ceiling / (np.abs(samples) + 1e-12))
    if need.min() >= 1.0:
        return samples
    n = max(1, int(window * RATE))
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * n + 1), size=n)
    return (samples * np.minimum(gain, need)).astype(np.float32)


def _measure(samples: np.ndarray) -> float:
    """Loudness of mono speech played as stereo; speech under one 400 ms block is measured
    by its mean square as if it were one."""
    measured = loudness(stereo(samples))
    if not np.isfinite(measured):
        measured = -0.691 + 10 * np.log10(2 * float(np.mean(samples.astype(np.float64) ** 2)))
    return measured


def normalize(samples: np.ndarray, target: float = TARGET_LUFS) -> np.ndarray:
    """Mono speech scaled so that its stereo version measures ``target`` LUFS, peaks limited
    to -1 dBFS (:func:`limit`; a few rounds, since limiting lowers the loudness a little)."""
    x = samples.astype(np.float32)
    if not len(x) or not np.any(x):
        return x
    for _ in range(3):
        x = limit(x * np.float32(10 ** ((target - _measure(x)) / 20)))
    return x


# -- the track of one video ---------------------------------------------------------------------
def samples_for(seconds: float) -> int:
    return int(round(seconds * RATE))


def mix(parts: Sequence[tuple[float, Optional[np.ndarray]]]) -> np.ndarray:
    """One mono track: each part lasts its duration (s) and starts with its speech (or is
    silent); the track is exactly as long as the parts together (speech past its part's end
    is cut: the scenes make every part at least as long as its speech)."""
    starts = np.cumsum([0.0] + [d for d, _ in parts])
    out = np.zeros(samples_for(starts[-1]), np.float32)
    for (duration, speech), t in zip(parts, starts):
        if speech is None or not len(speech):
            continue
        a = samples_for(t)
        n = min(len(speech), samples_for(t + duration) - a, len(out) - a)
        out[a:a + n] += speech[:n]
    return out


def rms_per_second(samples: np.ndarray) -> np.ndarray:
    """RMS (dBFS) of every whole second: a quick look at where there is sound."""
    n = len(samples) // RATE
    x = samples[:n * RATE].reshape(n, RATE).astype(np.float64)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(np.mean(x ** 2, axis=1) + 1e-20)


# -- AAC ----------------------------------------------------------------------------------------
def add_aac_stream(container: Any) -> Any:
    """An AAC-LC 48 kHz stereo stream in an output ``container``."""
    stream = container.add_stream("aac", rate=RATE, layout="stereo")
    stream.bit_rate = BITRATE
    return stream


def encode_aac(stream: Any, samples: np.ndarray) -> list[Any]:
    """Every AAC packet of mono ``samples`` (played as stereo) encoded by ``stream``. The
    muxer's edit list hides the encoder's priming, so the track lasts exactly as long as the
    samples."""
    planes = np.ascontiguousarray(stereo(samples).T.astype(np.float32))
    packets: list[Any] = []
    size = stream.codec_context.frame_size or 1024
    for pos in range(0, planes.shape[1], size):
        frame = av.AudioFrame.from_ndarray(planes[:, pos:pos + size], format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = RATE, pos, Fraction(1, RATE)
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return packets


def interleave(video: Iterator[Any], audio: Sequence[Any]) -> Iterator[Any]:
    """Video packets with the audio packets put in by time (what an MP4 player expects)."""
    pending = list(audio)
    i = 0
    for pkt in video:
        t = float(pkt.dts * pkt.time_base) if pkt.dts is not None else 0.0
        while i < len(pending) and float(pending[i].dts * pending[i].time_base) <= t:
            yield pending[i]
            i += 1
        yield pkt
    yield from pending[i:]


__all__ = ["BITRATE", "PEAK", "RATE", "TARGET_LUFS", "add_aac_stream", "decode", "encode_aac",
           "from_wav_bytes", "interleave", "limit", "loudness", "mix", "normalize", "read_wav",
           "resample", "rms_per_second", "samples_for", "stereo", "write_wav"]
