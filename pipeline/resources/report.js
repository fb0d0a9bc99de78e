// The report page (pipeline/report.py writes it with its data). Everything is
// drawn here from the JSON document #report-data, and every text of it is put
// into the page as text (textContent, createTextNode), never as markup.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var P = D.papers, C = D.claims, V = D.values, S = D.settings;
  var N = C.paper.length, NP = P.id.length;
  var byId = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  var TYPE_COLORS = {
    speedup: "#1f6feb", memory_reduction: "#8250df", compute_reduction: "#bf3989",
    size_reduction: "#cf222e", energy_reduction: "#1a7f37", cost_reduction: "#9a6700",
    accuracy: "#0a7d6b", throughput: "#6e7781", latency: "#953800", memory_usage: "#4d2d9f",
    energy_usage: "#116329"
  };
  var GROUPS = [["relative efficiency", "#1f6feb"], ["task quality", "#0a7d6b"], ["systems figures", "#9a6700"]];

  // ---------------------------------------------------------------- helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function svgTitle(node, text) { node.appendChild(sv("title", {}, text)); return node; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function isNum(x) { return x !== null && x !== undefined && x === x; }
  function human(code) { return code == null ? "" : String(code).replace(/_/g, " "); }
  function fmtFactor(x) {         // 3 significant digits: 2.56, 17.9, 100, 1,200
    if (!isNum(x)) return "";
    if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
    return String(Number(x.toPrecision(3)));
  }
  function fmtValue(x) {          // 4 significant digits: 84.5, 0.3333, 1,104
    if (!isNum(x)) return "";
    if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
    return String(Number(x.toPrecision(4)));
  }
  function unitText(u) {
    if (u == null) return "";
    return u === "x" ? "×" : u === "%" ? "%" : " " + u;
  }
  function dictValue(field, i) { var k = C[field][i]; return k >= 0 ? V[field][k] : null; }
  function valueText(i) {
    var u = unitText(dictValue("unit", i)), v = fmtValue(C.value[i]);
    if (isNum(C.value_max[i])) v += "–" + fmtValue(C.value_max[i]);
    return v + u;
  }
  function factorText(i) {
    var f = fmtFactor(C.factor[i]);
    if (f && isNum(C.factor_max[i])) f += "–" + fmtFactor(C.factor_max[i]);
    return f;
  }
  function deviceLabel(h) {       // "NVIDIA A100 (NVIDIA)", "GPU (generic class)"
    var v = D.devices.vendor[h];
    return V.hardware[h] + (v ? " (" + v + ")" : D.devices.generic[h] ? " (generic class)" : "");
  }
  function shorten(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function paperHash(p) { var s = Object.assign({}, state); s.paper = P.id[p]; return hashOf(s); }  // filters kept
  function niceStep(max, ticks) {  // an integer step from 1, 2, 5 x 10^k
    var raw = Math.max(1, max / ticks), pow = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * pow; }).filter(function (s) { return s >= raw; })[0];
    return Math.max(1, Math.round(step));
  }

  // the claims of each paper are consecutive (the data is ordered by paper)
  var paperFirst = new Int32Array(NP).fill(-1), paperCount = new Int32Array(NP);
  for (var i = 0; i < N; i++) { if (paperFirst[C.paper[i]] < 0) paperFirst[C.paper[i]] = i; paperCount[C.paper[i]]++; }
  var claimYear = new Float64Array(N);
  for (i = 0; i < N; i++) { var y = P.year[C.paper[i]]; claimYear[i] = y == null ? NaN : y; }
  var typeIndex = {};
  D.types.forEach(function (t, k) { typeIndex[t] = k; });
  var relative = {};
  D.relative.forEach(function (t) { relative[typeIndex[t]] = true; });
  var lowered = {};
  function lower(field) {         // the distinct values of a field, lower case, "_" as a space
    if (!lowered[field]) {
      var src = field === "type" ? D.types : field === "vendor" ? D.devices.vendor :
        field === "title" ? P.title : V[field];
      lowered[field] = src.map(function (s) { return s == null ? "" : String(s).toLowerCase().replace(/_/g, " "); });
    }
    return lowered[field];
  }
  var absLower = null;
  function abstractsLower() { return absLower || (absLower = P.abstract.map(function (a) { return a.toLowerCase(); })); }

  // ------------------------------------------------------------ the search
  var FIELDS = {
    type: "type", claim_type: "type", hardware: "hardware", hw: "hardware", device: "hardware",
    vendor: "vendor", subject: "subject", system: "subject", baseline: "baseline", metric: "metric",
    dataset: "dataset", ds: "dataset", benchmark: "dataset", unit: "unit", qualifier: "qualifier",
    form: "form", direction: "direction", year: "year", value: "value", factor: "factor",
    title: "title", text: "text", paper: "paper"
  };
  var NUMERIC = { year: claimYear, value: C.value, factor: C.factor };
  var INFERRED = ["type", "hardware", "dataset", "metric"];
  var TEXT_FIELDS = ["subject", "baseline", "hardware", "metric", "dataset"];

  function wordMatch(hay, w) {    // w occurs in hay between non-alphanumeric characters
    if (!w) return false;
    var at = hay.indexOf(w);
    while (at >= 0) {
      var before = at === 0 ? "" : hay.charAt(at - 1), after = hay.charAt(at + w.length);
      if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
      at = hay.indexOf(w, at + 1);
    }
    return false;
  }
  function mask(values, test) {
    var m = new Uint8Array(values.length), any = false;
    for (var k = 0; k < values.length; k++) if (test(values[k])) { m[k] = 1; any = true; }
    return any ? m : null;
  }

  function tokenize(q) {
    var re = /(-?)(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S+))/g, m, out = [];
    while ((m = re.exec(q)) !== null) {
      if (m[0] === "") { re.lastIndex++; continue; }
      var field = m[2] ? m[2].toLowerCase() : "", quoted = m[3] !== undefined;
      var value = quoted ? m[3] : m[4];
      if (field && !FIELDS[field]) { value = m[2] + ":" + (quoted ? '"' + m[3] + '"' : value); field = ""; }
      if (value === undefined || value === "") continue;
      out.push({ neg: m[1] === "-", field: FIELDS[field] || "", value: value, quoted: quoted });
    }
    return out;
  }

  // A term -> {label, kind, test(i)}; kind: field, text or bad (shown, not applied).
  function compileTerm(t) {
    var field = t.field, w = t.value.toLowerCase().replace(/_/g, " ");
    if (!field && !t.quoted && /[\p{L}\p{N}]/u.test(w)) {
      for (var k = 0; k < INFERRED.length; k++) {
        if (mask(lower(INFERRED[k]), function (v) { return wordMatch(v, w); })) { field = INFERRED[k]; break; }
      }
    }
    var label = (t.neg ? "not " : "") + (field ? field + ": " : "text: ") + t.value;
    var test = field ? fieldTest(field, w) : textTest(w);
    if (!test) return { label: label + " (not understood)", kind: "bad", neg: t.neg, test: null };
    return { label: label, kind: field ? "field" : "text", neg: t.neg,
      test: t.neg ? function (i) { return !test(i); } : test };
  }

  function fieldTest(field, w) {
    if (NUMERIC[field]) return numberTest(NUMERIC[field], w);
    if (w === "*") return knownTest(field);
    if (field === "paper") {
      var pm = mask(P.id, function (id) { return id.indexOf(w) === 0; });
      return function (i) { return !!pm && pm[C.paper[i]] === 1; };
    }
    if (field === "title") {
      var tm = mask(lower("title"), function (v) { return v.indexOf(w) >= 0; });
      return function (i) { return !!tm && tm[C.paper[i]] === 1; };
    }
    if (field === "text") return textTest(w);
    var m = mask(lower(field), function (v) { return wordMatch(v, w); });
    if (field === "type") return function (i) { return !!m && m[C.type[i]] === 1; };
    var col = field === "vendor" ? C.hardware : C[field];
    return function (i) { var k = col[i]; return k >= 0 && !!m && m[k] === 1; };
  }
  function knownTest(field) {
    if (field === "type" || field === "title" || field === "paper" || field === "text") return function () { return true; };
    var col = field === "vendor" ? C.hardware : C[field], vend = D.devices.vendor;
    if (field === "vendor") return function (i) { return col[i] >= 0 && vend[col[i]] != null; };
    return function (i) { return col[i] >= 0; };
  }
  function numberTest(arr, w) {
    if (w === "*") return function (i) { return isNum(arr[i]); };
    var num = "(-?\\d+(?:\\.\\d+)?)", m;
    if ((m = new RegExp("^" + num + "\\.\\." + num + "$").exec(w))) {
      var lo = +m[1], hi = +m[2];
      return function (i) { var x = arr[i]; return isNum(x) && x >= lo && x <= hi; };
    }
    if (!(m = new RegExp("^(>=|<=|>|<|=)?" + num + "$").exec(w))) return null;
    var v = +m[2], op = m[1] || "=";
    return {
      ">": function (i) { return isNum(arr[i]) && arr[i] > v; },
      ">=": function (i) { return isNum(arr[i]) && arr[i] >= v; },
      "<": function (i) { return isNum(arr[i]) && arr[i] < v; },
      "<=": function (i) { return isNum(arr[i]) && arr[i] <= v; },
      "=": function (i) { return isNum(arr[i]) && arr[i] === v; }
    }[op];
  }
  // Free text: in the claim's sentence, its paper's title or one of its names.
  function textTest(w) {
    var masks = TEXT_FIELDS.map(function (f) {
      return [C[f], mask(lower(f), function (v) { return v.indexOf(w) >= 0; })];
    }).filter(function (fm) { return fm[1]; });
    var titles = mask(lower("title"), function (v) { return v.indexOf(w) >= 0; });
    var abs = abstractsLower(), where = new Array(NP);
    for (var p = 0; p < NP; p++) {
      var at = abs[p].indexOf(w);
      if (at < 0) continue;
      where[p] = [];
      while (at >= 0) { where[p].push(at); at = abs[p].indexOf(w, at + 1); }
    }
    var len = w.length;
    return function (i) {
      var p = C.paper[i];
      if (titles && titles[p]) return true;
      for (var k = 0; k < masks.length; k++) { var c = masks[k][0][i]; if (c >= 0 && masks[k][1][c]) return true; }
      var o = where[p];
      if (o) for (k = 0; k < o.length; k++) if (o[k] >= C.sentence_start[i] && o[k] + len <= C.sentence_end[i]) return true;
      return false;
    };
  }

  // ------------------------------------------------------- state and URL
  var KEYS = ["q", "type", "hw", "ds", "year", "sort", "plots", "paper"];   // plots: "hide" or ""
  var state = blank(), visible = new Int32Array(0), page = 0, lastQuery = null, compiled = [];
  function blank() { var s = {}; KEYS.forEach(function (k) { s[k] = ""; }); return s; }
  function decode(s) { try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return s; } }
  function readHash() {
    var s = blank();
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var at = kv.indexOf("=");
      if (at > 0) { var k = decode(kv.slice(0, at)); if (k in s) s[k] = decode(kv.slice(at + 1)); }
    });
    return s;
  }
  function hashOf(s) {
    var parts = [];
    KEYS.forEach(function (k) { if (s[k]) parts.push(k + "=" + encodeURIComponent(s[k])); });
    return "#" + parts.join("&");
  }
  function writeHash() {
    var h = hashOf(state);
    if (h === location.hash || (h === "#" && !location.hash)) return;
    try { history.replaceState(null, "", h === "#" ? location.pathname + location.search : h); }
    catch (e) { ignoreHash = h; location.replace(h); }
  }
  var ignoreHash = null;

  // ------------------------------------------------------------- filtering
  function dropdownTests() {
    var tests = [];
    if (state.type && typeIndex[state.type] !== undefined) {
      var t = typeIndex[state.type];
      tests.push(function (i) { return C.type[i] === t; });
    }
    if (state.hw) {
      var h = V.hardware.indexOf(state.hw);
      tests.push(function (i) { return C.hardware[i] === h && h >= 0; });
    }
    if (state.ds) {
      var d = V.dataset.indexOf(state.ds);
      tests.push(function (i) { return C.dataset[i] === d && d >= 0; });
    }
    if (state.year) {
      var y = state.year === "none" ? NaN : +state.year;
      tests.push(y === y ? function (i) { return claimYear[i] === y; } : function (i) { return claimYear[i] !== claimYear[i]; });
    }
    return tests;
  }
  function filter() {
    if (state.q !== lastQuery) { compiled = tokenize(state.q).map(compileTerm); lastQuery = state.q; }
    var tests = dropdownTests().concat(compiled.filter(function (c) { return c.test; }).map(function (c) { return c.test; }));
    var out = new Int32Array(N), n = 0, nt = tests.length;
    for (var i = 0; i < N; i++) {
      var ok = true;
      for (var k = 0; k < nt; k++) if (!tests[k](i)) { ok = false; break; }
      if (ok) out[n++] = i;
    }
    return out.subarray(0, n);
  }

  // --------------------------------------------------------------- sorting
  var sortKeys = {};
  function rankOf(values) {       // the rank of each distinct value, case-insensitive
    var order = values.map(function (_, k) { return k; }), low = values.map(function (v) { return v == null ? "" : String(v).toLowerCase(); });
    order.sort(function (a, b) { return low[a] < low[b] ? -1 : low[a] > low[b] ? 1 : 0; });
    var rank = new Float64Array(values.length);
    order.forEach(function (k, r) { rank[k] = r; });
    return rank;
  }
  function sortKey(key) {
    if (sortKeys[key]) return sortKeys[key];
    var k = new Float64Array(N), i, r;
    if (key === "year") k = claimYear;
    else if (key === "value" || key === "factor") for (i = 0; i < N; i++) k[i] = isNum(C[key][i]) ? C[key][i] : NaN;
    else if (key === "paper") { r = rankOf(P.title); for (i = 0; i < N; i++) k[i] = r[C.paper[i]]; }
    else if (key === "type") { r = rankOf(D.types); for (i = 0; i < N; i++) k[i] = r[C.type[i]]; }
    else { r = rankOf(V[key]); var col = C[key]; for (i = 0; i < N; i++) k[i] = col[i] >= 0 ? r[col[i]] : NaN; }
    return (sortKeys[key] = k);
  }
  function sortRows(rows) {
    if (!state.sort) return rows;
    var desc = state.sort.charAt(0) === "-", key = state.sort.replace(/^-/, "");
    if (!/^(paper|year|type|value|factor|qualifier|subject|baseline|hardware|metric|dataset)$/.test(key)) return rows;
    var k = sortKey(key);
    return rows.slice().sort(function (a, b) {   // unknown values last, either way; ties in paper order
      var x = k[a], y = k[b];
      if (x !== x) return y !== y ? a - b : 1;
      if (y !== y) return -1;
      if (x === y) return a - b;
      return desc ? y - x : x - y;
    });
  }

  // ----------------------------------------------------------- the table
  function contextCell(i) {
    var td = el("td", "ctx"), a = P.abstract[C.paper[i]];
    var s = C.start[i], e = C.end[i], ss = C.sentence_start[i], se = C.sentence_end[i], w = 90;
    var from = Math.max(ss, s - w), to = Math.min(se, e + w);
    td.appendChild(document.createTextNode((from > ss ? "…" : "") + a.slice(from, s)));
    td.appendChild(el("mark", null, a.slice(s, e)));
    td.appendChild(document.createTextNode(a.slice(e, to) + (to < se ? "…" : "")));
    td.title = a.slice(ss, se);
    return td;
  }
  function renderTable() {
    var body = document.querySelector("#claims tbody"), size = S.rows_per_page;
    var pages = Math.max(1, Math.ceil(visible.length / size));
    page = Math.min(page, pages - 1);
    var frag = document.createDocumentFragment(), end = Math.min(visible.length, (page + 1) * size);
    for (var r = page * size; r < end; r++) {
      var i = visible[r], p = C.paper[i], tr = el("tr");
      tr.dataset.claim = P.id[p] + ":" + C.char_start[i];
      var td = el("td", "paper"), a = el("a", null, P.title[p]);
      a.href = paperHash(p);
      td.appendChild(a);
      var url = safeUrl(P.url[p]);
      if (url) { var ext = el("a", "ext", /arxiv\.org/.test(url) ? "arXiv ↗" : "link ↗"); ext.href = url; ext.target = "_blank"; ext.rel = "noopener noreferrer"; td.appendChild(ext); }
      tr.appendChild(td);
      tr.appendChild(el("td", "num", isNum(claimYear[i]) ? String(claimYear[i]) : ""));
      tr.appendChild(el("td", "type", human(D.types[C.type[i]])));
      tr.appendChild(contextCell(i));
      tr.appendChild(el("td", "num value", valueText(i)));
      tr.appendChild(el("td", "num factor", factorText(i)));
      tr.appendChild(el("td", null, human(dictValue("qualifier", i))));
      ["subject", "baseline", "hardware", "metric", "dataset"].forEach(function (f) { tr.appendChild(el("td", f, dictValue(f, i))); });
      frag.appendChild(tr);
    }
    clear(body).appendChild(frag);
    byId("shown").textContent = String(visible.length);   // digits only: tests and scripts read it
    Array.prototype.forEach.call(document.querySelectorAll(".n-shown"), function (s) { s.textContent = visible.length.toLocaleString("en-US"); });
    byId("page-info").textContent = visible.length ? "rows " + (page * size + 1).toLocaleString("en-US") + "–" +
      end.toLocaleString("en-US") + " of " + visible.length.toLocaleString("en-US") : "no rows";
    byId("prev").disabled = page === 0;
    byId("next").disabled = page >= pages - 1;
    Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (th) {
      var k = th.dataset.sort;
      th.className = th.className.replace(/\s*\b(asc|desc)\b/g, "") + (state.sort === k ? " asc" : state.sort === "-" + k ? " desc" : "");
    });
  }
  function renderChips() {
    var box = clear(byId("chips"));
    compiled.forEach(function (c) {
      box.appendChild(el("span", "chip " + c.kind + (c.neg ? " neg" : ""), c.label));
    });
  }

  // ----------------------------------------------------------------- CSV
  var CSV_COLUMNS = ["claim_id", "paper_id", "title", "year", "url", "claim_type", "text", "value", "value_max",
    "unit", "factor", "factor_max", "qualifier", "direction", "form", "subject", "baseline", "hardware",
    "vendor", "metric", "dataset", "sentence"];
  function csvCell(v) {
    if (v == null) return "";
    var s = String(v);
    if (typeof v === "string" && /^[=@\t\r]|^[+-][^\d.]/.test(s)) s = "'" + s;  // no spreadsheet formulas
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csvText() {
    var lines = [CSV_COLUMNS.join(",")];
    for (var r = 0; r < visible.length; r++) {
      var i = visible[r], p = C.paper[i], a = P.abstract[p], h = C.hardware[i];
      var row = [P.id[p] + ":" + C.char_start[i], P.id[p], P.title[p], isNum(claimYear[i]) ? claimYear[i] : null,
        P.url[p], D.types[C.type[i]], a.slice(C.start[i], C.end[i]), C.value[i], C.value_max[i],
        dictValue("unit", i), C.factor[i], C.factor_max[i], dictValue("qualifier", i), dictValue("direction", i),
        dictValue("form", i), dictValue("subject", i), dictValue("baseline", i), dictValue("hardware", i),
        h >= 0 ? D.devices.vendor[h] : null, dictValue("metric", i), dictValue("dataset", i),
        a.slice(C.sentence_start[i], C.sentence_end[i])];
      lines.push(row.map(csvCell).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  }
  function exportCsv() {
    var url = URL.createObjectURL(new Blob([csvText()], { type: "text/csv;charset=utf-8" }));
    var a = el("a");
    a.href = url; a.download = "claims.csv";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  // --------------------------------------------------------------- plots
  function empty(node, text) { clear(node).appendChild(el("p", "empty", text)); }
  function plotBox(id) { return document.querySelector("#" + id + " .plot"); }
  function logTicks(lo, hi) {
    var a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi)), out = [];
    var steps = b - a <= 2 ? [1, 2, 5] : b - a <= 4 ? [1, 3] : [1];
    for (var e = a; e <= b; e++) steps.forEach(function (m) { var t = m * Math.pow(10, e); if (t >= lo / 1.0001 && t <= hi * 1.0001) out.push(t); });
    return out;
  }
  function axisX(svg, x0, x1, y, ticks, scale, label, fmt) {
    var g = svg.appendChild(sv("g", { "class": "axis" }));
    g.appendChild(sv("line", { x1: x0, x2: x1, y1: y, y2: y }));
    ticks.forEach(function (t) {
      var x = scale(t);
      g.appendChild(sv("line", { x1: x, x2: x, y1: y, y2: y + 4 }));
      g.appendChild(sv("text", { x: x, y: y + 16, "text-anchor": "middle" }, fmt(t)));
    });
    if (label) g.appendChild(sv("text", { x: (x0 + x1) / 2, y: y + 32, "text-anchor": "middle" }, label));
  }
  function gridX(svg, ticks, scale, y0, y1) {
    var g = svg.appendChild(sv("g", { "class": "grid" }));
    ticks.forEach(function (t) { var x = scale(t); g.appendChild(sv("line", { x1: x, x2: x, y1: y0, y2: y1 })); });
  }
  function median(xs) { var s = xs.slice().sort(function (a, b) { return a - b; }), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }

  function plotDevices(rows) {
    var box = plotBox("plot-devices"), speed = typeIndex.speedup, by = {};
    for (var r = 0; r < rows.length; r++) {
      var i = rows[r], h = C.hardware[i];
      if (C.type[i] !== speed || h < 0 || !(C.factor[i] > 0)) continue;
      (by[h] = by[h] || []).push(i);
    }
    var keys = Object.keys(by).map(Number), order = function (a, b) { return by[b].length - by[a].length || (V.hardware[a] < V.hardware[b] ? -1 : 1); };
    var specific = keys.filter(function (h) { return !D.devices.generic[h]; }).sort(order);
    var generic = keys.filter(function (h) { return D.devices.generic[h]; }).sort(order);
    var hidden = Math.max(0, specific.length - S.devices);
    specific = specific.slice(0, S.devices);
    if (!specific.length && !generic.length) return empty(box, "No speed-up among the claims shown names the device it was measured on.");
    var lines = specific.map(function (h) { return { h: h } }), rowH = 24, left = 190, right = 140, W = 680;
    if (generic.length) lines.push({ section: "generic classes (no device named)" });
    generic.forEach(function (h) { lines.push({ h: h, generic: true }); });
    var H = 12 + lines.length * rowH + 40, all = [];
    lines.forEach(function (l) { if (l.h !== undefined) by[l.h].forEach(function (i) { all.push(C.factor[i]); }); });
    var lo = Math.min(1, Math.min.apply(null, all)), hi = Math.max(2, Math.max.apply(null, all));
    var l0 = Math.log10(lo), l1 = Math.log10(hi), x = function (v) { return left + (Math.log10(v) - l0) / (l1 - l0) * (W - left - right); };
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "speed-up factors by device" });
    var ticks = logTicks(lo, hi), yEnd = 12 + lines.length * rowH;
    gridX(svg, ticks, x, 6, yEnd);
    svg.appendChild(sv("line", { x1: x(1), x2: x(1), y1: 6, y2: yEnd, stroke: "#8c959f", "stroke-dasharray": "3 3" }));
    var cap = Math.max(30, Math.floor(1500 / lines.length));   // dots per device: a sample beyond
    lines.forEach(function (l, k) {
      var yc = 12 + k * rowH + rowH / 2;
      if (l.section) { svg.appendChild(sv("text", { x: 4, y: yc + 4, "class": "section" }, l.section)); return; }
      var name = V.hardware[l.h], f = by[l.h].map(function (i) { return C.factor[i]; });
      svgTitle(svg.appendChild(sv("text", { x: left - 8, y: yc + 4, "text-anchor": "end", "class": "label" }, shorten(name, 30))),
        deviceLabel(l.h));
      var color = l.generic ? "#8c959f" : "#1f6feb", every = Math.ceil(by[l.h].length / cap);
      by[l.h].forEach(function (i, n) {
        if (n % every) return;
        svg.appendChild(sv("circle", { cx: x(C.factor[i]).toFixed(1), cy: (yc + ((i * 7919) % 11 - 5)).toFixed(1), r: 3.6,
          fill: color, "fill-opacity": 0.55, "class": "clickable", "data-claim": i }));
      });
      var m = median(f);
      svgTitle(svg.appendChild(sv("line", { x1: x(m), x2: x(m), y1: yc - 9, y2: yc + 9, stroke: "#24292f", "stroke-width": 2.5 })), "median " + fmtFactor(m) + "×");
      svg.appendChild(sv("text", { x: W - 4, y: yc + 4, "text-anchor": "end", "class": "axis" }, "n=" + f.length + ", median " + fmtFactor(m) + "×"));
    });
    axisX(svg, left, W - right, yEnd + 4, ticks, x, "speed-up factor (old time / new time), log scale", function (t) { return fmtFactor(t) + "×"; });
    clear(box).appendChild(svg);
    if (hidden) box.appendChild(el("p", "more", hidden + " more devices with fewer claims: pick one in the Hardware filter."));
  }

  function plotLeaderboards(rows) {
    var box = plotBox("plot-leaderboards"), acc = typeIndex.accuracy, absolute = V.form.indexOf("absolute"), groups = {};
    for (var r = 0; r < rows.length; r++) {
      var i = rows[r];
      if (C.type[i] !== acc || C.form[i] !== absolute || C.dataset[i] < 0 || C.metric[i] < 0) continue;
      var key = C.dataset[i] + "/" + C.metric[i] + "/" + C.unit[i];
      (groups[key] = groups[key] || []).push(i);
    }
    var keys = Object.keys(groups).sort(function (a, b) { return groups[b].length - groups[a].length || (a < b ? -1 : 1); });
    if (!keys.length) return empty(box, "No score among the claims shown names both its benchmark and its metric.");
    var wrap = el("div", "boards");
    keys.slice(0, S.leaderboards).forEach(function (key) {
      var g = groups[key], i0 = g[0], lowerBetter = D.lower_is_better[C.metric[i0]];
      var best = {};                  // one entry per paper and subject: its best value
      g.forEach(function (i) {
        var who = C.paper[i] + "/" + C.subject[i], b = best[who];
        if (b === undefined || (lowerBetter ? C.value[i] < C.value[b] : C.value[i] > C.value[b])) best[who] = i;
      });
      var entries = Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
        return (lowerBetter ? C.value[a] - C.value[b] : C.value[b] - C.value[a]) || a - b;
      });
      var card = wrap.appendChild(el("div", "board"));
      card.appendChild(el("h3", null, dictValue("dataset", i0) + " · " + dictValue("metric", i0)));
      card.appendChild(el("div", "how", (lowerBetter ? "lower" : "higher") + " is better · " + g.length + " claim" + (g.length > 1 ? "s" : "") + " · " + entries.length + " entr" + (entries.length > 1 ? "ies" : "y")));
      var ol = card.appendChild(el("ol"));
      entries.slice(0, S.leaderboard_rows).forEach(function (i) {
        var li = ol.appendChild(el("li"));
        li.appendChild(el("span", "v", valueText(i)));
        li.appendChild(document.createTextNode(" " + (dictValue("subject", i) || "(system not named)")));
        var a = el("a", "who", P.title[C.paper[i]]);
        a.href = paperHash(C.paper[i]); a.title = P.title[C.paper[i]];
        li.appendChild(a);
      });
    });
    clear(box).appendChild(wrap);
    if (keys.length > S.leaderboards) box.appendChild(el("p", "more", (keys.length - S.leaderboards) + " more benchmark and metric pairs: pick a dataset in the Dataset filter."));
  }

  function groupOf(i) { var t = C.type[i]; return relative[t] ? 0 : t === typeIndex.accuracy ? 1 : 2; }
  function plotTime(rows) {
    var box = plotBox("plot-time"), counts = {}, undated = 0, undatedPapers = {};
    for (var r = 0; r < rows.length; r++) {
      var i = rows[r], y = claimYear[i];
      if (y !== y) { undated++; undatedPapers[C.paper[i]] = 1; continue; }
      (counts[y] = counts[y] || [0, 0, 0])[groupOf(i)]++;
    }
    var years = Object.keys(counts).map(Number);
    var note = undated ? undated + " claim" + (undated > 1 ? "s" : "") + " of " + Object.keys(undatedPapers).length +
      " paper" + (Object.keys(undatedPapers).length > 1 ? "s" : "") + " without a date not shown." : "";
    if (!years.length) return empty(box, "No claim shown is of a paper with a known date." + (note ? " " + note : ""));
    var y0 = Math.min.apply(null, years), y1 = Math.max.apply(null, years), span = [];
    for (var y = y0; y <= y1; y++) span.push(y);
    var max = Math.max.apply(null, span.map(function (y) { return counts[y] ? counts[y][0] + counts[y][1] + counts[y][2] : 0; }));
    var W = 640, H = 250, left = 46, right = 12, top = 10, bottom = 40, step = niceStep(max, 5), top_ = Math.ceil(max / step) * step;
    var bw = (W - left - right) / span.length, yv = function (v) { return top + (H - top - bottom) * (1 - v / top_); };
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "claims by year" });
    var g = svg.appendChild(sv("g", { "class": "axis" }));
    for (var v = 0; v <= top_; v += step) {
      g.appendChild(sv("line", { x1: left, x2: W - right, y1: yv(v), y2: yv(v), stroke: "#eaeef2" }));
      g.appendChild(sv("text", { x: left - 6, y: yv(v) + 4, "text-anchor": "end" }, v.toLocaleString("en-US")));
    }
    var every = Math.ceil(span.length / 14);
    span.forEach(function (y, k) {
      var c = counts[y] || [0, 0, 0], base = 0, x = left + k * bw + bw * 0.12, w = bw * 0.76;
      c.forEach(function (n, gi) {
        if (!n) return;
        svgTitle(svg.appendChild(sv("rect", { x: x.toFixed(1), y: yv(base + n).toFixed(1), width: w.toFixed(1), height: (yv(base) - yv(base + n)).toFixed(1), fill: GROUPS[gi][1] })),
          y + ": " + n + " " + GROUPS[gi][0] + " claim" + (n > 1 ? "s" : ""));
        base += n;
      });
      if (k % every === 0) g.appendChild(sv("text", { x: (x + w / 2).toFixed(1), y: H - bottom + 16, "text-anchor": "middle" }, String(y)));
    });
    g.appendChild(sv("text", { x: 12, y: (top + H - bottom) / 2, transform: "rotate(-90 12 " + (top + H - bottom) / 2 + ")", "text-anchor": "middle" }, "claims"));
    clear(box).appendChild(legend());
    box.appendChild(svg);
    if (note) box.appendChild(el("p", "more", note));
  }
  function legend() {
    var d = el("div", "legend");
    GROUPS.forEach(function (g) { var s = d.appendChild(el("span")), sw = s.appendChild(el("i")); sw.style.background = g[1]; s.appendChild(document.createTextNode(g[0])); });
    return d;
  }

  function plotBaselines(rows) {
    var box = plotBox("plot-baselines"), papers = {};
    for (var r = 0; r < rows.length; r++) {
      var i = rows[r], b = C.beaten[i];
      if (b < 0) continue;
      (papers[b] = papers[b] || {})[C.paper[i]] = 1;
    }
    var keys = Object.keys(papers).map(Number).map(function (b) { return [b, Object.keys(papers[b]).length]; });
    keys.sort(function (a, b) { return b[1] - a[1] || (V.beaten[a[0]].toLowerCase() < V.beaten[b[0]].toLowerCase() ? -1 : 1); });
    if (!keys.length) return empty(box, "No claim shown beats a named baseline.");
    var top = keys.slice(0, S.baselines), max = top[0][1], step = niceStep(max, 5), end = Math.ceil(max / step) * step;
    var W = 640, left = 250, right = 30, rowH = 24, H = 8 + top.length * rowH + 40;
    var x = function (v) { return left + v / end * (W - left - right); };
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "baselines beaten most" });
    var ticks = [];
    for (var v = 0; v <= end; v += step) ticks.push(v);
    gridX(svg, ticks, x, 4, 8 + top.length * rowH);
    top.forEach(function (kv, k) {
      var name = V.beaten[kv[0]], yc = 8 + k * rowH + rowH / 2;
      svgTitle(svg.appendChild(sv("text", { x: left - 8, y: yc + 4, "text-anchor": "end", "class": "label" }, shorten(name, S.label_chars))), name);
      var bar = svg.appendChild(sv("rect", { x: left, y: yc - 8, width: Math.max(1, x(kv[1]) - left).toFixed(1), height: 16, fill: "#1f6feb", "class": "clickable", "data-baseline": name }));
      svgTitle(bar, name + ": " + kv[1] + " paper" + (kv[1] > 1 ? "s" : ""));
      svg.appendChild(sv("text", { x: x(kv[1]) + 5, y: yc + 4 }, String(kv[1])));
    });
    axisX(svg, left, W - right, 8 + top.length * rowH + 2, ticks, x, "papers reporting a win over it", function (t) { return t.toLocaleString("en-US"); });
    clear(box).appendChild(svg);
    if (keys.length > top.length) box.appendChild(el("p", "more", (keys.length - top.length) + " more baselines beaten by fewer papers."));
  }

  function plots(rows) { plotDevices(rows); plotLeaderboards(rows); plotTime(rows); plotBaselines(rows); }

  // ------------------------------------------------------- the paper view
  var mentionsOf = null;
  function paperMentions(p) {
    if (!mentionsOf) {
      mentionsOf = {};
      for (var k = 0; k < D.mentions.paper.length; k++) (mentionsOf[D.mentions.paper[k]] = mentionsOf[D.mentions.paper[k]] || []).push(k);
    }
    return mentionsOf[p] || [];
  }
  function field(dl, name, value) {
    if (value == null || value === "") return;
    dl.appendChild(el("dt", null, name));
    dl.appendChild(el("dd", null, value));
  }
  function renderPaper(p) {
    var claims = [], ms = paperMentions(p), a = P.abstract[p];
    for (var i = paperFirst[p]; i >= 0 && i < paperFirst[p] + paperCount[p]; i++) claims.push(i);
    byId("pv-title").textContent = P.title[p];
    var meta = clear(byId("pv-meta"));
    meta.appendChild(document.createTextNode((P.year[p] != null ? P.year[p] + " · " : "") + claims.length + " claim" +
      (claims.length === 1 ? "" : "s") + " · paper " + P.id[p]));
    var url = safeUrl(P.url[p]);
    if (url) { meta.appendChild(document.createTextNode(" · ")); var link = meta.appendChild(el("a", null, url)); link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer"; }
    var hwBox = clear(byId("pv-hardware")), names = {};
    ms.forEach(function (k) { var h = D.mentions.hardware[k]; names[h] = (names[h] || 0) + 1; });
    var hk = Object.keys(names);
    hwBox.appendChild(document.createTextNode(hk.length ? "Hardware mentioned: " : "No hardware mentioned."));
    hk.forEach(function (h, n) {
      if (n) hwBox.appendChild(document.createTextNode(", "));
      hwBox.appendChild(el("span", "hw", V.hardware[h]));
      hwBox.appendChild(document.createTextNode(deviceLabel(h).slice(V.hardware[h].length) + (names[h] > 1 ? " ×" + names[h] : "")));
    });
    // the abstract, cut where any claim or mention starts or ends
    var cuts = [0, a.length];
    claims.forEach(function (i) { cuts.push(C.start[i], C.end[i]); });
    ms.forEach(function (k) { cuts.push(D.mentions.start[k], D.mentions.end[k]); });
    cuts = cuts.filter(function (c, k, all) { return c >= 0 && c <= a.length && all.indexOf(c) === k; }).sort(function (x, y) { return x - y; });
    var box = clear(byId("pv-abstract"));
    for (var c = 0; c + 1 < cuts.length; c++) {
      var s = cuts[c], e = cuts[c + 1], text = a.slice(s, e), num = -1, hw = -1;
      claims.forEach(function (i, n) {
        if (C.start[i] <= s && C.end[i] >= e && num < 0) num = n;
        if (C.start[i] === s) box.appendChild(el("sup", "badge", String(n + 1)));
      });
      ms.forEach(function (k) { if (D.mentions.start[k] <= s && D.mentions.end[k] >= e) hw = k; });
      if (num < 0 && hw < 0) { box.appendChild(document.createTextNode(text)); continue; }
      var node = el(num >= 0 ? "mark" : "span", (num >= 0 ? "claim" : "") + (hw >= 0 ? " hw" : ""), text);
      if (num >= 0) node.dataset.n = String(num + 1);
      if (hw >= 0) node.title = deviceLabel(D.mentions.hardware[hw]);
      box.appendChild(node);
    }
    var list = clear(byId("pv-claims"));
    claims.forEach(function (i, n) {
      var li = list.appendChild(el("li"));
      li.id = "claim-" + (n + 1);
      li.dataset.n = String(n + 1);
      var h = li.appendChild(el("h3"));
      h.appendChild(el("span", "badge", String(n + 1)));
      h.appendChild(document.createTextNode(human(D.types[C.type[i]]) + ": " + a.slice(C.start[i], C.end[i]) +
        (factorText(i) ? " (factor " + factorText(i) + ")" : "")));
      var dl = li.appendChild(el("dl"));
      field(dl, "value", valueText(i));
      field(dl, "form", dictValue("form", i));
      field(dl, "qualifier", human(dictValue("qualifier", i)));
      field(dl, "direction", dictValue("direction", i));
      field(dl, "subject", dictValue("subject", i));
      field(dl, "baseline", dictValue("baseline", i));
      field(dl, "hardware", C.hardware[i] >= 0 ? deviceLabel(C.hardware[i]) : null);
      field(dl, "metric", dictValue("metric", i));
      field(dl, "dataset", dictValue("dataset", i));
    });
    if (!claims.length) list.appendChild(el("li", "empty", "No claim was found in this abstract."));
    var back = Object.assign({}, state); back.paper = "";
    byId("back").href = hashOf(back);
    document.title = P.title[p] + " — claims";
  }
  function activate(n, on) {
    Array.prototype.forEach.call(document.querySelectorAll('#pv-abstract mark[data-n="' + n + '"], #pv-claims li[data-n="' + n + '"]'),
      function (x) { x.classList.toggle("active", on); });
  }

  // ------------------------------------------------------------- updates
  var timing = { filter: 0, table: 0, plots: 0 };
  function update(plotsToo) {
    var t0 = performance.now();
    var paper = state.paper ? P.id.indexOf(state.paper) : -1;
    byId("paper-view").hidden = paper < 0;
    byId("claims-view").hidden = paper >= 0;
    if (paper >= 0) { renderPaper(paper); writeHash(); window.scrollTo(0, 0); return; }
    document.title = "Quantitative claims of ML paper abstracts";
    visible = sortRows(filter());
    var t1 = performance.now();
    renderTable(); renderChips();
    var t2 = performance.now();
    if (plotsToo !== false && state.plots !== "hide") plots(visible);
    var t3 = performance.now();
    timing = { filter: t1 - t0, table: t2 - t1, plots: t3 - t2 };
    byId("timing").textContent = "filtered in " + Math.round(t1 - t0) + " ms";
    writeHash();
  }
  function syncControls() {
    byId("search").value = state.q;
    byId("plots-section").open = state.plots !== "hide";
    [["f-type", "type"], ["f-hw", "hw"], ["f-ds", "ds"], ["f-year", "year"]].forEach(function (fk) {
      var s = byId(fk[0]);
      s.value = state[fk[1]];
      if (s.value !== state[fk[1]]) { s.value = ""; }
    });
  }
  function option(select, value, label) { var o = el("option", null, label); o.value = value; select.appendChild(o); return o; }
  function counts(col, size) { var n = new Int32Array(size); for (var i = 0; i < N; i++) if (col[i] >= 0) n[col[i]]++; return n; }
  function buildControls() {
    var tsel = byId("f-type"), tn = counts(C.type, D.types.length);
    option(tsel, "", "all types");
    D.types.forEach(function (t, k) { if (tn[k]) option(tsel, t, human(t) + " (" + tn[k] + ")"); });
    var hsel = byId("f-hw"), hn = counts(C.hardware, V.hardware.length), groups = {};
    option(hsel, "", "all hardware");
    V.hardware.forEach(function (h, k) {
      if (!hn[k]) return;
      var g = D.devices.generic[k] ? "generic classes" : D.devices.vendor[k] || "vendor not known";
      (groups[g] = groups[g] || []).push(k);
    });
    Object.keys(groups).sort(function (a, b) {
      var ra = a === "generic classes" ? 2 : a === "vendor not known" ? 1 : 0, rb = b === "generic classes" ? 2 : b === "vendor not known" ? 1 : 0;
      return ra - rb || (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
    }).forEach(function (g) {
      var og = el("optgroup"); og.label = g; hsel.appendChild(og);
      groups[g].sort(function (a, b) { return V.hardware[a].toLowerCase() < V.hardware[b].toLowerCase() ? -1 : 1; })
        .forEach(function (k) { option(og, V.hardware[k], V.hardware[k] + " (" + hn[k] + ")"); });
    });
    var dsel = byId("f-ds"), dn = counts(C.dataset, V.dataset.length);
    option(dsel, "", "all datasets");
    V.dataset.map(function (d, k) { return k; }).filter(function (k) { return dn[k]; })
      .sort(function (a, b) { return V.dataset[a].toLowerCase() < V.dataset[b].toLowerCase() ? -1 : 1; })
      .forEach(function (k) { option(dsel, V.dataset[k], V.dataset[k] + " (" + dn[k] + ")"); });
    var ysel = byId("f-year"), yn = {}, none = 0;
    for (var i = 0; i < N; i++) { var y = claimYear[i]; if (y === y) yn[y] = (yn[y] || 0) + 1; else none++; }
    option(ysel, "", "all years");
    Object.keys(yn).map(Number).sort(function (a, b) { return b - a; }).forEach(function (y) { option(ysel, String(y), y + " (" + yn[y] + ")"); });
    if (none) option(ysel, "none", "no date (" + none + ")");
    byId("total").textContent = N.toLocaleString("en-US");
  }

  function set(changes, plotsToo) {
    for (var k in changes) state[k] = changes[k];
    page = 0;
    update(plotsToo);
  }
  function wire() {
    byId("search").addEventListener("input", function (e) { set({ q: e.target.value }); });
    [["f-type", "type"], ["f-hw", "hw"], ["f-ds", "ds"], ["f-year", "year"]].forEach(function (fk) {
      byId(fk[0]).addEventListener("change", function (e) { var c = {}; c[fk[1]] = e.target.value; set(c); });
    });
    byId("clear").addEventListener("click", function () { var s = blank(); s.sort = state.sort; s.plots = state.plots; state = s; syncControls(); set({}); });
    byId("export").addEventListener("click", exportCsv);
    byId("plots-section").addEventListener("toggle", function (e) {
      var hide = e.target.open ? "" : "hide";
      if (hide !== state.plots) { state.plots = hide; if (!hide) plots(visible); writeHash(); }
    });
    byId("prev").addEventListener("click", function () { page = Math.max(0, page - 1); renderTable(); });
    byId("next").addEventListener("click", function () { page++; renderTable(); });
    Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (th) {
      th.tabIndex = 0;                                   // sortable from the keyboard too
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); th.click(); } });
    });
    document.querySelector("#claims thead").addEventListener("click", function (e) {
      var th = e.target.closest("th[data-sort]");
      if (!th) return;
      var k = th.dataset.sort;
      set({ sort: state.sort === k ? "-" + k : state.sort === "-" + k ? "" : k }, false);
    });
    byId("plots-section").addEventListener("click", function (e) {
      var t = e.target.closest("[data-claim],[data-baseline]");
      if (!t) return;
      if (t.dataset.claim) location.hash = paperHash(C.paper[+t.dataset.claim]);
      else { var b = t.dataset.baseline.replace(/"/g, ""); state.q = (state.q ? state.q + " " : "") + 'baseline:"' + b + '"'; syncControls(); set({}); }
    });
    byId("plots-section").addEventListener("mouseover", function (e) {   // a dot's tooltip, made when needed
      var t = e.target.closest("circle[data-claim]");
      if (!t || t.firstChild) return;
      var i = +t.getAttribute("data-claim");
      svgTitle(t, factorText(i) + "× " + (dictValue("subject", i) || "") + (dictValue("baseline", i) ? " over " + dictValue("baseline", i) : "") +
        (dictValue("hardware", i) ? " on " + dictValue("hardware", i) : "") + " — " + P.title[C.paper[i]]);
    });
    byId("pv-abstract").addEventListener("click", function (e) {
      var m = e.target.closest("mark[data-n]");
      if (m) { var li = byId("claim-" + m.dataset.n); if (li) li.scrollIntoView({ block: "nearest" }); activate(m.dataset.n, true); }
    });
    ["mouseover", "mouseout"].forEach(function (ev) {
      byId("paper-view").addEventListener(ev, function (e) {
        var t = e.target.closest("[data-n]");
        if (t) activate(t.dataset.n, ev === "mouseover");
      });
    });
    window.addEventListener("hashchange", function () {
      if (ignoreHash !== null && location.hash === ignoreHash) { ignoreHash = null; return; }
      state = readHash(); page = 0; syncControls(); update();
    });
  }

  buildControls();
  wire();
  state = readHash();
  syncControls();
  update();
  // for tests and scripts: the rows shown, their CSV, how long filtering took
  window.report = {
    ready: true,
    count: function () { return visible.length; },
    ids: function () { return Array.prototype.map.call(visible, function (i) { return P.id[C.paper[i]] + ":" + C.char_start[i]; }); },
    csv: csvText,
    state: function () { return Object.assign({}, state); },
    terms: function () { return compiled.map(function (c) { return c.label; }); },
    timing: function () { return Object.assign({}, timing); },
    go: function (hash) { state = Object.assign(blank(), hash); page = 0; syncControls(); update(); return visible.length; }
  };
  document.documentElement.setAttribute("data-ready", "1");
})();
