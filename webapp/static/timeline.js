// Watch it learn: the student's input through both models as they were after each epoch of
// training (/api/timeline/step), EDL's evidence, u and the KL weight λ_t then, the loss curves
// with the epoch marked, and the rotation sweep with that epoch's weights (/api/timeline/rotate).
//     step / play -> POST /api/timeline/step {input, epoch} (one in flight) -> cards + curves
//                 -> POST /api/timeline/rotate (the heavy queue; skipped while one is out)
"use strict";

const tl = { info: null, epoch: 1, playing: false, timer: null, inFlight: false, dirty: false,
             step: null, sweep: null, sweeping: false, sweepWanted: null };
const TL_EPOCH_MS = 1000;  // one epoch a second at 1×

async function loadTimeline() {
  try {
    const res = await fetch("/api/timeline");
    tl.info = res.ok ? await res.json() : null;
  } catch (e) {
    tl.info = null;
  }
  if (tl.info) {
    $("tl-epoch").max = tl.info.epochs.length;
  }
}

const tlEpochs = () => (tl.info ? tl.info.epochs : []);

function setEpoch(index) {
  const n = tlEpochs().length;
  if (!n) return;
  const i = Math.max(0, Math.min(n - 1, index));
  tl.epoch = tlEpochs()[i];
  $("tl-epoch").value = i + 1;
  $("tl-epoch-out").textContent = fill(w("x_tl_epoch"), { e: tl.epoch, n: tlEpochs()[n - 1] });
  runStep();
}

const epochIndex = () => tlEpochs().indexOf(tl.epoch);

function setPlaying(on) {
  tl.playing = on;
  clearTimeout(tl.timer);
  $("tl-play").setAttribute("aria-pressed", on ? "true" : "false");
  $("tl-play").textContent = w(on ? "x_tl_pause" : "x_tl_play");
  if (on) {
    if (epochIndex() === tlEpochs().length - 1) setEpoch(0);  // play again from the start
    schedulePlay();
  }
}

function schedulePlay() {
  clearTimeout(tl.timer);
  tl.timer = setTimeout(() => {
    if (!tl.playing) return;
    if (epochIndex() >= tlEpochs().length - 1) { setPlaying(false); return; }
    setEpoch(epochIndex() + 1);
    schedulePlay();
  }, TL_EPOCH_MS / +$("tl-speed").value);
}

async function runStep() {
  if (!ex.input || !tl.info) return;
  if (tl.inFlight) { tl.dirty = true; return; }
  tl.inFlight = true;
  const epoch = tl.epoch;
  try {
    const res = await fetch("/api/timeline/step", { method: "POST", headers: { "Content-Type": "application/json" },
                                                    body: JSON.stringify({ input: inputGrid(), epoch }) });
    const doc = await res.json();
    if (!res.ok) throw refusal(res, doc);
    tl.step = doc;
    renderTimeline();
    runSweep(epoch);
  } catch (e) {
    $("tl-status").textContent = errorText(e);
  } finally {
    tl.inFlight = false;
  }
  if (tl.dirty) { tl.dirty = false; runStep(); }
}

async function runSweep(epoch) {
  // One sweep at a time; a step that lands meanwhile leaves its epoch in tl.sweepWanted,
  // and the sweep in flight asks again for it when it ends, so the last step is never lost.
  tl.sweepWanted = epoch;
  if (tl.sweeping) return;
  tl.sweeping = true;
  try {
    while (tl.sweepWanted !== null) {
      const want = tl.sweepWanted;
      tl.sweepWanted = null;
      const res = await fetch("/api/timeline/rotate", { method: "POST", headers: { "Content-Type": "application/json" },
                                                        body: JSON.stringify({ input: inputGrid(), epoch: want }) });
      if (res.ok) { tl.sweep = await res.json(); renderSweep(); }
    }
  } catch (e) {
    // a sweep refused under load (429/503) leaves the last one on screen; the step still shows
  } finally {
    tl.sweeping = false;
  }
}

function tlCard(el, kind, r, doc) {
  const h = document.createElement("h3");
  h.textContent = w(kind);
  const big = document.createElement("div");
  big.className = "big";
  big.textContent = String(r.prediction);
  const sub = document.createElement("div");
  sub.className = "subtitle";
  sub.textContent = w(kind === "edl" ? "p_hat" : "probs");
  const b = document.createElement("div");
  b.className = "bars";
  bars(b, r.probs, r.prediction, kind);
  const dl = document.createElement("dl");
  dl.className = "inline";
  const add = (label, text, value, field) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = numberText(document.createElement("dd"), text, value);
    dd.dataset.field = field;
    dl.append(dt, dd);
  };
  if (kind === "edl") {
    add("u", u3(r.u), r.u, "u");
    add(w("x_tl_evidence"), compact(r.S - r.alpha.length), r.S - r.alpha.length, "evidence");
    add(w("x_tl_lambda"), unit(doc.kl_weight), doc.kl_weight, "lambda");
  } else {
    add(w("entropy"), unit(r.entropy, { digits: 3 }), r.entropy, "entropy");
  }
  add(w("x_tl_train_loss"), unit(doc.train_loss[kind], { digits: 3 }), doc.train_loss[kind], "train_loss");
  el.replaceChildren(h, big, dl, sub, b);
  el.dataset.prediction = r.prediction;
}

function renderTimeline() {
  const doc = tl.step;
  $("tl-out").hidden = !doc;
  if (!doc) return;
  tlCard($("tl-softmax"), "softmax", doc.softmax, doc);
  tlCard($("tl-edl"), "edl", doc.edl, doc);
  $("tl-out").dataset.epoch = doc.epoch;
  drawLoss($("tl-loss"), doc.info, doc.epoch);
  const ut = u3(doc.edl.u);  // "u < 0.001", never "u = < 0.001"
  $("tl-status").textContent = fill(w("x_tl_said"), {
    e: doc.epoch, sd: doc.softmax.prediction, ed: doc.edl.prediction,
    u: (/^[<>]/.test(ut) ? "u " : "u = ") + ut, lam: unit(doc.kl_weight) });
}

function renderSweep() {
  if (!tl.sweep) return;
  drawSweep($("tl-sweep"), tl.sweep);
  $("tl-sweep").setAttribute("aria-label", fill(w("x_tl_sweep_label"), { e: tl.sweep.epoch }));
}

// Both models' training (solid) and held-out (dashed) loss per epoch, the shown epoch marked.
function drawLoss(svg, info, epoch) {
  const W = 760, H = 260, L = 56, R = 20, T = 40, B = 40;
  const n = info.epochs.length, last = info.epochs[n - 1], first = info.epochs[0];
  const all = Object.values(info.curves).flatMap((c) => [...c.train_loss, ...c.heldout_loss]);
  const top = Math.max(...all) * 1.05 || 1;
  const x = (e) => L + (W - L - R) * (last === first ? 0.5 : (e - first) / (last - first));
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const kids = [];
  for (const f of [0, 0.5, 1]) {
    kids.push(svgEl("line", { x1: L, x2: W - R, y1: y(f * top), y2: y(f * top), class: "grid" }));
    kids.push(svgEl("text", { x: L - 8, y: y(f * top) + 4, class: "tick", "text-anchor": "end" }, compact(f * top)));
  }
  info.epochs.forEach((e) => kids.push(svgEl("text", { x: x(e), y: H - B + 16, class: "tick", "text-anchor": "middle" }, e)));
  kids.push(svgEl("text", { x: (L + W - R) / 2, y: H - 4, class: "axis", "text-anchor": "middle" }, w("x_tl_epoch_axis")));
  for (const [kind, c] of Object.entries(info.curves)) {
    for (const part of ["train", "heldout"]) {
      const vals = c[part + "_loss"];
      const d = vals.map((v, i) => (i ? "L" : "M") + x(info.epochs[i]).toFixed(1) + "," + y(v).toFixed(1)).join("");
      kids.push(svgEl("path", { d, class: "line " + kind + " " + part }));
    }
  }
  kids.push(svgEl("line", { x1: x(epoch), x2: x(epoch), y1: T - 6, y2: H - B, class: "now" }));
  const legend = [["softmax", "train"], ["softmax", "heldout"], ["edl", "train"], ["edl", "heldout"]];
  legend.forEach(([kind, part], i) => {
    const lx = L + 6 + i * 178;
    kids.push(svgEl("line", { x1: lx, x2: lx + 24, y1: 16, y2: 16, class: "line " + kind + " " + part }));
    kids.push(svgEl("text", { x: lx + 29, y: 20, class: "legend" }, w(kind) + " " + w("x_tl_" + part)));
  });
  svg.setAttribute("aria-label", fill(w("x_tl_loss_label"), { e: epoch }));
  svg.replaceChildren(...kids);
}

function setupTimeline() {
  $("tl-back").addEventListener("click", () => { setPlaying(false); setEpoch(epochIndex() - 1); });
  $("tl-forward").addEventListener("click", () => { setPlaying(false); setEpoch(epochIndex() + 1); });
  $("tl-play").addEventListener("click", () => setPlaying(!tl.playing));
  $("tl-epoch").addEventListener("input", (ev) => { setPlaying(false); setEpoch(+ev.target.value - 1); });
  $("tl-speed").addEventListener("change", () => { if (tl.playing) schedulePlay(); });
  document.addEventListener("explainer:input", () => {
    const ready = Boolean(ex.input && tl.info);
    for (const id of ["tl-back", "tl-play", "tl-forward", "tl-epoch"]) $(id).disabled = !ready;
    if (!ex.input) {
      setPlaying(false);
      tl.step = tl.sweep = null;
      renderTimeline();
      $("tl-status").textContent = w(tl.info ? "x_tl_waiting" : "x_tl_none");
    } else if (tl.info) {
      setEpoch(epochIndex() < 0 ? 0 : epochIndex());  // the timeline follows the new input
    }
  });
  document.addEventListener("platform:words", () => {
    $("tl-play").textContent = w(tl.playing ? "x_tl_pause" : "x_tl_play");
    if (tl.info) $("tl-epoch-out").textContent = fill(w("x_tl_epoch"), { e: tl.epoch, n: tlEpochs()[tlEpochs().length - 1] });
    if (tl.step) { renderTimeline(); renderSweep(); }
    else $("tl-status").textContent = w(tl.info ? "x_tl_waiting" : "x_tl_none");
  });
}

platformInits.push(loadTimeline);
setupTimeline();
