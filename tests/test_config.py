"""The lecture YAML loader: defaults, overrides, and a clear message for every kind of mistake."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from contract import lecture as config, sequences as registry
from contract.lecture import LectureError, check_index, load_lecture

REPO = Path(__file__).resolve().parent.parent
REAL_SEQUENCES = dict(registry.SEQUENCES)  # before any test replaces them


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def default_with_captions(tmp_path: Path) -> Path:
    """The real default file, plus caption keys (= section names) for cnn_forward_pass, as the
    scene authors will add them."""
    data = yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))
    data["cnn_forward_pass"]["captions"] = {"task": "The task.", "pixels": "Pixels."}
    data["cnn_forward_pass"]["text"] = {"task_intro": "Read a digit."}
    data["render"]["output_dir"] = str(tmp_path / "renders")
    path = tmp_path / "defaults" / "default.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def plain_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sequences whose scene modules do not exist, so that section names come from the default
    file only, whatever the scene authors have written so far."""
    monkeypatch.setattr(registry, "SEQUENCES", {
        name: registry.Sequence(name, seq.number)
        for name, seq in registry.SEQUENCES.items()})


def errors_of(path: Path, default: Path = config.DEFAULT_PATH) -> str:
    with pytest.raises(LectureError) as info:
        load_lecture(path, default)
    return str(info.value)


# -- good files ---------------------------------------------------------------------------------
def test_default_loads() -> None:
    lec = load_lecture(config.DEFAULT_PATH)
    assert lec.language == "en"
    assert lec.theme.background == "#111318"
    assert lec.pace == 1.0
    assert lec.sequences == list(registry.SEQUENCES)
    assert lec.sections == {}
    assert lec.cnn_forward_pass.title.startswith("1.")
    assert isinstance(getattr(lec, "comparison").captions, dict)
    assert lec.sample.index is None and lec.sample.rule == "both_correct"
    assert lec.title_card.logo is None and lec.unrelated.images == []
    s = lec.render_settings
    assert (s.quality, s.width, s.height, s.fps) == ("production", 1920, 1080, 30)
    assert s.output_dir == REPO / "renders" / "default"
    assert lec.source_path == config.DEFAULT_PATH


def test_empty_file_gives_all_defaults(tmp_path: Path) -> None:
    lec = load_lecture(write(tmp_path / "empty.yaml", ""))
    mine = {"render": True, "narration": {"recordings"}}  # folders of this lecture's own
    assert lec.model_dump(exclude=mine) == load_lecture(config.DEFAULT_PATH).model_dump(exclude=mine)
    assert lec.narration.recordings == tmp_path / "recordings"
    # output_dir not given: renders/<this lecture file's name>/, never another lecture's folder
    assert lec.render.output_dir == REPO / "renders" / "empty"
    assert lec.source_path == (tmp_path / "empty.yaml").resolve()


def test_partial_override_keeps_defaults(tmp_path: Path) -> None:
    lec = load_lecture(write(tmp_path / "mine.yaml", """
        language: zh
        pace: 2
        theme:
          accent: "#ff0000"
        render:
          quality: preview
        sample:
          index: 12
    """))
    assert lec.language == "zh" and lec.pace == 2.0
    assert lec.theme.accent == "#FF0000"
    assert lec.theme.background == "#111318"  # untouched sibling
    assert lec.sample.index == 12 and lec.sample.digit == 7
    s = lec.render_settings
    assert (s.width, s.height, s.fps) == (854, 480, 15)
    assert lec.render.settings("production").width == 1920
    assert lec.title_card.course == "Deep Learning for Computer Vision"


def test_empty_collections_may_be_left_blank(tmp_path: Path) -> None:
    lec = load_lecture(write(tmp_path / "a.yaml", """
        sections:
        unrelated:
          images:
        theme:
        cnn_forward_pass:
          captions:
    """))
    assert lec.sections == {} and lec.unrelated.images == []
    default = load_lecture(config.DEFAULT_PATH)
    assert lec.theme == default.theme  # an empty block overrides nothing
    assert lec.cnn_forward_pass.captions == default.cnn_forward_pass.captions


def test_explicit_size_overrides_preset(tmp_path: Path) -> None:
    lec = load_lecture(write(tmp_path / "a.yaml", """
        render: {quality: preview, width: 320, height: 180, fps: 10}
    """))
    s = lec.render_settings
    assert (s.width, s.height, s.fps) == (320, 180, 10)


def test_paths_resolved_relative_to_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "course"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "logo.png").write_bytes(b"png")
    (folder / "cat.jpg").write_bytes(b"jpg")
    write(folder / "lecture.yaml", """
        title_card: {logo: img/logo.png}
        unrelated: {images: [cat.jpg]}
        render: {output_dir: %s}
    """ % (tmp_path / "out"))
    monkeypatch.chdir(tmp_path.parent)  # somewhere else entirely
    lec = load_lecture(folder / "lecture.yaml")
    assert lec.title_card.logo == folder / "img" / "logo.png"
    assert lec.unrelated.images == [folder / "cat.jpg"]
    assert lec.render_settings.output_dir == tmp_path / "out"  # absolute: allowed anywhere
    assert lec.render_settings.output_dir.is_absolute()


def test_captions_and_sections_allowed_from_default(tmp_path: Path, default_with_captions: Path) -> None:
    lec = load_lecture(write(tmp_path / "a.yaml", """
        sections:
          cnn_forward_pass: [pixels]
        cnn_forward_pass:
          captions:
            task: "La tâche."
    """), default_with_captions)
    assert lec.cnn_forward_pass.captions == {"task": "La tâche.", "pixels": "Pixels."}
    assert lec.cnn_forward_pass.text == {"task_intro": "Read a digit."}
    assert lec.sections == {"cnn_forward_pass": ["pixels"]}
    assert lec.render_settings.output_dir == tmp_path / "renders"


def test_line_of_and_check_index(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", """
        # a comment
        sample:
          digit: 3
          index: 900
    """)
    lec = load_lecture(path)
    assert lec.line_of("sample.index") == 4
    assert lec.line_of("sample") == 2
    assert lec.where("theme.accent")[0].endswith("default.yaml")  # not set by the user
    check_index(lec, 1000)
    with pytest.raises(LectureError) as info:
        check_index(lec, 500)
    assert str(info.value).startswith(f"{path}:4: sample.index: 900 is out of range")
    assert "500" in str(info.value)


# -- bad files: one test per kind of mistake -----------------------------------------------------
BAD = {
    "unknown top-level key": (
        "language: en\ncolour_scheme: dark\n", "colour_scheme", 2, "unknown key 'colour_scheme'"),
    "unknown nested key": (
        "render:\n  qualty: preview\n", "render.qualty", 2, "did you mean 'quality'"),
    "wrong type": ("pace: fast\n", "pace", 1, "expected a number, got 'fast'"),
    "wrong type (string for int)": ("sample:\n  digit: '7'\n", "sample.digit", 2,
                                    "expected a whole number, got '7'"),
    "wrong type (mapping expected)": ("theme: dark\n", "theme", 1, "expected a mapping"),
    "bad enum": ("render:\n  quality: ultra\n", "render.quality", 2,
                 "'ultra' is not one of preview, production"),
    "bad rule": ("sample: {rule: best}\n", "sample.rule", 1,
                 "'best' is not one of both_correct, any, softmax_wrong"),
    "bad colour": ('theme:\n  accent: "#12345"\n', "theme.accent", 2, "is not a colour"),
    "unquoted colour": ("theme:\n  text: #ffffff\n", "theme.text", 2, "an unquoted # starts a YAML comment"),
    "missing logo": ("title_card:\n  logo: nowhere/logo.png\n", "title_card.logo", 2, "no such file"),
    "missing image": ("unrelated:\n  images:\n    - cat.jpg\n    - gone.png\n",
                      "unrelated.images[1]", 4, "no such file"),
    "negative index": ("sample:\n  index: -1\n", "sample.index", 2, "must be >= 0"),
    "digit out of range": ("rotation:\n  digit: 10\n", "rotation.digit", 2, "must be <= 9"),
    "unknown sequence": ("sequences: [cnn_forward_pass, edl]\n", "sequences[1]", 1,
                         "unknown sequence 'edl'"),
    "duplicate sequence": ("sequences:\n  - edl_pass\n  - edl_pass\n", "sequences[1]", 3,
                           "listed twice"),
    "empty sequences": ("sequences: []\n", "sequences", 1, "empty"),
    "unknown sequence in sections": ("sections:\n  cnn: [task]\n", "sections.cnn", 2,
                                     "unknown sequence 'cnn'"),
    "pace out of range": ("pace: 10\n", "pace", 1, "must be <= 4"),
    "pace too small": ("pace: 0.1\n", "pace", 1, "must be >= 0.25"),
    "odd width": ("render:\n  width: 853\n", "render.width", 2, "odd"),
    "duplicate key": ("pace: 1\nlanguage: en\npace: 2\n", "pace", 3, "written twice (first on line 1)"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_yaml_names_key_and_line(tmp_path: Path, name: str) -> None:
    text, key, line, fragment = BAD[name]
    (tmp_path / "cat.jpg").write_bytes(b"jpg")
    path = write(tmp_path / "my.yaml", text)
    message = errors_of(path)
    first = message.splitlines()[0]
    assert first.startswith(f"{path}:{line}: {key}: "), message
    assert fragment in first, message


def test_unknown_caption_key(tmp_path: Path, default_with_captions: Path) -> None:
    path = write(tmp_path / "my.yaml", """
        cnn_forward_pass:
          title: "Eins"
          captions:
            taks: "Die Aufgabe."
    """)
    message = errors_of(path, default_with_captions)
    assert message.startswith(f"{path}:4: cnn_forward_pass.captions.taks: unknown caption key 'taks'")
    assert "allowed: task, pixels" in message and "did you mean 'task'" in message


def test_unknown_section_name(tmp_path: Path, default_with_captions: Path) -> None:
    path = write(tmp_path / "my.yaml", """
        sections:
          cnn_forward_pass:
            - task
            - convolution
    """)
    message = errors_of(path, default_with_captions)
    assert message.startswith(f"{path}:4: sections.cnn_forward_pass[1]: unknown section "
                              f"'convolution' of cnn_forward_pass; allowed: task, pixels")


def test_sections_come_from_the_registry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_with_captions: Path) -> None:
    monkeypatch.setitem(registry.SEQUENCES, "cnn_forward_pass",
                        registry.Sequence("cnn_forward_pass", 1, ("task", "pixels", "convolution")))
    assert config.section_names("cnn_forward_pass", {})[:3] == ("task", "pixels", "convolution")
    path = write(tmp_path / "my.yaml", "sections: {cnn_forward_pass: [convolution]}\n")
    assert load_lecture(path, default_with_captions).sections == {"cnn_forward_pass": ["convolution"]}


@pytest.mark.parametrize("lecture_file", sorted((REPO / "lectures").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_every_shipped_lecture_words_every_registered_section(lecture_file: Path) -> None:
    """The registry decides the sections; each shipped lecture captions exactly those, in order,
    and titles every sequence in its own words."""
    lecture = load_lecture(lecture_file)
    english = load_lecture(config.DEFAULT_PATH)
    for name, seq in REAL_SEQUENCES.items():
        words = lecture.words(name)
        assert tuple(words.captions) == seq.sections, name
        if lecture.language != "en":
            assert words.title != english.words(name).title, f"{name}: title not translated"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", "language: en\ntheme:\n  text: [unclosed\npace: 1\n")
    message = errors_of(path)
    assert message.startswith(f"{path}:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert 3 <= line <= 4


def test_yaml_syntax_error_bad_indent(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", "render:\n  quality: preview\n fps: 5\n")
    message = errors_of(path)
    assert message.startswith(f"{path}:3: YAML syntax error")


def test_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", "- language\n- en\n")
    assert errors_of(path) == f"{path}:1: expected a mapping of keys (like the default file), got a list"


def test_missing_and_unreadable_file(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: no such lecture file"
    assert "is a folder" in errors_of(tmp_path)


def test_all_errors_reported_together(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", """
        langauge: fr
        sample:
          index: -2
        theme:
          accent: red
        pace: 9
        render:
          quality: ultra
    """)
    lines = errors_of(path).splitlines()
    assert [ln.split(": ")[0:2] for ln in lines] == [
        [f"{path}:1", "langauge"], [f"{path}:3", "sample.index"], [f"{path}:5", "theme.accent"],
        [f"{path}:6", "pace"], [f"{path}:8", "render.quality"]]
    with pytest.raises(LectureError) as info:
        load_lecture(path)
    assert [i.line for i in info.value.issues] == [1, 3, 5, 6, 8]


# -- command line -------------------------------------------------------------------------------
def test_cli_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.yaml", "pace: 1.5\n")
    bad = write(tmp_path / "bad.yaml", "render:\n  quality: ultra\n")
    assert config.main(["check", str(good)]) == 0
    assert capsys.readouterr().out == f"ok: {good}\n"
    assert config.main(["check", str(bad)]) == 2
    assert f"{bad}:2: render.quality: 'ultra' is not one of preview, production" in capsys.readouterr().err


def test_cli_subprocess_imports_neither_manim_nor_torch(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", "pace: 0\n")
    run = subprocess.run([sys.executable, "-m", "contract.lecture", "check", str(bad)], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr == f"{bad}:1: pace: 0 is out of range: must be >= 0.25\n"
    code = ("import sys, contract.lecture as c; c.load_lecture(c.DEFAULT_PATH); "
            "print(sorted(m for m in ('manim', 'torch') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


# -- output folders -------------------------------------------------------------------------------
def test_relative_output_dir_outside_the_project_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "my.yaml", """
        render:
          output_dir: ../out
    """)
    with pytest.raises(LectureError) as e:
        load_lecture(path)
    assert f"{path}:2: render.output_dir: '../out' resolves to {tmp_path.parent / 'out'}, " \
           "outside the project" in str(e.value)


def test_relative_output_dir_inside_the_project_is_allowed() -> None:
    lec = load_lecture(REPO / "lectures" / "zh.yaml")
    assert lec.render_settings.output_dir == REPO / "renders" / "zh"


def test_output_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file")
    for value, why in ((tmp_path / "taken", "is a file, not a folder"),
                       (tmp_path / "taken" / "below", "is a file, so")):
        path = write(tmp_path / "my.yaml", f"""
            language: en
            render: {{output_dir: {value}}}
        """)
        with pytest.raises(LectureError, match=f"my.yaml:2: render.output_dir: .*{why}"):
            load_lecture(path)


def test_unwritable_output_dir_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # root may write anywhere, so the permission answer is simulated
    locked = tmp_path / "locked"
    locked.mkdir()
    real = config.os.access
    monkeypatch.setattr(config.os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode))
    path = write(tmp_path / "my.yaml", f"render: {{output_dir: {locked / 'out'}}}\n")
    with pytest.raises(LectureError, match=f"my.yaml:1: render.output_dir: {locked} cannot be written"):
        load_lecture(path)


# -- placeholders ---------------------------------------------------------------------------------
@pytest.mark.parametrize("template, message", [
    ("{nonexistent_field} pixels", "unknown placeholder {nonexistent_field}; this scene provides"),
    ("a grid of {h by {w}", "'{' has no matching '}'"),
    ("a grid of h} by {w}", "'}' has no matching '{'"),
    ("{h:.2q} by {w}", "'.2q' is not a valid format spec"),
    ("{h.real} by {w}", "only plain names are filled in"),
])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_bad_placeholders_are_refused_with_file_line_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, message: str,
        language: str) -> None:
    monkeypatch.setattr(registry, "SEQUENCES", REAL_SEQUENCES)
    text = template if language == "en" else template.replace("pixels", "像素").replace(
        "a grid of", "网格")
    source = "lectures/default.yaml" if language == "en" else "lectures/zh.yaml"
    lecture = tmp_path / f"{language}.yaml"
    lecture.write_text((REPO / source).read_text(encoding="utf-8"), encoding="utf-8")
    original = lecture.read_text(encoding="utf-8")
    lines = original.split("\n")
    n = next(i for i, ln in enumerate(lines) if ln.strip().startswith("pixels:") and "{h}" in ln)
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
    lines[n] = f'{indent}pixels: "{text}"'
    lecture.write_text("\n".join(lines).replace("output_dir: ../../renders/zh", "output_dir: null"),
                       encoding="utf-8")
    with pytest.raises(LectureError) as e:
        load_lecture(lecture)
    where = f"{lecture}:{n + 1}: cnn_forward_pass.captions.pixels: "
    assert any(line.startswith(where) and message in line for line in str(e.value).split("\n")), \
        str(e.value)


def test_every_shipped_lecture_passes_the_placeholder_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "SEQUENCES", REAL_SEQUENCES)
    for path in sorted((REPO / "lectures").glob("*.yaml")):
        load_lecture(path)


def test_a_scene_refuses_a_placeholder_the_table_does_not_declare() -> None:
    """The checker trusts contract/placeholders.py; a scene that fills in a name the table
    lacks stops the render with the table's name, so the table cannot fall behind the code."""
    from types import SimpleNamespace

    from contract.placeholders import FILLS
    from scenes.base import LectureScene

    seq1 = SimpleNamespace(sequence="cnn_forward_pass")
    LectureScene.declared(seq1, {"h", "w", "kh"}, "captions")
    LectureScene.declared(seq1, {"index", "r0"}, "text")
    with pytest.raises(KeyError, match=r"area not declared in contract/placeholders.py"):
        LectureScene.declared(seq1, {"h", "area"}, "captions")
    assert {"softmax", "edl", "margin_pp"} <= FILLS["comparison"].text
    assert "accuracy_verdict" in FILLS["comparison"].captions


# -- languages ---------------------------------------------------------------------------------
def test_a_language_without_built_in_words_is_refused_at_its_line(tmp_path: Path) -> None:
    """`language: fr` with no French words would render the English words: refused at the
    language line, with the count of keys the lecture must still word."""
    p = tmp_path / "fr.yaml"
    p.write_text('# French\nlanguage: fr\ntitle_card:\n  title: "Dans un CNN"\n', encoding="utf-8")
    with pytest.raises(LectureError) as err:
        load_lecture(p)
    text = str(err.value)
    total = len(config.wording_keys(yaml.safe_load(config.DEFAULT_PATH.read_text("utf-8"))))
    assert f"{p}:2: language:" in text
    assert f"{total - 1} of {total} keys missing" in text and "built in: en, zh" in text


def test_a_language_that_words_everything_itself_is_accepted(tmp_path: Path) -> None:
    """Every wording key written (here: the default's words marked as French): accepted, and its
    typography follows its script."""
    from contract import languages

    default = yaml.safe_load(config.DEFAULT_PATH.read_text("utf-8"))
    fr: dict = {"language": "fr"}
    for key in config.wording_keys(default):
        node, src = fr, default
        for part in key[:-1]:
            node, src = node.setdefault(part, {}), src[part]
        node[key[-1]] = "[fr] " + str(src[key[-1]])
    p = tmp_path / "fr.yaml"
    p.write_text(yaml.safe_dump(fr, allow_unicode=True), encoding="utf-8")
    lec = load_lecture(p)
    assert lec.cnn_forward_pass.title.startswith("[fr] ")
    assert languages.script(lec.language) == "latin" and languages.script("ja") == "cjk"
    assert languages.script("zh-Hans") == "cjk" and languages.reading_rate("fr") == 15.0


@pytest.mark.parametrize("language", ["en", "zh", "zh-Hans"])
def test_built_in_languages_may_leave_words_out(tmp_path: Path, language: str) -> None:
    p = tmp_path / "short.yaml"
    p.write_text(f"language: {language}\n", encoding="utf-8")
    assert load_lecture(p).language == language
