// The one rounding rule of contract/numbers.py, for the page: a value that is not exactly 0 or 1
// never prints as 0.00 or 1.00 (nor as 0.0% or 100.0%). unit, signed and percent give the same
// strings as the Python functions for the same arguments (tests/test_webapp_browser.py feeds
// both every row of contract.numbers.EXAMPLES); keyword arguments come as one object:
//     Numbers.unit(0.99996)              "> 0.999"
//     Numbers.unit(0.99996, {most: 5})   "0.99996"
// Rounding is Python's: the exact binary value rounded half to even (toFixed rounds ties up,
// so the digits are rounded here from the exact decimal expansion).
"use strict";

(function (root) {
  // The exact decimal expansion of finite x: [negative, integer digits, fraction digits].
  function expansion(x) {
    const neg = x < 0 || Object.is(x, -0);
    const a = Math.abs(x);
    if (a >= 1e21) return [neg, BigInt(a).toString(), ""];  // an integer: doubles this big are
    const s = a.toFixed(100);  // exact for any double of magnitude above about 1e-45
    const dot = s.indexOf(".");
    return [neg, s.slice(0, dot), s.slice(dot + 1)];
  }

  // Python's f"{x:.{d}f}": half to even on the exact value; [sign, digits] with digits unsigned.
  function roundDigits(x, d) {
    const [neg, int, frac] = expansion(x);
    const kept = (int + frac.slice(0, d).padEnd(d, "0")).split("").map(Number);
    const rest = frac.slice(d);
    let up = false;
    if (rest.length && rest[0] > "5") up = true;
    else if (rest.length && rest[0] === "5") {
      up = /[1-9]/.test(rest.slice(1)) || (kept.length > 0 && kept[kept.length - 1] % 2 === 1);
    }
    if (up) {
      let i = kept.length - 1;
      while (i >= 0 && kept[i] === 9) kept[i--] = 0;
      if (i >= 0) kept[i] += 1; else kept.unshift(1);
    }
    let digits = kept.join("");
    const intLen = digits.length - d;
    let intPart = digits.slice(0, intLen).replace(/^0+(?=\d)/, "") || "0";
    const text = d > 0 ? intPart + "." + digits.slice(intLen) : intPart;
    return [neg, text];
  }

  function fmt(x, d) {  // f"{x:.{d}f}" as Python writes it ("-0.00" included)
    const [neg, text] = roundDigits(x, d);
    return (neg ? "-" : "") + text;
  }

  function fixed(x, d) {  // contract.numbers._fixed: no "-0.00"
    const [neg, text] = roundDigits(x, d);
    return neg && /[1-9]/.test(text) ? "-" + text : text;
  }

  function rounded(x, d) {  // round(x, d) as a number
    return parseFloat(fmt(x, d));
  }

  function nonFinite(x) {  // str(x) in Python
    return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }

  function fewestDigits(x, digits, most, bounds) {
    for (let d = digits; d <= Math.max(digits, most); d++) {
      const r = rounded(x, d);
      if (!bounds.some((b) => r === b && x !== b)) return d;
    }
    return null;
  }

  function small(most) {
    return "0." + "0".repeat(Math.max(0, most - 1)) + "1";
  }

  function unit(x, { digits = 2, most = 3 } = {}) {
    x = Number(x);
    if (!Number.isFinite(x)) return nonFinite(x);
    const d = fewestDigits(x, digits, most, [0, 1]);
    if (d !== null) return fixed(x, d);
    return x < 0.5 ? "< " + small(most) : "> 0." + "9".repeat(Math.max(0, most));
  }

  function signed(x, { digits = 2, most = 3 } = {}) {
    x = Number(x);
    if (!Number.isFinite(x)) return nonFinite(x);
    const d = fewestDigits(x, digits, most, [0]);
    if (d !== null) return fixed(x, d);
    return x > 0 ? "< " + small(most) : "> -" + small(most);
  }

  function percent(x, { digits = 1 } = {}) {
    x = Number(x);
    if (!Number.isFinite(x)) return nonFinite(x);
    const p = 100 * x;
    const r = rounded(p, digits);
    const step = fmt(10 ** -digits, digits);
    if (r >= 100 && x > 0 && x < 1) return "> " + fmt(100 - 10 ** -digits, digits) + "%";
    if (r === 0 && x !== 0) return (x > 0 ? "< " : "> -") + step + "%";
    return fixed(p, digits) + "%";
  }

  // contract.numbers.false_certainty: whether text prints value as an exact 0 or 1 although it
  // is not (a bound such as "< 0.001", or words, claims no exactness).
  function falseCertainty(text, value) {
    const t = text.trim().replace(/\u2212/g, "-").replace(/%+$/, "");
    if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(t)) return false;
    const shown = parseFloat(t);
    const scale = text.trim().endsWith("%") ? 100 : 1;
    const v = Number(value) * scale;
    // a 1 is a certainty only for a value that can be certain (a share, probability or u)
    return (shown === 0 && v !== 0) || (shown === scale && v >= 0 && v < scale);
  }

  root.Numbers = { unit, signed, percent, falseCertainty };
})(typeof window !== "undefined" ? window : globalThis);
