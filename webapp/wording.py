"""The page's words in English and Chinese. Where the lecture YAML already says a thing (model
names, axis labels, sequence titles), the page uses the lecture's wording, so the student sees
the same words in the video and on the page; the rest is the platform's own."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from contract.sequences import SEQUENCES, TITLE

LANGUAGES = ("en", "zh")
#: The lecture file of each language, in lectures/ (zh.yaml leaves out what it keeps
#: from default.yaml, exactly as the renderer reads it).
LECTURE_FILES = {"en": "default.yaml", "zh": "zh.yaml"}
BASE_FILE = "default.yaml"

#: page key -> dotted key in the lecture YAML; every registered sequence's title is one
#: ("seq_<name>": "<name>.title"), so a sequence added to contract.sequences gets its title here
FROM_LECTURE = {
    "course": "title_card.course",
    "lecture_title": "title_card.title",
    **{f"seq_{name}": f"{name}.title" for name in SEQUENCES},
    "softmax": "comparison.text.model_softmax",
    "edl": "comparison.text.model_edl",
    "probs": "cnn_forward_pass.text.sm_probs",
    "evidence": "edl_pass.text.evidence_title",
    "u_part": "edl_pass.text.u_part",
    "entropy": "comparison.text.entropy_label",
    "angle": "comparison.text.angle_label",
    "rot_softmax": "comparison.text.rotation_softmax_series",
    "softmax_says": "comparison.text.softmax_says",
    "fm_maps": "cnn_forward_pass.text.fm_maps",
    "why_no_room": "overconfidence.text.why_no_room",
}

OWN: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "CNN and EDL: watch, then try",
        "switch_language": "中文",
        "watch": "Watch the lecture",
        "try": "Try the models",
        "nothing_rendered": "No lecture is rendered yet. Run this, then reload the page:",
        "render_command": "make render",
        "lecture": "Lecture",
        "video": "Video",
        "whole_lecture": "Whole lecture",
        "title_card": "Title card",
        f"seq_{TITLE.name}": "Title card",
        "chapters": "Chapters",
        "sections": "Section clips",
        "subtitles": "Subtitles",
        "draw_hint": "Draw a digit (mouse, pen or finger), or upload any picture.",
        "clear": "Clear",
        "upload": "Upload an image",
        "input_title": "What the models see: 28 × 28, MNIST-style",
        "waiting": "Draw or upload something and both models answer.",
        "thinking": "Asking both models…",
        "prediction": "prediction",
        "probability": "probability",
        "alpha": "α = e + 1",
        "S": "S = Σα",
        "belief_bar": "belief b₀ … b₉ and u (sum = 1)",
        "p_hat": "p̂ = α / S",
        "sentence_sure": "Softmax says {s} ({p}). EDL says {e} and is sure: u = {u}.",
        "sentence_some": "Softmax says {s} ({p}). EDL leans to {e} but is not sure: u = {u}.",
        "sentence_unsure": "Softmax says {s} ({p}). EDL is unsure: u = {u}.",
        "rotate": "Rotate my digit 0–180°",
        "rotate_title": "Your digit, rotated (the paper's Figure 1)",
        "rotate_hint": "One request: the server rotates the 28 × 28 input and asks both models.",
        # the page's own: the plot draws u itself (the lecture's sequence 4 plots 1 − u)
        "rot_edl": "EDL: uncertainty u",
        "rot_edl_phat": "EDL: highest p̂",
        "conv1_title": "conv1 feature maps of your digit (after ReLU)",
        "error": "The server refused this input: {detail}",
        "offline": "The server did not answer: is `make serve` still running?",
    },
    "zh": {
        "page_title": "CNN 与 EDL：先看，再试",
        "switch_language": "English",
        "watch": "观看讲座",
        "try": "试试两个模型",
        "nothing_rendered": "还没有渲染好的讲座。请运行下面的命令，然后刷新本页：",
        "render_command": "make render",
        "lecture": "讲座",
        "video": "视频",
        "whole_lecture": "完整讲座",
        "title_card": "片头",
        f"seq_{TITLE.name}": "片头",
        "chapters": "章节",
        "sections": "分节片段",
        "subtitles": "字幕",
        "draw_hint": "用鼠标、触控笔或手指写一个数字，或者上传任意一张图片。",
        "clear": "清除",
        "upload": "上传图片",
        "input_title": "模型看到的输入：28 × 28，MNIST 风格",
        "waiting": "写一个数字或上传一张图片，两个模型都会回答。",
        "thinking": "正在询问两个模型……",
        "prediction": "预测",
        "probability": "概率",
        "alpha": "α = e + 1",
        "S": "S = Σα",
        "belief_bar": "信念 b₀ … b₉ 与 u（总和为 1）",
        "p_hat": "p̂ = α / S",
        "sentence_sure": "softmax 认为是 {s}（{p}）。EDL 认为是 {e}，并且很确定：u = {u}。",
        "sentence_some": "softmax 认为是 {s}（{p}）。EDL 倾向于 {e}，但不确定：u = {u}。",
        "sentence_unsure": "softmax 认为是 {s}（{p}）。EDL 不确定：u = {u}。",
        "rotate": "把我的数字旋转 0–180°",
        "rotate_title": "旋转你的数字（论文中的图 1）",
        "rotate_hint": "只发一次请求：服务器旋转 28 × 28 的输入，再交给两个模型。",
        "rot_edl": "EDL：不确定度 u",
        "rot_edl_phat": "EDL：最大 p̂",
        "conv1_title": "你的数字在 conv1 的特征图（ReLU 之后）",
        "error": "服务器拒绝了这个输入：{detail}",
        "offline": "服务器没有回应：`make serve` 还在运行吗？",
    },
}


def load(lectures_dir: Path) -> dict[str, dict[str, str]]:
    """Every page string in every language: the lecture's wording over the platform's own."""
    base = _read_yaml(lectures_dir / BASE_FILE)
    out = {}
    for lang in LANGUAGES:
        doc = base if lang == "en" else _merge(base, _read_yaml(lectures_dir / LECTURE_FILES[lang]))
        words = dict(OWN[lang])
        for key, dotted in FROM_LECTURE.items():
            value = _get(doc, dotted)
            if isinstance(value, str) and value.strip():
                words[key] = value.replace("\n", " ")
        for name in SEQUENCES:  # a lecture file without the title: still words, not a slug
            words.setdefault(f"seq_{name}", fallback_title(name))
        out[lang] = words
    return out


def fallback_title(name: str) -> str:
    """``inside_network`` -> ``Inside network``: only when no lecture file titles it."""
    return name.replace("_", " ").strip().capitalize() or name


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}  # no lecture wording: the platform's own strings stand
    return doc if isinstance(doc, dict) else {}


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _get(doc: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc
