// The arithmetic under the cursor (/api/cell) and both heads' formulas filled in
// (/api/network's softmax_head and edl_head). The server sends every product, sum and bias;
// this file lays them out and formats them, it computes none of them.
//     renderCell(cellResponse, valueOnTheMap, layerKey)
//     renderHeads(networkResponse)
"use strict";

const f3 = (v) => signed(v, { digits: 3 });
// "= 0.25" but "< 0.001" (a bound reads without an equals sign before it)
const eq = (text) => (/^[<>]/.test(text) ? " " : " = ");

function cellTable(caption, grid, cls, mark) {
  // A small table of numbers: caption for screen readers, data-value for the tests.
  const t = document.createElement("table");
  t.className = "x-grid " + cls;
  const cap = document.createElement("caption");
  cap.textContent = caption;
  t.append(cap);
  grid.forEach((row, r) => {
    const tr = document.createElement("tr");
    row.forEach((v, c) => {
      const td = numberText(document.createElement("td"), f3(v), v);
      if (mark && mark(r, c)) {
        td.className = "win";
        td.textContent = "★ " + td.textContent;  // the winner: a star, not only a colour
      }
      tr.append(td);
    });
    t.append(tr);
  });
  return t;
}

function line(parts) {
  // parts: strings and [text, value] numbers
  const p = document.createElement("p");
  p.className = "x-sum";
  for (const part of parts) {
    if (Array.isArray(part)) {
      const s = numberText(document.createElement("span"), part[0], part[1]);
      s.className = "num" + (part[2] ? " " + part[2] : "");
      p.append(s);
    } else {
      p.append(part);
    }
  }
  return p;
}

function cellTitle(doc) {
  const h = document.createElement("h3");
  h.textContent = fill(w("x_cell_title"), { layer: doc.layer, k: doc.channel, r: doc.row, c: doc.col, model: w(doc.model) });
  return h;
}

function renderCell(doc, mapValue, layerKey) {
  const box = $("x-cell");
  box.hidden = false;
  box.dataset.layer = layerKey;
  if (doc.kind === "pool") box.replaceChildren(...poolParts(doc, mapValue));
  else box.replaceChildren(...convParts(doc, mapValue, layerKey));
}

function convParts(doc, mapValue, layerKey) {
  const parts = [cellTitle(doc)];
  const source = doc.layer === "conv1" ? w("x_input") : "pool1";
  if (doc.in_channels > 1) {
    parts.push(line([fill(w("x_top_channels"), { n: doc.shown.length, of: doc.in_channels, src: source, rest: doc.rest_channels })]));
  }
  for (const ch of doc.shown) {
    const block = document.createElement("div");
    block.className = "x-channel";
    block.dataset.channel = ch.channel;
    const name = doc.in_channels > 1 ? fill(w("x_channel"), { src: source, k: ch.channel }) : source;
    block.append(
      cellTable(fill(w("x_window"), { name }), ch.window, "window"),
      document.createTextNode("×"),
      cellTable(w("x_kernel"), ch.kernel, "kernel"),
      document.createTextNode("="),
      cellTable(w("x_products"), ch.products, "products"),
      line([w("x_subtotal") + " = ", [f3(ch.subtotal), ch.subtotal, "subtotal"]]));
    parts.push(block);
  }
  const terms = [w("x_sum") + " = "];
  doc.shown.forEach((ch, i) => terms.push(i ? " + " : "", [f3(ch.subtotal), ch.subtotal]));
  if (doc.rest_channels) terms.push(" + ", [f3(doc.rest), doc.rest, "rest"], " " + fill(w("x_rest"), { n: doc.rest_channels }));
  terms.push(" + " + w("x_bias") + " ", [f3(doc.bias), doc.bias, "bias"], eq(f3(doc.pre)), [f3(doc.pre), doc.pre, "pre"]);
  parts.push(line(terms));
  parts.push(line([w("x_relu") + ": max(0, ", [f3(doc.pre), doc.pre], ")" + eq(f3(doc.post)), [f3(doc.post), doc.post, "post"]]));
  const onMap = layerKey.startsWith("relu") ? doc.post : doc.pre;
  parts.push(line([fill(w("x_on_map"), { layer: layerKey }) + " ", [f3(mapValue), mapValue, "map"],
                   onMap === mapValue ? " ✓" : ""]));
  return parts;
}

function poolParts(doc, mapValue) {
  const parts = [cellTitle(doc)];
  const r0 = 2 * doc.row, c0 = 2 * doc.col;
  parts.push(line([fill(w("x_pool_window"), { src: doc.source, r: r0, c: c0 })]));
  parts.push(cellTable(fill(w("x_window"), { name: doc.source }), doc.window, "window",
                       (r, c) => r0 + r === doc.winner_row && c0 + c === doc.winner_col));
  parts.push(line([fill(w("x_pool_winner"), { r: doc.winner_row, c: doc.winner_col }) + " ",
                   [f3(doc.value), doc.value, "post"]]));
  parts.push(line([fill(w("x_on_map"), { layer: doc.layer }) + " ", [f3(mapValue), mapValue, "map"],
                   doc.value === mapValue ? " ✓" : ""]));
  return parts;
}

// ---- the heads --------------------------------------------------------------------------------
function headTable(el, head, rows, pred) {
  const tr = (cells, tag, cls) => {
    const row = document.createElement("tr");
    if (cls) row.className = cls;
    row.append(...cells.map((v, i) => {
      const cell = document.createElement(i === 0 ? "th" : tag);
      if (Array.isArray(v)) numberText(cell, v[0], v[1]);
      else cell.textContent = v;
      return cell;
    }));
    return row;
  };
  el.replaceChildren(tr(head, "th"), ...rows.map((r, k) => tr(r, "td", k === pred ? "pred" : "")));
}

function evidenceFormula(fn, clamp) {
  const c = signed(clamp, { digits: 0 });
  return { exp: `e_k = exp(clamp(z_k, −${c}, ${c}))`, relu: "e_k = max(0, z_k)",
           softplus: "e_k = log(1 + exp(z_k))", exp_tanh: `e_k = exp(${c} · tanh(z_k / ${c}))` }[fn] || fn;
}

function renderHeads(net) {
  $("x-heads").hidden = false;
  const s = net.softmax_head;
  const pred = (k) => (k === s.prediction ? " ◀ " + w("prediction") : "");
  $("x-softmax-formula").replaceChildren(
    line(["p_k = exp(z_k − max z) / Σ_j exp(z_j − max z)"]),
    line(["max z = ", [f3(s.max), s.max], ",  Σ_j exp(z_j − max z) = ", [f3(s.total), s.total, "total"]]));
  headTable($("x-softmax-table"), ["k", "z_k", "exp(z_k − max z)", "p_k"],
            s.logits.map((z, k) => [k + pred(k), [f3(z), z], [u3(s.exp[k]), s.exp[k]], [u3(s.probs[k]), s.probs[k]]]),
            s.prediction);
  const e = net.edl_head.result;
  const K = e.alpha.length;
  $("x-edl-formula").replaceChildren(
    line([evidenceFormula(net.edl_head.evidence_fn, net.edl_head.clamp) + ",  α_k = e_k + 1,  b_k = e_k / S,  p̂_k = α_k / S"]),
    line(["S = Σα = ", [signed(e.S), e.S, "S"], ",  u = K / S = " + K + " / ", [signed(e.S), e.S], eq(u3(e.u)), [u3(e.u), e.u, "u"]]),
    line(["Σb + u = 1"]));
  headTable($("x-edl-table"), ["k", "z_k", "e_k", "α_k", "b_k", "p̂_k"],
            e.logits.map((z, k) => [k + (k === e.prediction ? " ◀ " + w("prediction") : ""), [f3(z), z],
                                    [compact(e.evidence[k]), e.evidence[k]], [compact(e.alpha[k]), e.alpha[k]],
                                    [u3(e.belief[k]), e.belief[k]], [u3(e.probs[k]), e.probs[k]]]),
            e.prediction);
}
