// The models averaged over passes or members (MC dropout, the deep ensemble): one card each
// beside softmax and EDL, and their curves under the rotation sweep. Which models, their names
// and colours come from /api/models (contract/models.py's REGISTRY), never from this file.
"use strict";

const more = { models: [] };  // the registry's averaged models, as /api/models lists them

platformInits.push(async () => {
  const all = await (await fetch("/api/models")).json();
  more.models = all.filter((m) => m.predicts !== "single");
  const box = $("more-models");
  box.replaceChildren(...more.models.map(card));
});

const modelName = (m) => (state.lang === "zh" ? m.zh : m.en);
const nats = (v) => signed(v, { digits: 3 });

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function card(m) {
  // The card's parts, filled by renderMore; its colour is a swatch and a border, its name text.
  const c = el("article", { id: m.name + "-card", class: "card more " + m.predicts,
                            style: "--model: " + m.colour, "aria-labelledby": m.name + "-name",
                            tabindex: "0" });  // it scrolls sideways on narrow screens: reachable by keyboard
  const h = el("h3");
  h.append(el("span", { class: "swatch " + m.predicts, "aria-hidden": "true" }),
           el("span", { id: m.name + "-name", class: "name" }), el("span", { class: "count" }));
  const dl = el("dl", { class: "inline" });
  dl.append(el("dt", { "data-w": "entropy" }), el("dd", { id: m.name + "-entropy" }, "–"),
            el("dt", { "data-w": "mi" }), el("dd", { id: m.name + "-mi" }, "–"));
  c.append(h, el("div", { class: "big", id: m.name + "-pred" }, "–"), dl,
           el("div", { class: "subtitle", id: m.name + "-mean-title" }),
           el("div", { class: "bars", id: m.name + "-bars" }),
           el("div", { class: "subtitle", id: m.name + "-votes-title" }),
           el("table", { class: "numbers votes", id: m.name + "-votes" }));
  return c;
}

function renderMore(r) {
  for (const m of more.models) {
    const c = $(m.name + "-card");
    c.querySelector(".name").textContent = modelName(m);
    const unitWord = w(m.predicts === "passes" ? "n_passes" : "n_members");
    c.querySelector(".count").textContent = " · " + fill(unitWord, { n: m.count });
    for (const d of c.querySelectorAll("[data-w]")) d.textContent = w(d.dataset.w);
    $(m.name + "-mean-title").textContent = fill(w(m.predicts === "passes" ? "mean_passes" : "mean_members"), { n: m.count });
    $(m.name + "-votes-title").textContent = fill(w(m.predicts === "passes" ? "votes_passes" : "votes_members"), { n: m.count });
    const a = r && r[m.name];
    if (!a) {  // cleared, or an answer without this model (the explainer's painting)
      $(m.name + "-pred").textContent = "–";
      $(m.name + "-entropy").textContent = $(m.name + "-mi").textContent = "–";
      $(m.name + "-bars").replaceChildren();
      $(m.name + "-votes").replaceChildren();
      continue;
    }
    $(m.name + "-pred").textContent = w("prediction") + ": " + a.prediction;
    numberText($(m.name + "-entropy"), nats(a.entropy), a.entropy);
    numberText($(m.name + "-mi"), nats(a.mutual_information), a.mutual_information);
    bars($(m.name + "-bars"), a.probs, a.prediction, "more");
    $(m.name + "-bars").setAttribute("aria-label", w("probability") + " · " + modelName(m));
    (m.predicts === "passes" ? passTable : memberTable)($(m.name + "-votes"), a);
  }
}

function row(head, cells, cls) {
  const tr = el("tr", cls ? { class: cls } : {});
  tr.append(el("th", { scope: "row" }, head), ...cells.map((c) => {
    const td = el("td");
    if (Array.isArray(c)) numberText(td, c[0], c[1]);
    else td.textContent = c;
    return td;
  }));
  return tr;
}

function passTable(t, a) {
  // Per digit: how many of the T passes name it, and the spread (sd) of its probability.
  const digits = a.votes.map((_, k) => k);
  const head = el("tr");
  head.append(el("th", { scope: "col" }, w("digit")),
              ...digits.map((k) => el("th", { scope: "col", class: k === a.prediction ? "pred" : "" }, String(k))));
  t.replaceChildren(head, row(w("votes"), a.votes.map(String)),
                    row(w("spread"), a.spread.map((s) => [short(unit(s, { most: 2 })), s])));
}

function memberTable(t, a) {
  // Each member's own top digit and its probability; member 0 is the softmax model.
  const head = el("tr");
  head.append(...[w("member"), w("digit"), w("probability")].map((h) => el("th", { scope: "col" }, h)));
  t.replaceChildren(head, ...a.members.map((v, i) => row(
    i === 0 ? fill(w("member_softmax"), { i }) : String(i),
    // a member against the mean's digit is said in symbols too, not by colour alone
    [v.prediction === a.prediction ? String(v.prediction) : v.prediction + " ≠ " + a.prediction,
     [u3(v.probability), v.probability]],
    v.prediction === a.prediction ? "" : "dissent")));
}

// ---- their curves under the sweep ----------------------------------------------------------
const DASH = { passes: "7 4", members: "2 3" };  // a line pattern per kind, beside the colour
const MARK = { passes: "square", members: "diamond" };

function marker(kind, cx, cy, attrs) {
  const s = 4;
  const d = kind === "square"
    ? `M${cx - s},${cy - s}h${2 * s}v${2 * s}h${-2 * s}z`
    : `M${cx},${cy - s - 1}l${s + 1},${s + 1}l${-s - 1},${s + 1}l${-s - 1},${-s - 1}z`;
  return svgEl("path", { d, ...attrs });
}

function drawSeries(svg, angles, series, top, label) {
  // Lines over the angles, y from 0 to `top`; each point a marker of its model's shape, each
  // line its colour and dash pattern, the legend its name in words.
  const W = 760, H = 260, L = 56, R = 20, T = 48, B = 46;
  const x = (a) => L + (W - L - R) * a / 180;
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const kids = [svgEl("title", {}, label)];
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4;
    kids.push(svgEl("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }));
    kids.push(svgEl("text", { x: L - 8, y: y(v) + 4, class: "tick", "text-anchor": "end" },
                    top === 1 ? unit(v) : v.toFixed(2)));
  }
  angles.forEach((a) => kids.push(svgEl("text", { x: x(a), y: H - B + 16, class: "tick",
                                                  "text-anchor": "middle" }, a.toFixed(0))));
  kids.push(svgEl("text", { x: (L + W - R) / 2, y: H - 6, class: "axis", "text-anchor": "middle" }, w("angle")));
  series.forEach((s, j) => {
    const d = s.vals.map((v, i) => (i ? "L" : "M") + x(angles[i]).toFixed(1) + "," + y(v).toFixed(1)).join("");
    kids.push(svgEl("path", { d, class: "line more " + s.name, stroke: s.colour, "stroke-dasharray": DASH[s.predicts] }));
    s.vals.forEach((v, i) => {
      const m = marker(MARK[s.predicts], x(angles[i]), y(v), { class: "dot more " + s.name, fill: s.colour,
                       "data-value": v, "data-angle": angles[i] });
      m.append(svgEl("title", {}, s.label + " · " + angles[i].toFixed(0) + "°: " +
                     (top === 1 ? unit(v) : nats(v)) + (s.preds ? " · " + w("prediction") + " " + s.preds[i] : "")));
      kids.push(m);
      if (s.preds) kids.push(svgEl("text", { x: x(angles[i]), y: y(v) + (j ? 18 : -10), class: "digit",
                                             fill: s.colour, "text-anchor": "middle" }, s.preds[i]));
    });
    const lx = L + 10 + j * 340;
    kids.push(svgEl("line", { x1: lx, x2: lx + 26, y1: 18, y2: 18, class: "line", stroke: s.colour,
                              "stroke-dasharray": DASH[s.predicts] }));
    kids.push(marker(MARK[s.predicts], lx + 13, 18, { fill: s.colour }));
    kids.push(svgEl("text", { x: lx + 32, y: 22, class: "legend" }, s.label));
  });
  svg.setAttribute("aria-label", label);
  svg.replaceChildren(...kids);
}

function renderMoreSweep(r) {
  const has = !!(r && r.more);
  $("rotate-more").hidden = !has;
  if (!has) return;
  const models = more.models.filter((m) => r.more[m.name]);
  const conf = models.map((m) => ({ name: m.name, colour: m.colour, predicts: m.predicts,
    vals: r.more[m.name].confidence, preds: r.more[m.name].prediction,
    label: fill(w("rot_mean_conf"), { model: modelName(m) }) }));
  const mi = models.map((m) => ({ name: m.name, colour: m.colour, predicts: m.predicts,
    vals: r.more[m.name].mutual_information, preds: null,
    label: fill(w("rot_mi"), { model: modelName(m) }) }));
  const top = Math.max(0.1, ...mi.flatMap((s) => s.vals));
  $("rotate-conf-title").textContent = w("rot_more_conf_title");
  $("rotate-mi-title").textContent = w("rot_more_mi_title");
  drawSeries($("rotate-conf-plot"), r.angles, conf, 1, w("rot_more_conf_title"));
  drawSeries($("rotate-mi-plot"), r.angles, mi, Math.ceil(top / 0.2) * 0.2, w("rot_more_mi_title"));
}
