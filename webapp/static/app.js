// The learning platform's page: lecture player, drawing pad, both models, rotation sweep,
// conv1 maps. Vanilla JS, no external asset: it works offline.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const state = { lang: "en", words: {}, lectures: [], lecture: null, video: null,
                image: null, result: null, rotation: null, error: null };
// The explainer's scripts (network.js, attack.js, ...) listen for these page events and push
// their start-up work here; the page is ready once it has run.
const platformInits = [];
const announce = (name, detail) => document.dispatchEvent(new CustomEvent("platform:" + name, { detail }));

// ---- wording ------------------------------------------------------------------------------
function w(key) {
  const table = state.words[state.lang] || {};
  return table[key] !== undefined ? table[key] : key;
}

function fill(template, values) {
  return template.replace(/\{(\w+)(?::[^}]*)?\}/g, (m, k) => (k in values ? values[k] : m));
}

function applyWords() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = w("page_title");
  for (const el of document.querySelectorAll("[data-w]")) {
    if (el.id === "sentence" && state.result) continue;
    el.textContent = w(el.dataset.w);
  }
  renderLecturePickers();
  renderResult();
  renderRotation();
  renderError();
  announce("words");
}

// ---- lecture player -----------------------------------------------------------------------
function videoTitle(v) {
  if (v.sequence === "lecture") return w("whole_lecture");
  if (v.sequence === "title_card") return w("title_card");
  const key = "seq_" + v.sequence;
  const title = w(key);  // every registered sequence has one (webapp/wording.py)
  return title !== key ? title : v.sequence.replace(/_/g, " ");
}

function fmtTime(s) {
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return m + ":" + String(r).padStart(2, "0");
}

function renderLecturePickers() {
  const has = state.lectures.length > 0;
  $("no-lecture").hidden = has;
  $("player").hidden = !has;
  if (!has) return;
  const lp = $("lecture-pick");
  lp.replaceChildren(...state.lectures.map((l, i) => new Option(l.id + " (" + l.language + ")", i)));
  lp.value = String(state.lectures.indexOf(state.lecture));
  // the deck and PPTX of `make slides`, when this lecture has them
  const slides = state.lecture.slides || {};
  $("present").hidden = !slides.deck;
  if (slides.deck) $("present").href = slides.deck;
  $("slides-pptx").hidden = !slides.pptx;
  if (slides.pptx) $("slides-pptx").href = slides.pptx;
  const vp = $("video-pick");
  vp.replaceChildren(...state.lecture.videos.map((v, i) => new Option(videoTitle(v), i)));
  vp.value = String(state.lecture.videos.indexOf(state.video));
}

function jumpItem(label, time, onClick) {
  const li = document.createElement("li");
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (time !== null) {
    const t = document.createElement("span");
    t.className = "time";
    t.textContent = fmtTime(time);
    b.append(t);
  }
  b.addEventListener("click", onClick);
  li.append(b);
  return li;
}

function loadVideo(video, src) {
  const el = $("video");
  el.replaceChildren();
  el.src = src || video.url;
  if (video.thumbnail) el.poster = video.thumbnail;
  if (!src && video.subtitles) {
    const t = document.createElement("track");
    Object.assign(t, { kind: "subtitles", src: video.subtitles, srclang: state.lecture.language,
                       label: w("subtitles") + " (" + state.lecture.language + ")", default: true });
    el.append(t);
  }
  if (!src && video.chapters_vtt) {
    const t = document.createElement("track");
    Object.assign(t, { kind: "chapters", src: video.chapters_vtt, srclang: state.lecture.language });
    el.append(t);
  }
  el.load();
}

function selectVideo(video) {
  state.video = video;
  loadVideo(video, null);
  $("chapters").replaceChildren(...video.chapters.map((c) => jumpItem(c.title, c.start, () => {
    const el = $("video");
    if (el.getAttribute("src") !== video.url) loadVideo(video, null);
    el.currentTime = c.start;
    el.play().catch(() => {});
  })));
  $("sections").replaceChildren(...video.sections.map((s) => jumpItem(s.title, null, () => {
    loadVideo(video, s.url);
    $("video").play().catch(() => {});
  })));
  renderLecturePickers();
  announce("lecture");
}

function ownLecture(lang) {
  // The default lecture of the language (default.yaml for en, zh.yaml for zh), else any lecture
  // rendered in it; never merely the first folder found.
  return state.lectures.find((l) => l.language === lang && l.default) ||
         state.lectures.find((l) => l.language === lang) || null;
}

async function loadLectures() {
  try {
    state.lectures = await (await fetch("/api/lectures")).json();
  } catch (e) {
    state.lectures = [];
  }
  state.lecture = ownLecture(state.lang) || state.lectures[0] || null;
  if (state.lecture) selectVideo(state.lecture.videos[0]);
  renderLecturePickers();
}

// ---- drawing pad --------------------------------------------------------------------------
const pad = $("pad");
const ctx = pad.getContext("2d");

function clearPad() {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
}

function padPoint(ev) {
  const r = pad.getBoundingClientRect();
  return [(ev.clientX - r.left) * pad.width / r.width, (ev.clientY - r.top) * pad.height / r.height];
}

function setupPad() {
  clearPad();
  let last = null;
  pad.addEventListener("pointerdown", (ev) => {
    pad.setPointerCapture(ev.pointerId);
    last = padPoint(ev);
    stroke(last, last, ev);
    ev.preventDefault();
  });
  pad.addEventListener("pointermove", (ev) => {
    if (!last) return;
    const p = padPoint(ev);
    stroke(last, p, ev);
    last = p;
  });
  const end = () => {
    if (!last) return;
    last = null;
    pad.toBlob((blob) => submit(blob), "image/png");
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
}

function stroke(a, b, ev) {
  // A pen's pressure thickens the line a little; mouse and touch draw at one width.
  const width = ev.pointerType === "pen" && ev.pressure > 0 ? 18 * (0.6 + ev.pressure * 0.8) : 18;
  ctx.strokeStyle = "#fff";
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(a[0], a[1]);
  ctx.lineTo(b[0], b[1]);
  ctx.stroke();
}

// ---- photos of any size -------------------------------------------------------------------
const MAX_SIDE = 1024;  // the longest side sent: the models see 28 x 28, a phone photo is 4000
const SEND_AS_IS = 2 * 1024 * 1024;  // a small picture that fits goes unchanged (bytes)

async function downsize(file) {
  // A chosen picture is drawn on a canvas at most MAX_SIDE px on its longest side and sent as
  // PNG (keeps transparency: the preprocessing reads it) or, for JPEG photos, as JPEG. What the
  // browser cannot decode goes as it is: the server then says what is wrong with it.
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (e) {
    return file;
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1 && file.size <= SEND_AS_IS) {
    bitmap.close();
    return file;
  }
  const c = document.createElement("canvas");
  c.width = Math.max(1, Math.round(width * scale));
  c.height = Math.max(1, Math.round(height * scale));
  const g = c.getContext("2d");
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = "high";
  g.drawImage(bitmap, 0, 0, c.width, c.height);
  bitmap.close();
  const jpeg = file.type === "image/jpeg";
  const type = jpeg ? "image/jpeg" : "image/png";
  const blob = await new Promise((ok) => c.toBlob(ok, type, 0.92));
  if (!blob) return file;
  const stem = (file.name || "photo").replace(/\.[^.]*$/, "");
  return new File([blob], stem + (jpeg ? ".jpg" : ".png"), { type });
}

// ---- talking to the server ----------------------------------------------------------------
async function post(path, blob) {
  const form = new FormData();
  form.append("image", blob, blob.name || "drawing.png");
  const res = await fetch(path, { method: "POST", body: form });
  const body = await res.json().catch(() => ({ detail: res.statusText }));
  if (!res.ok) throw refusal(res, body);
  return body;
}

function refusal(res, body) {
  // The server's JSON error as an Error; a 429 or 503 (the attacks' and sweeps' queue is full,
  // or this page has its share in progress) keeps its Retry-After for errorText.
  const e = new Error(body.detail || body.error || res.statusText);
  if (res.status === 429 || res.status === 503) e.retryAfter = +res.headers.get("Retry-After") || 1;
  return e;
}

function errorText(e) {
  if (e instanceof TypeError) return w("offline");  // fetch itself failed
  if (e.retryAfter) return fill(w("busy"), { seconds: e.retryAfter });
  return fill(w("error"), { detail: e.message });
}

async function submit(blob) {
  announce("image", blob);  // the explainer traces the same picture
  state.image = blob;
  state.rotation = null;
  $("rotate").disabled = false;
  $("sentence").textContent = w("thinking");
  try {
    state.result = await post("/api/predict?conv1=true", blob);
    state.error = null;
  } catch (e) {
    state.result = null;
    state.error = e;
  }
  renderResult();
  renderRotation();
  renderError();
}

async function rotate() {
  if (!state.image) return;
  $("rotate").disabled = true;
  try {
    state.rotation = await post("/api/rotate", state.image);
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  $("rotate").disabled = false;
  renderRotation();
  renderError();
}

function showResult(r) {
  // Both models' answers from another request (the explainer's, after painting pixels).
  state.result = r;
  state.error = null;
  renderResult();
  renderError();
}

function renderError() {
  const el = $("error");
  el.hidden = !state.error;
  if (!state.error) return;
  el.textContent = errorText(state.error);
}

// ---- results ------------------------------------------------------------------------------
// Every probability, belief, u and share goes through numbers.js, contract/numbers.py's rule:
// a value that is not exactly 0 or 1 never reads 0.00 or 1.00.
const { unit, signed } = window.Numbers;
const u3 = (x) => unit(x, { digits: 3 });
// In a narrow bar: "0.995" as ".995", "> 0.999" as ">.999" (same digits, the rule's bounds).
const short = (text) => text.replace(/^([<>]?) ?0\./, "$1.");

function numberText(el, text, value) {
  // The value drawn beside its text: the browser tests compare the two.
  el.textContent = text;
  el.dataset.value = String(value);
  return el;
}

function drawGrid(canvas, grid, colour) {
  const h = grid.length, wd = grid[0].length;
  canvas.width = wd;
  canvas.height = h;
  const c = canvas.getContext("2d");
  const img = c.createImageData(wd, h);
  let max = 0;
  for (const row of grid) for (const v of row) max = Math.max(max, v);
  const scale = colour ? (max > 0 ? 1 / max : 0) : 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < wd; x++) {
      const v = Math.min(1, Math.max(0, grid[y][x] * scale));
      const [r, g, b] = colour ? heat(v) : [v * 255, v * 255, v * 255];
      const i = 4 * (y * wd + x);
      img.data.set([r, g, b, 255], i);
    }
  }
  c.putImageData(img, 0, 0);
}

function heat(v) {
  // black -> the lecture's orange -> white, for feature-map strength
  if (v < 0.6) { const t = v / 0.6; return [230 * t, 159 * t, 0]; }
  const t = (v - 0.6) / 0.4;
  return [230 + 25 * t, 159 + 96 * t, 255 * t];
}

function bars(el, values, pred, cls) {
  el.replaceChildren(...values.map((v, k) => {
    const col = document.createElement("div");
    col.className = "bar" + (k === pred ? " pred" : "");
    col.title = k + ": " + u3(v);
    const fillEl = document.createElement("div");
    fillEl.className = "fill " + cls;
    fillEl.style.height = (100 * v).toFixed(1) + "%";
    const val = document.createElement("span");
    val.className = "val";
    numberText(val, short(unit(v)), v);
    const lab = document.createElement("span");
    lab.className = "lab";
    lab.textContent = k;
    col.append(val, fillEl, lab);
    return col;
  }));
}

function stackedBar(el, belief, u, pred) {
  const parts = belief.map((b, k) => ({ v: b, label: "b" + k, cls: k === pred ? "pred" : "b" + (k % 2) }));
  parts.push({ v: u, label: "u", cls: "u" });
  // Tiny beliefs are left out; u always shows (a sliver when the model is sure).
  el.replaceChildren(...parts.filter((p) => p.v > 0.004 || p.cls === "u").map((p) => {
    const s = document.createElement("div");
    s.className = "seg " + p.cls;
    s.style.width = (100 * p.v).toFixed(2) + "%";
    s.title = p.label + " = " + u3(p.v);
    if (p.v > 0.12) {  // room for "b1 0.93": a narrower one clips it ("u 0.0" misreads)
      s.textContent = p.label + " " + unit(p.v);
      s.dataset.value = String(p.v);
    }
    return s;
  }));
}

function compact(v) {
  // evidence spans 0 to thousands: keep every cell about four characters wide
  // (never a false 0: evidence of 0.0004 reads "< 0.001")
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : signed(v);
}

function edlTable(el, e) {
  // One row per class, so that large evidence never widens the card.
  const head = ["k", "e", "α", "b", "p̂"];
  const rows = e.alpha.map((_, k) => [k, compact(e.evidence[k]), compact(e.alpha[k]),
                                      [u3(e.belief[k]), e.belief[k]], [u3(e.probs[k]), e.probs[k]]]);
  const tr = (cells, tag, cls) => {
    const row = document.createElement("tr");
    if (cls) row.className = cls;
    row.append(...cells.map((v, i) => {
      const td = document.createElement(i === 0 ? "th" : tag);
      if (Array.isArray(v)) numberText(td, v[0], v[1]);  // [text, value]: a probability
      else td.textContent = v;
      return td;
    }));
    return row;
  };
  el.replaceChildren(tr(head, "th"), ...rows.map((r, k) => tr(r, "td", k === e.prediction ? "pred" : "")));
}

function sentence(r) {
  const u = r.edl.u;
  const key = u <= 0.25 ? "sentence_sure" : u <= 0.5 ? "sentence_some" : "sentence_unsure";
  return fill(w(key), { s: r.softmax.prediction, p: unit(Math.max(...r.softmax.probs)),
                        e: r.edl.prediction, u: unit(u, { digits: u < 0.1 ? 3 : 2 }) });
}

function renderResult() {
  const r = state.result;
  renderMore(r);
  if (!r) {
    $("sentence").textContent = w("waiting");
    return;
  }
  $("sentence").textContent = sentence(r);
  drawGrid($("seen"), r.input, false);
  $("softmax-pred").textContent = w("prediction") + ": " + r.softmax.prediction;
  bars($("softmax-bars"), r.softmax.probs, r.softmax.prediction, "softmax");
  $("softmax-entropy").textContent = signed(r.softmax.entropy, { digits: 3 });
  $("edl-pred").textContent = w("prediction") + ": " + r.edl.prediction;
  numberText($("edl-u"), u3(r.edl.u), r.edl.u);
  $("edl-S").textContent = signed(r.edl.S);
  $("edl-entropy").textContent = signed(r.edl.entropy, { digits: 3 });
  stackedBar($("edl-stack"), r.edl.belief, r.edl.u, r.edl.prediction);
  bars($("edl-bars"), r.edl.probs, r.edl.prediction, "edl");
  edlTable($("edl-table"), r.edl);
  renderConv1(r.conv1);
}

function renderConv1(maps) {
  $("conv1-out").hidden = !maps;
  if (!maps) return;
  $("conv1-title").textContent = w("conv1_title") + " · " +
    fill(w("fm_maps"), { n: maps.length, h: maps[0].length, w: maps[0][0].length });
  $("conv1-maps").replaceChildren(...maps.map((m, k) => {
    const fig = document.createElement("figure");
    const c = document.createElement("canvas");
    drawGrid(c, m, true);
    const cap = document.createElement("figcaption");
    cap.textContent = k;
    fig.append(c, cap);
    return fig;
  }));
}

// ---- rotation sweep plot ------------------------------------------------------------------
function svgEl(name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function renderRotation() {
  const r = state.rotation;
  $("rotate-out").hidden = !r;
  if (!r) return;
  drawSweep($("rotate-plot"), r);
  renderMoreSweep(r);
  $("rotate-strip").replaceChildren(...r.images.map((g, i) => {
    const fig = document.createElement("figure");
    const c = document.createElement("canvas");
    drawGrid(c, g, false);
    const cap = document.createElement("figcaption");
    cap.textContent = r.angles[i].toFixed(0) + "°";
    fig.append(c, cap);
    return fig;
  }));
}

// Softmax's confidence and EDL's u over the angles of a sweep (/api/rotate's answer), each
// point labelled with the digit that model names: the EDL paper's Figure 1.
function drawSweep(svg, r) {
  const W = 760, H = 300, L = 56, R = 20, T = 40, B = 46;
  const x = (a) => L + (W - L - R) * a / 180;
  const y = (v) => T + (H - T - B) * (1 - v);
  const kids = [];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    kids.push(svgEl("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }));
    kids.push(svgEl("text", { x: L - 8, y: y(v) + 4, class: "tick", "text-anchor": "end" }, unit(v)));
  }
  r.angles.forEach((a) => kids.push(svgEl("text", { x: x(a), y: H - B + 16, class: "tick",
                                                    "text-anchor": "middle" }, a.toFixed(0))));
  kids.push(svgEl("text", { x: (L + W - R) / 2, y: H - 6, class: "axis", "text-anchor": "middle" }, w("angle")));
  // Each point is labelled with the digit that model names; EDL's labels go below its line
  // except near the axis, where they would hit the tick labels.
  const series = [[r.softmax_confidence, "softmax", r.softmax_prediction, () => -10],
                  [r.edl_u, "edl", r.edl_prediction, (v) => (v < 0.15 ? -10 : 18)]];
  for (const [vals, cls, preds, offset] of series) {
    const d = vals.map((v, i) => (i ? "L" : "M") + x(r.angles[i]).toFixed(1) + "," + y(v).toFixed(1)).join("");
    kids.push(svgEl("path", { d, class: "line " + cls }));
    vals.forEach((v, i) => {
      // data-value: the plotted number itself (the browser test reads it against the API's)
      kids.push(svgEl("circle", { cx: x(r.angles[i]), cy: y(v), r: 3.5, class: "dot " + cls,
                                  "data-value": v, "data-angle": r.angles[i] }));
      kids.push(svgEl("text", { x: x(r.angles[i]), y: y(v) + offset(v), class: "digit " + cls,
                                "text-anchor": "middle" }, preds[i]));
    });
  }
  const legend = [[w("rot_softmax"), "softmax"], [w("rot_edl"), "edl"]];
  legend.forEach(([label, cls], i) => {
    const lx = L + 10 + i * 300;
    kids.push(svgEl("line", { x1: lx, x2: lx + 26, y1: 16, y2: 16, class: "line " + cls }));
    kids.push(svgEl("text", { x: lx + 32, y: 20, class: "legend" }, label));
  });
  svg.replaceChildren(...kids);
}

// ---- start --------------------------------------------------------------------------------
async function start() {
  state.words = await (await fetch("/api/wording")).json();
  const saved = localStorage.getItem("lang");
  state.lang = saved in state.words ? saved : (navigator.language || "").startsWith("zh") ? "zh" : "en";
  setupPad();
  $("clear").addEventListener("click", () => {
    clearPad();
    state.result = state.rotation = state.image = state.error = null;
    $("rotate").disabled = true;
    $("conv1-out").hidden = true;
    $("rotate-out").hidden = true;
    $("seen").getContext("2d").clearRect(0, 0, 28, 28);
    for (const id of ["softmax-bars", "edl-bars", "edl-stack", "edl-table"]) $(id).replaceChildren();
    for (const id of ["softmax-pred", "edl-pred", "softmax-entropy", "edl-u", "edl-S", "edl-entropy"]) $(id).textContent = "–";
    announce("clear");
    applyWords();
  });
  $("upload").addEventListener("change", (ev) => {
    const file = ev.target.files[0];
    ev.target.value = "";  // choosing the same file again still uploads
    if (!file) return;
    $("sentence").textContent = w("thinking");
    downsize(file).then(submit);
  });
  $("rotate").addEventListener("click", rotate);
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    localStorage.setItem("lang", state.lang);
    const own = ownLecture(state.lang);
    if (own && state.lecture.language !== state.lang) {  // the lecture rendered in that language
      state.lecture = own;
      selectVideo(own.videos[0]);
    }
    applyWords();
  });
  $("lecture-pick").addEventListener("change", (ev) => {
    state.lecture = state.lectures[+ev.target.value];
    selectVideo(state.lecture.videos[0]);
  });
  $("video-pick").addEventListener("change", (ev) => selectVideo(state.lecture.videos[+ev.target.value]));
  await loadLectures();
  await Promise.all(platformInits.map((f) => f()));
  applyWords();
  document.body.dataset.ready = "1";  // for the browser tests
}

start();
