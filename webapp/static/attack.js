// Attack your own drawing: an ε slider runs FGSM or PGD on the server (/api/attack), both
// models each on its own gradient; the page shows each perturbed image, the perturbation in
// signed colours with a key and counts, both answers with u, and says when an answer flips.
//     slider moves -> 120 ms quiet -> POST /api/attack {input, method, eps} (one in flight)
"use strict";

const atk = { timer: null, inFlight: false, dirty: false, last: null };
const ATTACK_QUIET_MS = 120;

function attackParams() {
  return { method: document.querySelector("input[name=attack-method]:checked").value,
           eps: +$("eps").value };
}

function scheduleAttack() {
  $("eps-out").textContent = signed(+$("eps").value);
  clearTimeout(atk.timer);
  atk.timer = setTimeout(runAttack, ATTACK_QUIET_MS);
}

async function runAttack() {
  if (!ex.input) return;
  if (atk.inFlight) { atk.dirty = true; return; }
  atk.inFlight = true;
  const params = attackParams();
  $("attack-status").textContent = w("x_attacking");
  try {
    const res = await fetch("/api/attack", { method: "POST", headers: { "Content-Type": "application/json" },
                                             body: JSON.stringify({ input: inputGrid(), ...params }) });
    const doc = await res.json();
    if (!res.ok) throw new Error(doc.detail || doc.error);
    atk.last = doc;
    renderAttack();
  } catch (e) {
    $("attack-status").textContent = e instanceof TypeError ? w("offline") : fill(w("error"), { detail: e.message });
  } finally {
    atk.inFlight = false;
  }
  if (atk.dirty) { atk.dirty = false; runAttack(); }
}

function attackFigure(grid, caption, colour) {
  const fig = document.createElement("figure");
  const c = document.createElement("canvas");
  paintCanvas(c, grid.length, grid[0].length, (r, col) => grid[r][col], colour);
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", caption);
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.append(c, cap);
  return fig;
}

function attackCard(el, kind, a, eps) {
  const h = document.createElement("h3");
  h.textContent = w(kind);
  const pics = document.createElement("div");
  pics.className = "attack-pics";
  const grey = (v) => [255 * v, 255 * v, 255 * v];
  pics.append(attackFigure(a.image, w("x_perturbed"), grey),
              // brighter (+) orange, darker (−) blue, as the key under the cards says
              attackFigure(a.perturbation, w("x_perturbation"), (v) => diverge(eps > 0 ? v / eps : 0)));
  const verdict = document.createElement("p");
  verdict.className = "verdict " + (a.flipped ? "flipped" : "held");
  verdict.textContent = a.flipped ? "⚠ " + fill(w("x_flipped"), { from: a.clean_prediction, to: a.prediction })
                                  : "✓ " + fill(w("x_held"), { d: a.prediction });
  const dl = document.createElement("dl");
  const add = (label, text, value) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    if (value === undefined) dd.textContent = text; else numberText(dd, text, value);
    dd.dataset.field = label;
    dl.append(dt, dd);
  };
  add(w("prediction"), String(a.prediction));
  if (kind === "softmax") {
    add(w("x_p_pred"), unit(a.answer.probs[a.prediction]), a.answer.probs[a.prediction]);
  } else {
    add("u", u3(a.answer.u), a.answer.u);
    add(w("x_clean_u"), u3(a.clean_u), a.clean_u);
  }
  add(w("x_changed"), fill(w("x_changed_counts"), { up: a.raised, down: a.lowered }));
  el.replaceChildren(h, verdict, pics, dl);
  el.dataset.flipped = a.flipped ? "1" : "0";
  el.dataset.prediction = a.prediction;
}

function renderAttack() {
  const doc = atk.last;
  $("attack-out").hidden = !doc;
  $("attack-key").hidden = !doc;
  if (!doc) return;
  attackCard($("attack-softmax"), "softmax", doc.softmax, doc.eps);
  attackCard($("attack-edl"), "edl", doc.edl, doc.eps);
  const e = signed(doc.eps);
  $("attack-key").replaceChildren(swatch("pos"), " +" + e + " " + w("x_brighter") + "   ",
                                  swatch("zero"), " 0 " + w("x_unchanged") + "   ",
                                  swatch("neg"), " −" + e + " " + w("x_darker"));
  const flips = ["softmax", "edl"].filter((k) => doc[k].flipped)
    .map((k) => fill(w("x_flip_said"), { model: w(k), from: doc[k].clean_prediction, to: doc[k].prediction }));
  $("attack-status").textContent = fill(w("x_attack_done"), { method: doc.method.toUpperCase(), eps: e }) +
    " " + (flips.length ? flips.join(" ") : w("x_no_flip"));
}

function setupAttack() {
  $("eps").addEventListener("input", scheduleAttack);
  for (const r of document.querySelectorAll("input[name=attack-method]")) r.addEventListener("change", scheduleAttack);
  document.addEventListener("explainer:input", () => {
    $("eps").disabled = !ex.input;
    if (!ex.input) {
      atk.last = null;
      renderAttack();
      $("attack-status").textContent = w("x_attack_waiting");
    } else {
      scheduleAttack();  // the attack follows the new input
    }
  });
  document.addEventListener("platform:words", () => {
    if (atk.last) renderAttack();
    else $("attack-status").textContent = w("x_attack_waiting");
  });
}

setupAttack();
