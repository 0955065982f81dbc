// The whole network for the student's input (/api/network), and painting single pixels of the
// 28 x 28 input with debounced updates. Every value drawn here is one the server sent: the
// page only decodes, colours and formats them (numbers.js).
//     a drawing or upload  -> platform:image -> POST /api/network (the same picture, raw body)
//     a painted pixel      -> 150 ms quiet    -> POST /api/network {input}   (one in flight)
"use strict";

const ex = { model: "softmax", input: null, layers: null, net: null, cursor: [14, 14],
             seq: 0, shown: 0, inFlight: false, dirty: false, timer: null, selected: null };
const SIDE = 28;
const PAINT_QUIET_MS = 150;  // painting sends once the pointer has paused this long
//: [layer, words key, colouring]: signed maps (before ReLU) diverge around 0
const ROWS = [["conv1", "x_conv1", "signed"], ["relu1", "x_relu1", "heat"],
              ["pool1", "x_pool1", "heat"], ["conv2", "x_conv2", "signed"],
              ["relu2", "x_relu2", "heat"], ["pool2", "x_pool2", "heat"],
              ["fc1", "x_fc1", "heat"], ["logits", "x_logits", "bars"]];
const CLICKABLE = new Set(["conv1", "relu1", "pool1", "conv2", "relu2", "pool2"]);
const fmt3 = (v) => signed(v, { digits: 3 });

// ---- tensors: base64 float64, exactly what the server computed ------------------------------
function decodeTensor(t) {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  // little-endian, as every browser's typed arrays are on the machines that run them
  return { shape: t.shape, data: new Float64Array(bytes.buffer) };
}

function at(layer, c, r, col) {  // the value of a (channels, h, w) tensor
  const [, h, wd] = layer.shape;
  return layer.data[(c * h + r) * wd + col];
}

function inputGrid() {
  const g = [];
  for (let r = 0; r < SIDE; r++) g.push(Array.from(ex.input.slice(r * SIDE, (r + 1) * SIDE)));
  return g;
}

// ---- talking to the server ------------------------------------------------------------------
async function postNetwork(body, json) {
  const seq = ++ex.seq;
  const opts = json ? { method: "POST", headers: { "Content-Type": "application/json" },
                        body: JSON.stringify(body) }
                    : { method: "POST", body, headers: { "Content-Type": body.type || "application/octet-stream" } };
  const res = await fetch("/api/network?model=" + ex.model, opts);
  const doc = await res.json().catch(() => ({ detail: res.statusText }));
  if (!res.ok) throw new Error(doc.detail || doc.error || res.statusText);
  return [seq, doc];
}

async function traceImage(blob) {
  // the same (already downsized) picture as /api/predict got, as a raw body
  await trace(blob, false, false);
}

async function traceInput(painted) {
  if (!ex.input) return;
  if (ex.inFlight) { ex.dirty = true; return; }  // the newest pixels go when this one is back
  ex.inFlight = true;
  try {
    await trace({ input: inputGrid() }, true, painted);
  } finally {
    ex.inFlight = false;
  }
  if (ex.dirty) { ex.dirty = false; traceInput(painted); }
}

async function trace(body, json, painted) {
  $("x-status").textContent = w("x_thinking");
  try {
    const [seq, doc] = await postNetwork(body, json);
    if (seq < ex.shown) return;  // an older answer arriving late
    ex.shown = seq;
    showNetwork(doc, painted);
  } catch (e) {
    $("x-status").textContent = e instanceof TypeError ? w("offline") : fill(w("error"), { detail: e.message });
  }
}

function showNetwork(doc, painted) {
  ex.net = doc;
  ex.layers = Object.fromEntries(doc.layers.map((l) => [l.key, { ...decodeTensor(l.values), params: l.params }]));
  if (!painted || !ex.input) ex.input = Float64Array.from(ex.layers.input.data);
  $("x-status").textContent = fill(w("x_traced"), { model: w(doc.model) });
  drawPaint();
  renderNetwork();
  renderHeads(doc);
  setCellBounds();
  $("cell-show").disabled = false;
  if (ex.selected) requestCell(ex.selected, false);  // the open cell follows the new input
  if (painted) {  // the answers above follow the painted pixels too
    const conv1 = doc.model === "softmax" ? mapsOf(ex.layers.relu1) : null;
    showResult({ input: inputGrid(), softmax: doc.softmax, edl: doc.edl, conv1 });
  }
  document.dispatchEvent(new CustomEvent("explainer:input"));
}

function mapsOf(layer) {
  const [n, h, wd] = layer.shape;
  return Array.from({ length: n }, (_, c) => Array.from({ length: h }, (_, r) =>
    Array.from(layer.data.slice((c * h + r) * wd, (c * h + r + 1) * wd))));
}

// ---- colours (a key with numbers beside every one) -------------------------------------------
function diverge(v) {  // v in [-1, 1]: blue below 0, black at 0, orange above
  const t = Math.min(1, Math.abs(v));
  return v < 0 ? [86 * t, 180 * t, 233 * t] : [230 * t, 159 * t, 0];
}

function paintCanvas(canvas, h, wd, value, colour) {
  canvas.width = wd;
  canvas.height = h;
  const g = canvas.getContext("2d");
  const img = g.createImageData(wd, h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < wd; c++) {
      img.data.set([...colour(value(r, c)), 255], 4 * (r * wd + c));
    }
  }
  g.putImageData(img, 0, 0);
}

function layerScale(layer, kind) {
  let m = 0;
  for (const v of layer.data) m = Math.max(m, kind === "signed" ? Math.abs(v) : v);
  return m;
}

function keyFor(kind, scale) {
  const el = document.createElement("p");
  el.className = "x-key";
  if (kind === "signed") {
    el.append(swatch("neg"), " " + fmt3(-scale) + " (" + w("x_negative") + ")  ",
              swatch("zero"), " 0  ", swatch("pos"), " " + fmt3(scale) + " (" + w("x_positive") + ")");
  } else {
    el.append(swatch("zero"), " 0  ", swatch("heat"), " " + fmt3(scale) + " (" + w("x_largest") + ")");
  }
  return el;
}

function swatch(cls) {
  const s = document.createElement("span");
  s.className = "sw " + cls;
  s.setAttribute("aria-hidden", "true");
  return s;
}

// ---- the layers -------------------------------------------------------------------------------
function renderNetwork() {
  const root = $("x-network");
  if (!ex.layers) { root.replaceChildren(); return; }
  root.replaceChildren(...ROWS.map(([key, words, kind]) => layerRow(key, words, kind)));
  markSelected();
  renderLinks();
}

function layerRow(key, words, kind) {
  const layer = ex.layers[key];
  const row = document.createElement("div");
  row.className = "x-layer";
  row.id = "x-layer-" + key;
  const head = document.createElement("div");
  head.className = "x-head";
  const h3 = document.createElement("h3");
  const shape = document.createElement("span");
  shape.className = "shape";
  shape.textContent = layer.shape.join(" × ") + (layer.params ? " · " + fill(w("x_params"), { n: layer.params.toLocaleString("en") }) : "");
  h3.append(w(words) + " ", shape);
  const link = document.createElement("span");
  link.className = "x-link";
  link.dataset.panel = key;
  head.append(h3, link);
  const desc = document.createElement("p");
  desc.className = "x-desc";
  desc.textContent = w(words + "_desc");
  const readout = document.createElement("p");
  readout.className = "x-readout";
  readout.id = "x-readout-" + key;
  row.append(head, desc);
  if (kind === "bars") {
    row.append(logitBars(layer));
    return row;
  }
  const scale = layerScale(layer, kind);
  row.append(keyFor(kind, scale));
  row.append(key === "fc1" ? vectorMap(layer, scale, readout) : mapGrid(key, layer, kind, scale, readout));
  row.append(readout);
  return row;
}

function mapGrid(key, layer, kind, scale, readout) {
  const [n, h, wd] = layer.shape;
  const grid = document.createElement("div");
  grid.className = "maps x-maps " + (wd >= 12 ? "big" : "small");
  const colour = kind === "signed" ? (v) => diverge(scale ? v / scale : 0)
                                   : (v) => heat(scale ? Math.max(0, v) / scale : 0);
  for (let c = 0; c < n; c++) {
    const fig = document.createElement("figure");
    fig.className = "x-map";
    const canvas = document.createElement("canvas");
    paintCanvas(canvas, h, wd, (r, col) => at(layer, c, r, col), colour);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", fill(w("x_map_label"), { layer: key, k: c }));
    canvas.dataset.layer = key;
    canvas.dataset.channel = c;
    const cell = (ev) => {
      const b = canvas.getBoundingClientRect();
      const r = Math.min(h - 1, Math.floor((ev.clientY - b.top) / b.height * h));
      const col = Math.min(wd - 1, Math.floor((ev.clientX - b.left) / b.width * wd));
      return [Math.max(0, r), Math.max(0, col)];
    };
    canvas.addEventListener("pointermove", (ev) => {
      const [r, col] = cell(ev);
      readout.textContent = fill(w("x_cell_value"), { layer: key, k: c, r, c: col, v: fmt3(at(layer, c, r, col)) });
    });
    if (CLICKABLE.has(key)) {
      canvas.addEventListener("click", (ev) => {
        const [r, col] = cell(ev);
        selectCell({ layer: key, channel: c, row: r, col });
      });
    }
    const cap = document.createElement("figcaption");
    cap.textContent = c;
    fig.append(canvas, cap);
    grid.append(fig);
  }
  return grid;
}

function vectorMap(layer, scale, readout) {
  // 500 values in 20 rows of 25, unit k at row floor(k / 25)
  const COLS = 25, n = layer.data.length, rows = Math.ceil(n / COLS);
  const canvas = document.createElement("canvas");
  canvas.className = "x-vector";
  paintCanvas(canvas, rows, COLS, (r, c) => (r * COLS + c < n ? layer.data[r * COLS + c] : 0),
              (v) => heat(scale ? v / scale : 0));
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", fill(w("x_fc1_label"), { n }));
  canvas.addEventListener("pointermove", (ev) => {
    const b = canvas.getBoundingClientRect();
    const k = Math.floor((ev.clientY - b.top) / b.height * rows) * COLS +
              Math.floor((ev.clientX - b.left) / b.width * COLS);
    if (k >= 0 && k < n) readout.textContent = fill(w("x_unit_value"), { k, v: fmt3(layer.data[k]) });
  });
  return canvas;
}

function logitBars(layer) {
  const list = document.createElement("ol");
  list.className = "x-logits";
  list.start = 0;
  const m = Math.max(...Array.from(layer.data, Math.abs)) || 1;
  const top = layer.data.indexOf(Math.max(...layer.data));
  layer.data.forEach((v, k) => {
    const li = document.createElement("li");
    if (k === top) li.className = "top";
    const lab = document.createElement("span");
    lab.className = "k";
    lab.textContent = k;
    const bar = document.createElement("span");
    bar.className = "x-bar " + (v < 0 ? "neg" : "pos");
    bar.style.width = (50 * Math.abs(v) / m).toFixed(1) + "%";
    bar.style.marginLeft = v < 0 ? (50 - 50 * Math.abs(v) / m).toFixed(1) + "%" : "50%";
    const val = numberText(document.createElement("span"), signed(v), v);
    val.className = "v";
    li.append(lab, bar, val);
    if (k === top) li.append(" ◀ " + w("x_largest"));
    list.append(li);
  });
  return list;
}

// ---- choosing a cell (click, tap, or the form) ------------------------------------------------
const CELL_SOURCE = { conv1: "conv1", relu1: "relu1", pool1: "pool1", conv2: "conv2", relu2: "relu2", pool2: "pool2" };

function setCellBounds() {
  if (!ex.layers) return;
  const layer = ex.layers[CELL_SOURCE[$("cell-layer").value]];
  const [n, h, wd] = layer.shape;
  for (const [id, max] of [["cell-channel", n - 1], ["cell-row", h - 1], ["cell-col", wd - 1]]) {
    const el = $(id);
    el.max = max;
    if (+el.value > max) el.value = max;
  }
}

function selectCell(sel) {
  $("cell-layer").value = sel.layer;
  setCellBounds();
  $("cell-channel").value = sel.channel;
  $("cell-row").value = sel.row;
  $("cell-col").value = sel.col;
  requestCell(sel, true);
}

async function requestCell(sel, scroll) {
  ex.selected = sel;
  markSelected();
  const body = { input: inputGrid(), model: ex.model, layer: sel.layer, channel: sel.channel,
                 row: sel.row, col: sel.col, top: 3 };
  try {
    const res = await fetch("/api/cell", { method: "POST", headers: { "Content-Type": "application/json" },
                                           body: JSON.stringify(body) });
    const doc = await res.json();
    if (!res.ok) throw new Error(doc.detail || doc.error);
    if (ex.selected !== sel) return;  // another cell was chosen meanwhile
    renderCell(doc, at(ex.layers[sel.layer], sel.channel, sel.row, sel.col), sel.layer);
    if (scroll) $("x-cell").scrollIntoView({ block: "nearest" });
  } catch (e) {
    $("x-cell").hidden = false;
    $("x-cell").textContent = fill(w("error"), { detail: e.message });
  }
}

function markSelected() {
  for (const m of document.querySelectorAll(".x-mark")) m.remove();
  const sel = ex.selected;
  if (!sel || !ex.layers) return;
  const canvas = document.querySelector(`#x-layer-${sel.layer} canvas[data-channel="${sel.channel}"]`);
  if (!canvas) return;
  const [, h, wd] = ex.layers[sel.layer].shape;
  const mark = document.createElement("span");
  mark.className = "x-mark";
  Object.assign(mark.style, { left: (100 * sel.col / wd) + "%", top: (100 * sel.row / h) + "%",
                              width: (100 / wd) + "%", height: (100 / h) + "%" });
  canvas.parentElement.append(mark);
}

// ---- painting single pixels -------------------------------------------------------------------
const paint = $("paint");

function drawPaint() {
  const g = paint.getContext("2d");
  const s = paint.width / SIDE;
  g.fillStyle = "#000";
  g.fillRect(0, 0, paint.width, paint.height);
  if (ex.input) {
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const v = Math.round(255 * ex.input[r * SIDE + c]);
        g.fillStyle = `rgb(${v},${v},${v})`;
        g.fillRect(c * s, r * s, s, s);
      }
    }
  }
  const [r, c] = ex.cursor;
  g.strokeStyle = "#f0c04a";
  g.lineWidth = 2;
  g.strokeRect(c * s + 1, r * s + 1, s - 2, s - 2);
  paint.setAttribute("aria-label", w("x_paint_label"));
}

function brush() {
  return +document.querySelector("input[name=brush]:checked").value;
}

function setPixel(r, c, v) {
  if (!ex.input) ex.input = new Float64Array(SIDE * SIDE);
  if (ex.input[r * SIDE + c] === v) return;
  ex.input[r * SIDE + c] = v;
  clearTimeout(ex.timer);
  ex.timer = setTimeout(() => traceInput(true), PAINT_QUIET_MS);
}

function sayCursor() {
  const [r, c] = ex.cursor;
  const v = ex.input ? ex.input[r * SIDE + c] : 0;
  $("paint-cursor").textContent = fill(w("x_pixel"), { r, c, v: unit(v) });
}

function pixelAt(ev) {
  const b = paint.getBoundingClientRect();
  const r = Math.floor((ev.clientY - b.top) / b.height * SIDE);
  const c = Math.floor((ev.clientX - b.left) / b.width * SIDE);
  return r >= 0 && r < SIDE && c >= 0 && c < SIDE ? [r, c] : null;
}

function setupPaint() {
  let down = false;
  const apply = (ev) => {
    const p = pixelAt(ev);
    if (!p) return;
    ex.cursor = p;
    setPixel(p[0], p[1], brush());
    drawPaint();
    sayCursor();
  };
  paint.addEventListener("pointerdown", (ev) => {
    paint.setPointerCapture(ev.pointerId);
    down = true;
    apply(ev);
    ev.preventDefault();
  });
  paint.addEventListener("pointermove", (ev) => { if (down) apply(ev); });
  const up = () => { down = false; };
  paint.addEventListener("pointerup", up);
  paint.addEventListener("pointercancel", up);
  paint.addEventListener("keydown", (ev) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let [r, c] = ex.cursor;
    if (moves[ev.key]) {
      r = Math.min(SIDE - 1, Math.max(0, r + moves[ev.key][0]));
      c = Math.min(SIDE - 1, Math.max(0, c + moves[ev.key][1]));
      ex.cursor = [r, c];
      if (ev.shiftKey) setPixel(r, c, brush());  // Shift + arrows draws a line
    } else if (ev.key === " " || ev.key === "Enter") {
      setPixel(r, c, brush());
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      setPixel(r, c, 0);
    } else {
      return;
    }
    ev.preventDefault();
    drawPaint();
    sayCursor();
  });
  $("paint-clear").addEventListener("click", () => {
    if (!ex.input) return;
    ex.input.fill(0);
    drawPaint();
    clearTimeout(ex.timer);
    traceInput(true);
  });
}

// ---- wiring ---------------------------------------------------------------------------------
function setupExplainer() {
  setupPaint();
  drawPaint();
  sayCursor();
  document.addEventListener("platform:image", (ev) => traceImage(ev.detail));
  document.addEventListener("platform:clear", () => {
    ex.input = ex.layers = ex.net = ex.selected = null;
    $("x-cell").hidden = true;
    $("x-heads").hidden = true;
    $("cell-show").disabled = true;
    renderNetwork();
    drawPaint();
    sayCursor();
    document.dispatchEvent(new CustomEvent("explainer:input"));
  });
  document.addEventListener("platform:words", () => {
    drawPaint();
    sayCursor();
    if (ex.net) {
      $("x-status").textContent = fill(w("x_traced"), { model: w(ex.net.model) });
      renderNetwork();
      renderHeads(ex.net);
      if (ex.selected) requestCell(ex.selected, false);
    }
  });
  for (const r of document.querySelectorAll("input[name=x-model]")) {
    r.addEventListener("change", () => { ex.model = r.value; traceInput(false); });
  }
  $("cell-layer").addEventListener("change", setCellBounds);
  $("cell-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!ex.layers) return;
    setCellBounds();
    const num = (id) => Math.max(0, Math.min(+$(id).max, Math.floor(+$(id).value || 0)));
    requestCell({ layer: $("cell-layer").value, channel: num("cell-channel"), row: num("cell-row"),
                  col: num("cell-col") }, true);
  });
}

setupExplainer();
