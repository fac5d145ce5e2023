// The page: picks photos, sends them one at a time to the worker (the zikao
// engine in WebAssembly), and shows each verdict, finding and the guides.
// Everything stays on the device. Automation contract (tests use it):
//   window.zikao.ready                          Promise
//   await window.zikao.check(bytes, {profile, lang, name})
//       -> one item of `zikao photo check --format json`'s results[]
//   await window.zikao.fix(bytes, {profile, name})
//       -> {jpeg: Uint8Array | null, report: one item of `photo fix-size`'s results[]}
"use strict";

const T = {
  zh: {
    title: "自考毕业证件照自查",
    profile: "照片标准",
    p_national: "全国标准（480×640）",
    p_guangdong: "广东（白色或浅灰背景）",
    p_guangdong_upload: "广东网上上传",
    p_id: "身份证附件",
    privacy: "照片只在这台设备上检查，不会上传到任何地方，断网也能用。",
    pick: "选择照片或拍照",
    drop: "也可以把照片拖到这里，一次可选多张",
    loading: "正在加载检查程序……",
    ready: "已就绪：请选择照片。",
    failed_load: "检查程序无法加载：",
    checking: (i, n) => `正在检查第 ${i} / ${n} 张……`,
    done: (n, bad) => `已检查 ${n} 张，其中 ${bad} 张不合格。`,
    summary: "检查结果汇总",
    file: "文件",
    result: "结果",
    problems: "问题",
    pass: "合格",
    fail: "不合格",
    pass_long: "合格：这张照片符合所选标准。",
    fail_long: (n) => `不合格：有 ${n} 项需要修改（见下方红色项）。`,
    error: "不合格",
    warning: "提醒",
    info: "说明",
    measured: "实测",
    expected: "要求",
    fix: "生成合格照片并下载",
    fixing: "正在生成……",
    fixed: (name) => `已下载 ${name}，请用它上传。下方是处理说明：`,
    refused: "无法自动生成合格照片，原因：",
    legend_head: "头顶应在黄色带内",
    legend_eyes: "双眼应在蓝色带内",
    legend_width: "两侧脸颊应落在紫色区域内（脸宽）",
    legend_center: "白色虚线：照片中线，脸的中线应在两条灰线之间",
    legend_measured: "绿色：实测合格；红色：实测不合格",
    no_face_guides: "未检测到人脸，只画出了要求的范围。",
    no_preview: "无法显示这张图片（文件无法解码）。",
    footer: "zikao · 与命令行工具 zikao photo check / fix-size 使用同一检查引擎",
  },
  en: {
    title: "Self-taught exam graduation photo self-check",
    profile: "Photo standard",
    p_national: "National (480×640)",
    p_guangdong: "Guangdong (white or light grey background)",
    p_guangdong_upload: "Guangdong online upload",
    p_id: "ID-card attachment",
    privacy: "Your photos are checked on this device only, never uploaded; this page works offline.",
    pick: "Choose photos or take one",
    drop: "or drop photos here (several at once)",
    loading: "Loading the checker…",
    ready: "Ready: choose a photo.",
    failed_load: "The checker could not load: ",
    checking: (i, n) => `Checking photo ${i} of ${n}…`,
    done: (n, bad) => `Checked ${n} photo(s); ${bad} failed.`,
    summary: "Summary",
    file: "File",
    result: "Result",
    problems: "Problems",
    pass: "Pass",
    fail: "Fail",
    pass_long: "Pass: this photo meets the chosen standard.",
    fail_long: (n) => `Fail: ${n} thing(s) to correct (in red below).`,
    error: "Problem",
    warning: "Warning",
    info: "Note",
    measured: "measured",
    expected: "required",
    fix: "Make a compliant photo and download it",
    fixing: "Working…",
    fixed: (name) => `Downloaded ${name}: upload that file. What was done:`,
    refused: "A compliant photo cannot be made from this one, because:",
    legend_head: "Top of the head: inside the yellow band",
    legend_eyes: "Eyes: inside the blue band",
    legend_width: "Cheeks: inside the purple zones (face width)",
    legend_center: "White dashed line: the photo's centre; the face's centre must lie between the grey lines",
    legend_measured: "Green: measured value in range; red: out of range",
    no_face_guides: "No face was found; only the required ranges are drawn.",
    no_preview: "This image cannot be shown (the file cannot be decoded).",
    footer: "zikao · the same engine as the command-line zikao photo check / fix-size",
  },
};

const state = { lang: "zh", profile: "national", photos: [], run: 0 };
const $ = (id) => document.getElementById(id);
const tr = (k, ...a) => {
  const v = T[state.lang][k];
  return typeof v === "function" ? v(...a) : v;
};

// ---- the engine (a worker started from a Blob URL: works from file://)

let worker = null;
let nextId = 1;
const pending = new Map();

const ready = new Promise((resolve, reject) => {
  const src = $("worker-src").textContent;
  worker = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
  worker.onmessage = (e) => {
    const m = e.data;
    if ("ready" in m) {
      if (m.ready) resolve(); else reject(new Error(m.error));
      return;
    }
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error)); else p.resolve(m);
  };
  const el = $("wasm");
  const wasm = bytes7Decode(el.textContent, Number(el.dataset.bytes)).buffer;
  el.textContent = "";
  worker.postMessage({ wasm, gzip: true }, [wasm]);
});

function request(op, bytes, name, profile) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const copy = bytes.slice().buffer; // the caller keeps its bytes
    worker.postMessage({ id, op, bytes: copy, name, profile }, [copy]);
  });
}

function defaultName(bytes) {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  return png ? "photo.png" : "photo.jpg";
}

function asBytes(b) {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Uint8Array.from(b);
}

// {zh, en, guides, preview} for one photo.
async function checkFull(bytes, profile, name) {
  await ready;
  const m = await request("check", bytes, name, profile);
  const r = JSON.parse(m.json);
  const g = r.guides;
  r.preview = g && m.tail.byteLength
    ? new ImageData(new Uint8ClampedArray(m.tail), g.preview_width, g.preview_height)
    : null;
  return r;
}

async function fixFull(bytes, profile, name) {
  await ready;
  const m = await request("fix", bytes, name, profile);
  const r = JSON.parse(m.json);
  r.jpeg = m.tail.byteLength ? new Uint8Array(m.tail) : null;
  return r;
}

window.zikao = {
  ready,
  async check(bytes, opts = {}) {
    bytes = asBytes(bytes);
    const r = await checkFull(bytes, opts.profile || "national", opts.name || defaultName(bytes));
    return r[opts.lang === "en" ? "en" : "zh"];
  },
  async fix(bytes, opts = {}) {
    bytes = asBytes(bytes);
    const r = await fixFull(bytes, opts.profile || "national", opts.name || defaultName(bytes));
    return { jpeg: r.jpeg, report: r[opts.lang === "en" ? "en" : "zh"] };
  },
};

// ---- rendering

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return String(Math.round(v * 10) / 10);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length === 2 && v.every((x) => typeof x === "number")) return `${fmt(v[0])} – ${fmt(v[1])}`;
    return v.map(fmt).join(", ");
  }
  return Object.entries(v).map(([k, x]) => `${k}: ${fmt(x)}`).join("; ");
}

function findingList(findings) {
  const ul = el("ul", { class: "findings" });
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  for (const f of sorted) {
    const li = el("li", { class: f.severity },
      el("span", { class: "sev", text: tr(f.severity) }),
      el("span", { class: "msg", text: f.message }));
    if (f.measured !== null || f.expected !== null) {
      li.append(el("span", { class: "mv" },
        f.measured !== null ? el("span", { text: `${tr("measured")}: ${fmt(f.measured)}` }) : null,
        f.expected !== null ? el("span", { text: `${tr("expected")}: ${fmt(f.expected)}` }) : null));
    }
    li.append(el("code", { text: f.code }));
    ul.append(li);
  }
  return ul;
}

// The guides of `--annotate` (src/photo/annotate.rs), on the preview.
function drawGuides(canvas, r) {
  const g = r.guides;
  const ctx = canvas.getContext("2d");
  canvas.width = g.preview_width;
  canvas.height = g.preview_height;
  ctx.putImageData(r.preview, 0, 0);
  const k = g.preview_width / g.width;
  const W = g.width, H = g.height;
  const rg = g.ranges;
  if (!rg) return;
  const OK = "rgb(0,200,60)", BAD = "rgb(235,20,20)";
  const lw = Math.max(1.5, g.preview_width / 320);
  const inside = (v, a) => v >= a[0] && v <= a[1];
  const tint = (x0, y0, x1, y1, c, a) => {
    ctx.fillStyle = `rgba(${c},${a})`;
    ctx.fillRect(x0 * k, y0 * k, (x1 - x0) * k, (y1 - y0) * k);
  };
  const line = (x0, y0, x1, y1, c, w, dash) => {
    ctx.strokeStyle = c; ctx.lineWidth = w; ctx.setLineDash(dash || []);
    ctx.beginPath(); ctx.moveTo(x0 * k, y0 * k); ctx.lineTo(x1 * k, y1 * k); ctx.stroke();
    ctx.setLineDash([]);
  };
  const label = (x, y, s, c) => {
    ctx.font = `bold ${Math.max(11, Math.round(g.preview_width / 32))}px sans-serif`;
    ctx.textBaseline = "top";
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(0,0,0,.75)";
    ctx.strokeText(s, x * k, y * k);
    ctx.fillStyle = c; ctx.fillText(s, x * k, y * k);
  };
  const f = g.face;
  tint(0, rg.head_top[0], W, rg.head_top[1], "255,200,0", 0.28);
  tint(0, rg.eyes[0], W, rg.eyes[1], "0,150,255", 0.24);
  const cx = f ? f.face_center_x : rg.center_x;
  const eyeY = f ? (f.eye_left.y + f.eye_right.y) / 2 : (rg.eyes[0] + rg.eyes[1]) / 2;
  const wmin = rg.face_width[0] / 2, wmax = rg.face_width[1] / 2;
  const by0 = eyeY - 0.05 * H, by1 = eyeY + 0.15 * H;
  tint(cx - wmax, by0, cx - wmin, by1, "230,0,230", 0.28);
  tint(cx + wmin, by0, cx + wmax, by1, "230,0,230", 0.28);
  const c = rg.center_x;
  line(c, 0, c, H, "#fff", lw);
  line(c, 0, c, H, "#000", lw, [6 * lw, 6 * lw]);
  for (const t of [c - rg.center_tolerance, c + rg.center_tolerance]) line(t, 0, t, H, "rgb(150,150,150)", lw, [3 * lw, 3 * lw]);
  if (!f) return;
  const b = f.face_box;
  ctx.strokeStyle = "rgb(170,170,170)"; ctx.lineWidth = lw;
  ctx.strokeRect(b.x * k, b.y * k, b.width * k, b.height * k);
  if (f.head_top !== null) {
    const col = inside(f.head_top, rg.head_top) && !f.head_cut ? OK : BAD;
    line(0, f.head_top, W, f.head_top, col, 2 * lw);
    label(2 / k, f.head_top + 4 / k, fmt(f.head_top), col);
  } else if (f.head_cut) {
    line(0, 0, W, 0, BAD, 4 * lw);
  }
  line(f.eye_left.x, f.eye_left.y, f.eye_right.x, f.eye_right.y, "#fff", lw);
  const rr = 0.04 * W;
  for (const [e, dx] of [[f.eye_left, -1], [f.eye_right, 1]]) {
    const col = inside(e.y, rg.eyes) ? OK : BAD;
    line(e.x - rr, e.y, e.x + rr, e.y, col, 2 * lw);
    line(e.x, e.y - rr, e.x, e.y + rr, col, 2 * lw);
    const s = fmt(e.y);
    const tw = ctx.measureText(s).width / k;
    label(dx < 0 ? e.x - rr - tw - 4 / k : e.x + rr + 4 / k, e.y - rr, s, col);
  }
  if (f.face_left_x !== null && f.face_right_x !== null) {
    const fw = f.face_width !== null ? f.face_width : f.face_right_x - f.face_left_x;
    const col = inside(fw, rg.face_width) ? OK : BAD;
    for (const x of [f.face_left_x, f.face_right_x]) line(x, by0, x, by1, col, 2 * lw);
    line(f.face_left_x, by1, f.face_right_x, by1, col, lw);
    label((f.face_left_x + f.face_right_x) / 2 - 10 / k, by1 + 4 / k, fmt(fw), col);
  }
  const off = f.face_center_x - rg.center_x;
  const col = Math.abs(off) <= rg.center_tolerance ? OK : BAD;
  line(f.face_center_x, by0 - 0.1 * H, f.face_center_x, by1, col, 2 * lw);
  label(f.face_center_x + 4 / k, by0 - 0.1 * H, (off >= 0 ? "+" : "") + fmt(off), col);
}

function legend(r) {
  const ul = el("ul", { class: "legend" });
  if (!r.guides || !r.guides.ranges) return null;
  for (const [cls, key] of [["head", "legend_head"], ["eyes", "legend_eyes"], ["width", "legend_width"], ["center", "legend_center"], ["meas", "legend_measured"]]) {
    ul.append(el("li", {}, el("i", { class: cls }), tr(key)));
  }
  if (!r.guides.face) ul.append(el("li", { text: tr("no_face_guides") }));
  return ul;
}

function stem(name) {
  const i = name.lastIndexOf(".");
  return i > 0 ? name.slice(0, i) : name;
}

function card(p, index) {
  const c = el("section", { class: "card", id: `photo-${index}` });
  c.append(el("h2", { class: "name", text: `${index + 1}. ${p.name}` }));
  if (p.error) {
    c.append(el("p", { class: "verdict fail", text: p.error }));
    return c;
  }
  if (!p.result) {
    c.append(el("p", { class: "pending", text: "…" }));
    return c;
  }
  const item = p.result[state.lang];
  const errors = item.findings.filter((f) => f.severity === "error").length;
  c.classList.add(item.verdict);
  c.append(el("p", { class: `verdict ${item.verdict}` }, item.verdict === "pass" ? tr("pass_long") : tr("fail_long", errors)));
  const body = el("div", { class: "body" });
  const fig = el("figure", {});
  if (p.result.preview) {
    const cv = el("canvas", { "aria-label": p.name });
    drawGuides(cv, p.result);
    fig.append(cv, legend(p.result));
  } else {
    fig.append(el("p", { class: "muted", text: tr("no_preview") }));
  }
  body.append(fig);
  const side = el("div", { class: "side" }, findingList(item.findings));
  const btn = el("button", { type: "button", class: "fix" }, tr("fix"));
  btn.addEventListener("click", () => fixPhoto(p, index));
  side.append(btn);
  if (p.fixing) { btn.disabled = true; btn.textContent = tr("fixing"); }
  if (p.fix) {
    const rep = p.fix[state.lang];
    const ok = p.fix.jpeg !== null;
    side.append(el("p", { class: ok ? "fixnote ok" : "fixnote bad" }, ok ? tr("fixed", `${stem(p.name)}.jpg`) : tr("refused")),
      findingList(rep.findings));
  }
  body.append(side);
  c.append(body);
  return c;
}

function renderAll() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = tr("title") + (state.lang === "zh" ? " · Exam photo self-check" : "");
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = tr(e.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
  renderStatus();
  const box = $("results");
  box.replaceChildren(...state.photos.map(card));
  renderSummary();
}

function renderStatus() {
  const s = state.status;
  let t;
  if (!s) t = tr("loading");
  else if (s.kind === "ready") t = tr("ready");
  else if (s.kind === "failed") t = tr("failed_load") + s.msg;
  else if (s.kind === "checking") t = tr("checking", s.i, s.n);
  else t = tr("done", s.n, s.bad);
  $("status-text").textContent = t;
  const pr = $("progress");
  pr.hidden = !(s && s.kind === "checking");
  if (s && s.kind === "checking") { pr.max = s.n; pr.value = s.i - 1; }
}

function renderSummary() {
  const box = $("summary");
  const done = state.photos.filter((p) => p.result || p.error);
  box.hidden = state.photos.length < 2;
  const tb = box.querySelector("tbody");
  tb.replaceChildren(...state.photos.map((p, i) => {
    const item = p.result && p.result[state.lang];
    const v = p.error ? "fail" : item ? item.verdict : "";
    const codes = item ? [...new Set(item.findings.filter((f) => f.severity === "error").map((f) => f.code.replace(/^photo\./, "")))].join(", ") : (p.error || "…");
    const a = el("a", { href: `#photo-${i}`, text: p.name });
    return el("tr", { class: v }, el("td", { text: String(i + 1) }), el("td", {}, a), el("td", { text: v ? tr(v) : "…" }), el("td", { text: codes }));
  }));
  return done;
}

async function checkAll() {
  const run = ++state.run;
  const n = state.photos.length;
  for (let i = 0; i < n; i++) {
    if (run !== state.run) return; // superseded by a new choice
    const p = state.photos[i];
    state.status = { kind: "checking", i: i + 1, n };
    renderStatus();
    try {
      if (!p.bytes) p.bytes = new Uint8Array(await p.file.arrayBuffer());
      p.result = await checkFull(p.bytes, state.profile, p.name);
      p.error = null;
    } catch (e) {
      p.error = String(e.message || e);
    }
    if (run !== state.run) return;
    const old = $(`photo-${i}`);
    if (old) old.replaceWith(card(p, i));
    renderSummary();
  }
  const bad = state.photos.filter((p) => p.error || (p.result && p.result.zh.verdict !== "pass")).length;
  state.status = { kind: "done", n, bad };
  renderStatus();
}

async function fixPhoto(p, index) {
  p.fixing = true;
  $(`photo-${index}`).replaceWith(card(p, index));
  try {
    p.fix = await fixFull(p.bytes, state.profile, p.name);
    if (p.fix.jpeg) {
      const url = URL.createObjectURL(new Blob([p.fix.jpeg], { type: "image/jpeg" }));
      const a = el("a", { href: url, download: `${stem(p.name)}.jpg` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    }
  } catch (e) {
    p.error = String(e.message || e);
  }
  p.fixing = false;
  $(`photo-${index}`).replaceWith(card(p, index));
}

function choose(files) {
  const list = [...files];
  if (!list.length) return;
  state.photos = list.map((f) => ({ file: f, name: f.name || "photo.jpg" }));
  renderAll();
  checkAll();
}

function recheck() {
  for (const p of state.photos) { p.result = null; p.fix = null; p.error = null; }
  renderAll();
  if (state.photos.length) checkAll();
}

$("files").addEventListener("change", (e) => { choose(e.target.files); e.target.value = ""; });
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); choose(e.dataTransfer.files); });
// Dropping a photo elsewhere on the page must not navigate away from it.
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => { e.preventDefault(); if (e.target !== drop && !drop.contains(e.target)) choose(e.dataTransfer.files); });
$("profile").addEventListener("change", (e) => { state.profile = e.target.value; recheck(); });
for (const b of document.querySelectorAll("[data-lang]")) {
  b.addEventListener("click", () => { state.lang = b.dataset.lang; renderAll(); });
}
if (/[?&]lang=en/.test(location.search)) state.lang = "en";
renderAll();
ready.then(() => {
  if (!state.status) { state.status = { kind: "ready" }; renderStatus(); }
}, (e) => { state.status = { kind: "failed", msg: String(e.message || e) }; renderStatus(); });
