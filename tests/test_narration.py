"""Narration: the words, the voices (espeak-ng, piper, recordings), pacing to the speech,
the audio track of every MP4, its loudness, the speech cache and the transcript.

Renders use the tiny dummy scenes of tests/test_render.py (160x90, 5 fps); speech in tests is
espeak-ng on short text, or tones written as WAV/M4A files standing in for recordings."""
from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from contract import lecture as config
from contract.manifest import load_manifest
from rendering import keys, media, render, subtitles
from rendering.narration import audio, engines, narrator
from scenes import speech_pacing as timing
from scenes import spoken as text
from rendering.narrate import format_script
from rendering.narration.transcript import Part, Passage, format_transcript
from tests.test_incremental import drawn  # noqa: F401
from tests.test_render import fake_registry, lecture_files, only_dummy, scene_data  # noqa: F401

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (tools/system-packages.txt)")


def tone(seconds: float, rate: int = 22050) -> np.ndarray:
    """A 'voice' standing in for speech: a 220 Hz tone, syllable-like bursts of 4 per second."""
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = 22050) -> Path:
    import wave
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def write_m4a(path: Path, samples: np.ndarray, rate: int = 44100) -> Path:
    """An AAC .m4a file, as a phone's voice recorder makes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("aac", rate=rate, layout="mono")
        for pos in range(0, len(samples), 1024):
            f = av.AudioFrame.from_ndarray(samples[None, pos:pos + 1024], format="fltp", layout="mono")
            f.sample_rate, f.pts, f.time_base = rate, pos, Fraction(1, rate)
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def narrated(lecture_yaml: Path, block: str) -> None:
    """Give the test lecture a ``narration:`` block (YAML flow mapping)."""
    only_dummy(lecture_yaml)
    lecture_yaml.write_text(lecture_yaml.read_text() + f"narration: {block}\n")


def record(folder: Path, task: float = 8.0, pixels: float = 1.0) -> None:
    """Recordings for the dummy lecture: the title, an 8 s task (WAV) and pixels (M4A)."""
    write_wav(folder / "title_card" / "01_title.wav", tone(0.8))
    write_wav(folder / "cnn_forward_pass" / "01_task.wav", tone(task))
    write_m4a(folder / "cnn_forward_pass" / "02_pixels.m4a", tone(pixels, 44100))


# -- words --------------------------------------------------------------------------------------
def test_words_default_to_captions_and_the_title_card_is_said() -> None:
    en = config.load_lecture(config.DEFAULT_PATH)
    zh = config.load_lecture(config.DEFAULT_PATH.parent / "zh.yaml")
    assert text.template(en, "cnn_forward_pass", "relu") == en.cnn_forward_pass.captions["relu"]
    assert text.template(zh, "cnn_forward_pass", "relu").startswith("ReLU 保留正值")
    assert text.title_words(en).startswith("Deep Learning for Computer Vision. Inside a CNN")
    assert text.title_words(zh) == "计算机视觉中的深度学习。走进卷积神经网络，并教它说“我不知道”。"
    assert text.spoken_form("a 28 × 28 grid, −0.03, rows 3–10") == "a 28 by 28 grid, minus 0.03, rows 3 to 10"


def test_narration_text_overrides_the_caption(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text("cnn_forward_pass:\n  narration:\n    relu: \"Negative values become zero.\"\n")
    lecture = config.load_lecture(p)
    assert text.template(lecture, "cnn_forward_pass", "relu") == "Negative values become zero."
    assert text.template(lecture, "cnn_forward_pass", "task") == lecture.cnn_forward_pass.captions["task"]


def test_bad_narration_blocks_are_refused_with_their_lines(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text("narration:\n  engine: festival\n  speed: 9\ncnn_forward_pass:\n"
                 "  narration:\n    relux: \"x\"\n")
    with pytest.raises(config.LectureError) as err:
        config.load_lecture(p)
    msg = str(err.value)
    assert f"{p}:2: narration.engine: 'festival' is not one of none, espeak, piper, recorded" in msg
    assert f"{p}:3: narration.speed: 9 is out of range" in msg
    assert f"{p}:6: cnn_forward_pass.narration.relux: unknown section 'relux'" in msg and "'relu'" in msg


def test_missing_piper_voice_is_named(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text("narration:\n  engine: piper\n  voice: voices/me.onnx\n")
    with pytest.raises(config.LectureError) as err:
        config.load_lecture(p)
    assert f"{p}:3: narration.voice: no such voice file: {tmp_path / 'voices' / 'me.onnx'}" in str(err.value)
    p.write_text("narration:\n  engine: piper\n")
    with pytest.raises(config.LectureError, match="piper needs a voice model file"):
        config.load_lecture(p)


def test_piper_without_its_config_or_package_says_what_is_missing(tmp_path: Path) -> None:
    model = tmp_path / "me.onnx"
    model.write_bytes(b"not a real model")
    with pytest.raises(engines.NarrationError, match=r"piper voice file not found: .*me\.onnx\.json"):
        engines.Piper(str(model), 1.0)
    (tmp_path / "me.onnx.json").write_text("{}")
    try:
        import piper  # noqa: F401
    except ImportError:
        with pytest.raises(engines.NarrationError, match="needs the piper-tts package"):
            engines.Piper(str(model), 1.0)
    else:
        pytest.skip("piper-tts is installed: the missing-package error cannot be shown")


# -- espeak-ng ----------------------------------------------------------------------------------
@needs_espeak
def test_mandarin_is_read_as_mandarin_syllables_not_tone_numbers() -> None:
    # Debian 12's "-v cmn" spells the characters as pinyin read as English: 卷 -> "juan three"
    raw = subprocess.run(["espeak-ng", "-v", "cmn", "-q", "-x", "卷积"], capture_output=True,
                         text=True).stdout
    assert "(en)" in raw and "Tr'i:" in raw  # "three": the tone number read aloud
    zh = engines.Espeak(None, "zh", 1.0)
    said = zh.phonemes("卷积神经网络的准确率为 98.6%，EDL 模型用 softmax。")
    # juǎn jī shén jīng wǎng luò with their tone contours, 98.6 with its 点 (t'iE21n)
    assert said.split("_|")[:6] == ["tS;'y&21n", " tS;'i55", " s.'@35n", " tS;'i55N", " w'A21N",
                                    " l'uo51"]
    assert "t'iE21n" in said and "p'ai21" in said  # 点, 百 (分之)
    assert "Tr'i:" not in said and "(en)" not in said  # no English digits or pinyin-as-English
    assert "s'O2ftmaks" in said and "'i: d'i:; 'El" in said  # Latin words in English, EDL spelt


@needs_espeak
def test_chinese_narration_produces_speech() -> None:
    speech = engines.Espeak(None, "zh", 1.0).say("卷积神经网络。准确率为 98.6%。")
    assert [s[0] for s in speech.sentences] == ["卷积神经网络。", "准确率为 98.6%。"]
    assert speech.duration > 2.0
    loud = audio.rms_per_second(speech.samples)
    assert (loud > -35).sum() >= 2  # seconds with a voice in them
    assert audio.loudness(audio.stereo(speech.samples)) == pytest.approx(-16.0, abs=0.6)


@needs_espeak
def test_english_speech_sentence_times_and_speed() -> None:
    slow = engines.Espeak(None, "en", 1.0).say("It wins. Good.")
    fast = engines.Espeak(None, "en", 1.5).say("It wins. Good.")
    (a, a0, a1), (b, b0, b1) = slow.sentences
    assert (a, b) == ("It wins.", "Good.") and a0 == 0 and b0 == pytest.approx(a1 + engines.GAP)
    assert b1 == pytest.approx(slow.duration) and fast.duration < slow.duration


def test_zh_numbers_keep_their_point() -> None:
    assert engines.zh_numbers("准确率 98.6%，u = 0.93，1/4") == "准确率 百分之98点六，u = 0点九三，4分之1"


# -- loudness and pacing ------------------------------------------------------------------------
def test_loudness_matches_ffmpeg_ebur128() -> None:
    """Our BS.1770 measure against FFmpeg's ebur128 filter on the same signal."""
    x = np.concatenate([audio.resample(tone(3.0), 22050), np.zeros(audio.RATE, np.float32)])
    ours = audio.loudness(audio.stereo(x))
    graph = av.filter.Graph()
    src = graph.add_abuffer(format="fltp", sample_rate=audio.RATE, layout="stereo", time_base=Fraction(1, audio.RATE))
    meter = graph.add("ebur128", "metadata=1")
    sink = graph.add("abuffersink")
    src.link_to(meter)
    meter.link_to(sink)
    graph.configure()
    planes = np.ascontiguousarray(audio.stereo(x).T)
    values: list[float] = []
    for pos in range(0, planes.shape[1], 4800):
        f = av.AudioFrame.from_ndarray(planes[:, pos:pos + 4800], format="fltp", layout="stereo")
        f.sample_rate, f.pts, f.time_base = audio.RATE, pos, Fraction(1, audio.RATE)
        graph.push(f)
        while True:
            try:
                out = graph.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                break
            if "lavfi.r128.I" in out.metadata:
                values.append(float(out.metadata["lavfi.r128.I"]))
    assert values and ours == pytest.approx(values[-1], abs=0.2)
    assert audio.loudness(audio.stereo(audio.normalize(x))) == pytest.approx(-16.0, abs=0.05)


def test_stretch_and_hold() -> None:
    assert timing.stretch(body=6.0, speech=9.0) == pytest.approx(9.5 / 6.0)
    assert timing.stretch(body=6.0, speech=3.0) == 1.0
    assert timing.stretch(body=1.0, speech=8.0) == timing.MAX_STRETCH  # waiting does the rest
    assert timing.remaining(elapsed=2.0, speech=8.0) == pytest.approx(6.5)
    assert timing.remaining(elapsed=9.0, speech=8.0) == 0.0


def test_mix_places_speech_at_each_part_and_keeps_the_length() -> None:
    one = np.ones(audio.RATE, np.float32)
    track = audio.mix([(2.0, one), (1.5, None), (1.0, one * 0.5)])
    assert len(track) == int(4.5 * audio.RATE)
    assert track[:audio.RATE].min() == 1 and not track[audio.RATE:int(3.5 * audio.RATE)].any()
    assert track[-1] == 0.5


# -- keys ---------------------------------------------------------------------------------------
def test_silent_keys_are_unchanged_and_speech_keys_follow_the_words(tmp_path: Path) -> None:
    names = ["task", "pixels"]
    reads = {"": [], "task": [], "pixels": []}
    assert keys.section_keys("b", names, reads, {}) == keys.section_keys("b", names, reads, {}, {})
    silent = config.load_lecture(config.DEFAULT_PATH)
    assert narrator.narration_keys(silent, "cnn_forward_pass", names, names) == {}
    p = tmp_path / "l.yaml"
    p.write_text("narration: {engine: espeak}\n")
    before = narrator.narration_keys(config.load_lecture(p), "cnn_forward_pass", names, names)
    p.write_text("narration: {engine: espeak}\ncnn_forward_pass:\n  narration:\n"
                 "    pixels: \"A grid of numbers.\"\n")
    after = narrator.narration_keys(config.load_lecture(p), "cnn_forward_pass", names, names)
    assert before["task"] == after["task"] and before["pixels"] != after["pixels"]
    p.write_text("narration: {engine: espeak, voice: en-gb}\n")
    voiced = narrator.narration_keys(config.load_lecture(p), "cnn_forward_pass", names, names)
    assert voiced["task"] != before["task"]
    k = keys.section_keys("b", names, reads, {}, before)
    assert k != keys.section_keys("b", names, reads, {}, after)
    assert k[0] == keys.section_keys("b", names, reads, {}, after)[0]


# -- whole renders ------------------------------------------------------------------------------
def assert_audio_matches_video(path: Path) -> dict[str, Any]:
    info, sound = media.probe(path), media.probe_audio(path)
    assert sound is not None, f"{path.name} has no audio"
    assert (sound["codec"], sound["profile"], sound["sample_rate"], sound["channels"]) == (
        "aac", "LC", 48000, 2), path.name
    assert sound["duration"] == pytest.approx(info["duration"], abs=0.1), path.name
    return sound


@pytest.mark.render
def test_recorded_narration_paces_sections_and_fills_every_mp4(
        lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict, drawn: list) -> None:
    lecture_yaml, default = lecture_files
    rec = lecture_yaml.parent / "rec"
    record(rec, task=8.0, pixels=1.0)
    narrated(lecture_yaml, "{engine: recorded, recordings: rec}")
    lecture = config.load_lecture(lecture_yaml, default)
    out = lecture.render_settings.output_dir
    report = render.render_lecture(lecture, scene_data, workers=1)
    assert report.ok, report.failed

    # the task section has 8 s of speech: it lasts at least that long, its cues inside it
    sections = render.Cache(out / ".work").load("01_dummy").sections
    task, pixels = sections
    assert task.duration >= 8.0 + timing.TAIL and task.speech and pixels.speech
    assert pixels.duration < 3.0  # 1 s of speech: about its silent 1.9 s
    cues = subtitles.parse_srt((out / "01_dummy.srt").read_text())
    assert [c.text for c in cues] == ["First a square.", "It is drawn.", "Then a circle."]
    assert 0 <= cues[0].start and cues[1].end <= 8.0 + 1e-3 <= task.duration
    assert task.duration <= cues[2].start and cues[2].end <= task.duration + pixels.duration

    for name in ("00_title.mp4", "01_dummy.mp4", "lecture.mp4", "01_dummy_sections/01_task.mp4",
                 "01_dummy_sections/02_pixels.mp4"):
        assert_audio_matches_video(out / name)
    x = audio.decode(out / "01_dummy.mp4", channels=2)
    assert audio.loudness(x) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
    rms = audio.rms_per_second(x.mean(axis=1))
    assert (rms[:8] > -40).all()  # the 8 s recording is heard from the start, no gap
    manifest = load_manifest(out / "manifest.json")
    assert manifest.join == "stream copy"  # the video of the lecture: packets copied
    rows = {f.path: f for f in manifest.files}
    assert rows["lecture.mp4"].audio is not None and rows["lecture.mp4"].audio.sample_rate == 48000
    assert rows["lecture.transcript.md"].kind == "transcript"
    joined = media.probe(out / "lecture.mp4")["duration"]
    assert joined == pytest.approx(sum(media.probe(out / f)["duration"] for f in ("00_title.mp4", "01_dummy.mp4")), abs=0.01)
    transcript = (out / "lecture.transcript.md").read_text()
    assert "### The task (0:01)" in transcript and "Then a circle." in transcript

    # a new recording of one section: only that section is drawn again
    drawn.clear()
    write_m4a(rec / "cnn_forward_pass" / "02_pixels.m4a", tone(2.0, 44100))
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [("01_dummy", frozenset({"pixels"}))]
    assert_audio_matches_video(out / "lecture.mp4")


@pytest.mark.render
def test_missing_recordings_are_all_listed_before_any_work(
        lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict, drawn: list) -> None:
    lecture_yaml, default = lecture_files
    rec = lecture_yaml.parent / "rec"
    write_wav(rec / "cnn_forward_pass" / "01_task.wav", tone(1.0))
    narrated(lecture_yaml, "{engine: recorded, recordings: rec}")
    with pytest.raises(config.LectureError) as err:
        render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    msg = str(err.value)
    assert "2 recording(s) missing" in msg and "narration.recordings" in msg
    assert str(rec / "title_card" / "01_title") in msg and str(rec / "cnn_forward_pass" / "02_pixels") in msg
    assert drawn == []


@needs_espeak
@pytest.mark.render
def test_espeak_sentence_edit_respeaks_and_redraws_only_its_section(
        lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict, drawn: list) -> None:
    lecture_yaml, default = lecture_files
    narrated(lecture_yaml, "{engine: espeak}")
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    out = config.load_lecture(lecture_yaml, default).render_settings.output_dir
    speech = out / ".work" / "cache" / "speech"
    first = {p.name for p in speech.glob("*.wav")}
    assert len(first) == 2  # task and pixels (this test's title card says nothing)
    assert_audio_matches_video(out / "01_dummy.mp4")

    drawn.clear()
    text_ = default.read_text()
    default.write_text(text_.replace("Then a circle.", "Then a round circle."))
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [("01_dummy", frozenset({"pixels"}))]
    now = {p.name for p in speech.glob("*.wav")}
    assert len(now - first) == 1 and len(first - now) == 1  # one said anew, the old one pruned
    cues = subtitles.parse_srt((out / "01_dummy.srt").read_text())
    assert cues[-1].text == "Then a round circle."
    assert_audio_matches_video(out / "lecture.mp4")


# -- script and transcript ----------------------------------------------------------------------
def test_script_and_transcript_formats(tmp_path: Path) -> None:
    script = format_script("A\nlecture", [("1. Part", [("task", tmp_path / "rec/x/01_task", 6.25, "Say this.")])],
                           tmp_path)
    assert script.startswith("# Narration script: A lecture")
    assert "### rec/x/01_task.wav  (0:06, 6.2 s)\n\nSay this." in script
    md = format_transcript("T", [Part("Title", 0.0, [Passage("Title", 0.0, "Hello.")]),
                                 Part("1. Part", 5.0, [Passage("Task", 5.0, "One."),
                                                       Passage("Pixels", 65.0, "Two.")])])
    assert md == ("# T\n\n## Title (0:00)\n\nHello.\n\n## 1. Part (0:05)\n\n### Task (0:05)\n\n"
                  "One.\n\n### Pixels (1:05)\n\nTwo.\n")


# -- a real sequence, paced to injected speech --------------------------------------------------
def run_skipped(scene_class: type, lecture: Any, data: Any, tmp: Path,
                speech: dict[str, engines.Speech], stretch: dict[str, float]) -> Any:
    """The scene run with every section skipped (seconds), with narration injected."""
    from tests import framecheck as fc

    with fc.tiny_render(tmp, (160, 90), fps=5, write_to_movie=False, skip_animations=True):
        scene = scene_class(lecture=lecture, data=data)
        scene.speech, scene.stretch = speech, stretch
        scene.render()
    return scene


@pytest.mark.render
def test_a_real_section_with_8s_of_speech_lasts_8s_and_cues_inside(tiny_data: Any, tmp_path: Path) -> None:
    from rendering.narration.plan import FADE
    from contract.sequences import SEQUENCES
    from scenes.base import scene_class

    lecture = config.load_lecture(config.DEFAULT_PATH)
    cls = scene_class(SEQUENCES["cnn_forward_pass"])
    silent = run_skipped(cls, lecture, tiny_data, tmp_path / "a", {}, {})
    # every section's words were captured with their numbers filled in
    assert set(silent.spoken) == set(cls.SECTIONS)
    assert all("{" not in w for w in silent.spoken.values())
    assert "a grid of 28 by 28 numbers" in silent.spoken["pixels"]

    eight = engines.Speech(np.full(8 * audio.RATE, 0.1, np.float32),
                           (("ReLU keeps positive values.", 0.0, 3.5), ("Negatives become zero.", 3.8, 8.0)))
    a, b = silent.section_spans["relu"]
    factor = timing.stretch(b - a - FADE * lecture.pace, eight.duration)
    spoken = run_skipped(cls, lecture, tiny_data, tmp_path / "b", {"relu": eight}, {"relu": factor})
    a2, b2 = spoken.section_spans["relu"]
    assert b2 - a2 >= 8.0 + timing.TAIL
    lengths = {n: e - s for n, (s, e) in silent.section_spans.items()}
    assert {n: e - s for n, (s, e) in spoken.section_spans.items() if n != "relu"} == pytest.approx(
        {n: d for n, d in lengths.items() if n != "relu"})  # the other sections keep their pace
    cues = [(c.content, c.start.total_seconds(), c.end.total_seconds())
            for c in spoken.renderer.file_writer.subcaptions]
    relu = [c for c in cues if c[0] in ("ReLU keeps positive values.", "Negatives become zero.")]
    assert [c[0] for c in relu] == ["ReLU keeps positive values.", "Negatives become zero."]
    assert relu[0][1] == pytest.approx(a2) and relu[1][2] == pytest.approx(a2 + 8.0)
    assert all(a2 - 1e-3 <= s and e <= b2 + 1e-3 for _, s, e in relu)  # timedelta: microseconds


def test_recordings_folder_is_next_to_the_lecture_file(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text("narration: {engine: recorded}\n")
    assert config.load_lecture(p).narration.recordings == tmp_path / "recordings"
    p.write_text("narration: {engine: recorded, recordings: ../voice}\n")
    assert config.load_lecture(p).narration.recordings == tmp_path.parent / "voice"
