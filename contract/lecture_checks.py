"""The checks of a lecture beyond its schema, each a list of (key, message) that the loader
places at the key's line: sequence and section names, narration, the voice file, placeholders
and the words a lecture in another language must write.

    _raw_checks({"sequences": ["cnn_forward_pass", "typo"]}, default_data)
    # [(("sequences", 1), "unknown sequence 'typo'; allowed: ... (did you mean ...?)")]

Imports neither manim nor torch.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from contract import languages, placeholders
from contract import sequences as registry
from contract.lecture_yaml import KeyPath, allowed_keys, dotted


# -- section names ------------------------------------------------------------------------------
def section_names(sequence: str, default_data: dict) -> tuple[str, ...]:
    """Every section a lecture may select for ``sequence``: the registry's sections plus the
    caption keys the default file lists for it."""
    seq = registry.SEQUENCES.get(sequence)
    names = list(seq.sections if seq is not None else ())
    block = default_data.get(sequence)
    captions = block.get("captions") if isinstance(block, dict) else None
    for key in captions or {}:
        if key not in names:
            names.append(key)
    return tuple(names)


def _raw_checks(data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """Checks pydantic cannot place on a line: sequence and section names."""
    out: list[tuple[KeyPath, str]] = []
    known = list(registry.SEQUENCES)
    seqs = data.get("sequences")
    if isinstance(seqs, list):
        if not seqs:
            out.append((("sequences",), f"the list is empty; name at least one of {', '.join(known)}"))
        seen: set[str] = set()
        for i, name in enumerate(seqs):
            if not isinstance(name, str):
                continue  # pydantic reports the type
            if name not in registry.SEQUENCES:
                out.append((("sequences", i), f"unknown sequence {name!r}; {allowed_keys(known, name)}"))
            elif name in seen:
                out.append((("sequences", i), f"{name!r} is listed twice"))
            seen.add(name)
    sections = data.get("sections")
    if isinstance(sections, dict):
        for seq, names in sections.items():
            if seq not in registry.SEQUENCES:
                out.append((("sections", seq), f"unknown sequence {seq!r}; {allowed_keys(known, seq)}"))
                continue
            if not isinstance(names, list):
                continue
            allowed = section_names(seq, default_data)
            for i, name in enumerate(names):
                if isinstance(name, str) and name not in allowed:
                    out.append((("sections", seq, i),
                                f"unknown section {name!r} of {seq}; {allowed_keys(allowed, name)}"))
    out += _narration_checks(data, default_data)
    return out


def _narration_checks(data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """Per-section narration texts name real sections; the chosen engine can run."""
    out: list[tuple[KeyPath, str]] = []
    for seq in registry.SEQUENCES:
        block = data.get(seq)
        texts = block.get("narration") if isinstance(block, dict) else None
        if not isinstance(texts, dict) or not texts:
            continue
        allowed = section_names(seq, default_data)
        out += [((seq, "narration", k), f"unknown section {k!r} of {seq}; {allowed_keys(allowed, k)}")
                for k in texts if k not in allowed]
    n = data.get("narration")
    if not isinstance(n, dict):
        return out
    engine, voice = n.get("engine"), n.get("voice")
    if engine == "espeak" and shutil.which("espeak-ng") is None:
        out.append((("narration", "engine"), "espeak needs the espeak-ng program, which is not "
                    "installed (Debian: apt-get install espeak-ng)"))
    if engine == "piper" and not voice:
        out.append((("narration", "voice"), "piper needs a voice model file: "
                    "voice: path/to/voice.onnx (with its .onnx.json beside it)"))
    return out


def _voice_file_check(data: dict, folder: Path) -> list[tuple[KeyPath, str]]:
    """piper's voice file (relative to the YAML that names it) must exist: nothing is
    downloaded at run time."""
    n = data.get("narration")
    if not isinstance(n, dict) or n.get("engine") != "piper" or not isinstance(n.get("voice"), str):
        return []
    path = (folder / Path(n["voice"]).expanduser()).resolve()
    if path.is_file():
        return []
    return [(("narration", "voice"), f"no such voice file: {path} (piper reads a voice model "
             "you provide; nothing is downloaded)")]


def _placeholder_checks(data: dict) -> list[tuple[KeyPath, str]]:
    """Every ``{name}`` of a sequence's captions and text must be one its scene fills in
    (contract.placeholders), with balanced braces and a valid format spec."""
    out: list[tuple[KeyPath, str]] = []
    for name, fills in placeholders.FILLS.items():
        block = data.get(name)
        if not isinstance(block, dict):
            continue
        for kind, allowed in (("captions", fills.captions), ("text", fills.text),
                              ("narration", fills.captions)):
            strings = block.get(kind)
            for key, value in (strings.items() if isinstance(strings, dict) else ()):
                if isinstance(value, str):
                    out += [((name, kind, key), m) for m in placeholders.problems(value, allowed)]
    return out


#: the wording keys of the title card a lecture in another language must write itself
TITLE_CARD_WORDS: tuple[KeyPath, ...] = (("title_card", "course"), ("title_card", "title"))


def _has(data: Any, key: KeyPath) -> bool:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def wording_keys(default_data: dict) -> list[KeyPath]:
    """Every key that words the lecture: the title card's title and course, and each
    registered sequence's title, captions and drawn strings as the default file lists them."""
    keys = list(TITLE_CARD_WORDS)
    for name in registry.SEQUENCES:
        block = default_data.get(name) if isinstance(default_data.get(name), dict) else {}
        keys.append((name, "title"))
        for kind in ("captions", "text"):
            keys += [(name, kind, k) for k in (block.get(kind) or {})]
    return keys


def _language_checks(user_data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """A language without built-in words (:mod:`contract.languages`) is accepted only when the
    lecture words everything itself: otherwise the built-in English would stand in silently."""
    lang = user_data.get("language")
    if not isinstance(lang, str) or languages.built_in(lang) is not None:
        return []
    missing = [k for k in wording_keys(default_data) if not _has(user_data, k)]
    if not missing:
        return []
    shown = ", ".join(dotted(k) for k in missing[:3]) + (", ..." if len(missing) > 3 else "")
    return [(("language",), f"{lang!r} has no built-in words (built in: "
             f"{', '.join(languages.BUILT_IN)}); a lecture in another language must word every "
             f"sequence, section and string itself: {len(missing)} of "
             f"{len(wording_keys(default_data))} keys missing ({shown})")]


def checks(merged: dict, user_data: dict, default_data: dict,
            dirs: dict[str, Path]) -> list[tuple[KeyPath, str]]:
    """The checks beyond the schema's: raw values, languages, placeholders, the voice file."""
    return (_raw_checks(merged, default_data) + _language_checks(user_data, default_data)
            + _placeholder_checks(merged) + _voice_file_check(merged, dirs["narration.voice"]))


def check_selection(lecture: Any, data: Any) -> None:
    """Refuse scene_data probed for another digit than the lecture asks for (the Makefile
    re-probes when the lecture's choice changes; a direct call of the renderer may not)."""
    from contract.scene_data import ContractError, selection_label

    fp, rot = getattr(data, "forward_pass", None), getattr(data, "rotation", None)
    s = lecture.sample
    want = selection_label(s.index, s.digit, s.rule, s.nth)
    if fp is not None and fp.selection != want:
        raise ContractError(f"scene_data follows the digit chosen by '{fp.selection}' but the "
                            f"lecture asks for '{want}': run `make render LECTURE=...`, which "
                            "probes the saved models again (no retraining)")
    if rot is not None and rot.digit != lecture.rotation.digit:
        raise ContractError(f"scene_data rotates a {rot.digit} but the lecture asks for a "
                            f"{lecture.rotation.digit}: run `make render LECTURE=...`")
