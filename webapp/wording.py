"""The page's words in English and Chinese. Where the lecture already says a thing (model
names, axis labels, sequence titles), the page uses the lecture's wording, so the student sees
the same words in the video and on the page; the rest is the platform's own.

The lecture's words come from :func:`contract.lecture.load_lecture` (each language's file merged
over ``default.yaml``, validated), and the titles from :mod:`contract.titles`, the rule the
renderer's chapters follow::

    >>> words = load(Path("lectures"))
    >>> words["zh"]["seq_inside_network"], words["en"]["render_command"]
    ('6. 走进训练好的网络', 'make render')
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from contract.languages import BUILT_IN
from contract.lecture import Lecture, LectureError, load_lecture
from contract.sequences import SEQUENCES, TITLE
from contract.titles import sequence_title

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh")
#: The lecture file of each language, in lectures/ (zh.yaml leaves out what it keeps
#: from default.yaml, exactly as the renderer reads it).
LECTURE_FILES = {lang: BUILT_IN[lang].words.name for lang in LANGUAGES}
BASE_FILE = "default.yaml"

#: page key -> (sequence, key of its ``text`` block) in the lecture; the title card's course
#: and title and every registered sequence's title ("seq_<name>") are taken as well
FROM_TEXT = {
    "softmax": ("comparison", "model_softmax"),
    "edl": ("comparison", "model_edl"),
    "probs": ("cnn_forward_pass", "sm_probs"),
    "evidence": ("edl_pass", "evidence_title"),
    "u_part": ("edl_pass", "u_part"),
    "entropy": ("comparison", "entropy_label"),
    "angle": ("comparison", "angle_label"),
    "rot_softmax": ("comparison", "rotation_softmax_series"),
    "softmax_says": ("comparison", "softmax_says"),
    "fm_maps": ("cnn_forward_pass", "fm_maps"),
    "why_no_room": ("overconfidence", "why_no_room"),
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
        "present": "Present (slides)",
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
        # the page's own: the plot draws u itself (the lecture's sequence 5 plots 1 − u)
        "rot_edl": "EDL: uncertainty u",
        "rot_edl_phat": "EDL: highest p̂",
        "conv1_title": "conv1 feature maps of your digit (after ReLU)",
        "error": "The server refused this input: {detail}",
        "offline": "The server did not answer: is `make serve` still running?",
        "busy": "The server is busy with other students' attacks and sweeps: try again in "
                "{seconds} s.",
        # the models averaged over passes or members (webapp/static/more_models.js)
        "mi": "mutual information (epistemic)",
        "n_passes": "{n} passes",
        "n_members": "{n} members",
        "mean_passes": "mean of the {n} dropout passes",
        "mean_members": "mean of the {n} members",
        "votes_passes": "how many of the {n} passes name each digit, and the spread (sd) of "
                        "its probability across them",
        "votes_members": "each member's own answer (its top digit and probability)",
        "digit": "digit",
        "votes": "votes",
        "spread": "sd",
        "member": "member",
        "member_softmax": "{i} (softmax)",
        "rot_mean_conf": "{model}: highest mean probability",
        "rot_mi": "{model}: mutual information",
        "rot_more_conf_title": "MC dropout and the ensemble: confidence of the mean",
        "rot_more_mi_title": "Mutual information (the epistemic part), in nats",
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
        "present": "演示（幻灯片）",
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
        "busy": "服务器正忙于其他同学的攻击和扫描：请 {seconds} 秒后再试。",
        "mi": "互信息（认知不确定性）",
        "n_passes": "{n} 次前向传播",
        "n_members": "{n} 个成员",
        "mean_passes": "{n} 次 dropout 前向传播的平均",
        "mean_members": "{n} 个成员的平均",
        "votes_passes": "{n} 次传播中各数字被选中的次数，以及其概率在各次之间的标准差",
        "votes_members": "每个成员自己的回答（最高的数字及其概率）",
        "digit": "数字",
        "votes": "次数",
        "spread": "标准差",
        "member": "成员",
        "member_softmax": "{i}（softmax）",
        "rot_mean_conf": "{model}：平均概率的最大值",
        "rot_mi": "{model}：互信息",
        "rot_more_conf_title": "MC Dropout 与深度集成：平均预测的置信度",
        "rot_more_mi_title": "互信息（认知不确定性部分），单位 nats",
    },
}


def load(lectures_dir: Path) -> dict[str, dict[str, str]]:
    """Every page string in every language: the lecture's wording over the platform's own."""
    out = {}
    for lang in LANGUAGES:
        words = dict(OWN[lang])
        lecture = _lecture(lectures_dir, lang)
        if lecture is not None:
            words.update(from_lecture(lecture))
        for name, seq in SEQUENCES.items():  # no lecture file: still words, not a slug
            words.setdefault(f"seq_{name}", sequence_title(None, seq))
        out[lang] = words
    return out


def from_lecture(lecture: Lecture) -> dict[str, str]:
    """The page strings a lecture words: its course, title, sequence titles and drawn labels
    (one line each: the page has no room for the video's line breaks)."""
    said: dict[str, Optional[str]] = {"course": lecture.title_card.course,
                                      "lecture_title": lecture.title_card.title}
    said |= {f"seq_{name}": sequence_title(lecture, seq) for name, seq in SEQUENCES.items()}
    said |= {key: lecture.words(seq).text.get(k) for key, (seq, k) in FROM_TEXT.items()}
    return {k: v.replace("\n", " ") for k, v in said.items() if v and v.strip()}


def _lecture(lectures_dir: Path, lang: str) -> Optional[Lecture]:
    """The language's lecture as the renderer reads it; None (and a log line) when it does not
    load: the platform's own words stand in, the page still opens."""
    try:
        return load_lecture(lectures_dir / LECTURE_FILES[lang], lectures_dir / BASE_FILE)
    except LectureError as exc:
        log.warning("page words in %s without the lecture's: %s", lang, exc)
        return None
