// Sizes and timings of the built page in headless Chromium (not a test:
// numbers for docs/web.md). Run: node web/test/measure.js [runs] [page.html]
// Prints one JSON line a run: the page's bytes (raw and gzipped), the wasm's
// (inlined gzipped; raw after gunzip), zikao.ready, the first check of a
// 480x640 photo, then check and fix of a 12-megapixel photo made from it.
// Offline: the browser context has no network.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const ROOT = path.resolve(__dirname, "../..");
const zlib = require("node:zlib");
const RUNS = Number(process.argv[2] || 1);
const PAGE = path.resolve(process.argv[3] || path.join(ROOT, "web/dist/zikao-check.html"));

function sizes() {
  const html = fs.readFileSync(PAGE);
  const m = /<script type="text\/plain" id="wasm" data-bytes="(\d+)">([^<]*)<\/script>/.exec(html.toString("utf8"));
  const { bytes7Decode } = require("../src/bytes7.js");
  // (or an older page's base64)
  const wasmGz = m ? bytes7Decode(m[2], Number(m[1]))
    : Buffer.from(/id="wasm"[^>]*>([^<]*)</.exec(html.toString("latin1"))[1].replace(/\s+/g, ""), "base64");
  return {
    page_bytes: html.length,
    page_gzip: zlib.gzipSync(html, { level: 9 }).length,
    wasm_gzip: wasmGz.length,
    wasm_bytes: zlib.gunzipSync(wasmGz).length,
  };
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function run() {
  const ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "zikao-measure-")),
    { executablePath: "/usr/bin/chromium", headless: true, args: FLAGS, offline: true });
  const page = ctx.pages()[0] || await ctx.newPage();
  const t0 = Date.now();
  await page.goto("file://" + PAGE);
  await page.evaluate(() => window.zikao.ready);
  const ready = Date.now() - t0;
  const small = fs.readFileSync(path.join(ROOT, "examples/photos/grace_hopper_ok_blue.jpg")).toString("base64");
  const r = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    let t = performance.now();
    const a = await window.zikao.check(bytes, { name: "a.jpg" });
    const first = performance.now() - t;
    // A 12-megapixel (4000x3000... here 3024x4032) phone photo made from it.
    const img = await createImageBitmap(new Blob([bytes]));
    const c = new OffscreenCanvas(3024, 4032);
    c.getContext("2d").drawImage(img, 0, 0, 3024, 4032);
    const big = new Uint8Array(await (await c.convertToBlob({ type: "image/jpeg", quality: 0.9 })).arrayBuffer());
    t = performance.now();
    const b = await window.zikao.check(big, { name: "b.jpg" });
    const twelve = performance.now() - t;
    t = performance.now();
    const f = await window.zikao.fix(big, { name: "b.jpg" });
    const fix = performance.now() - t;
    return { first_ms: Math.round(first), check_12mp_ms: Math.round(twelve), fix_12mp_ms: Math.round(fix), verdicts: [a.verdict, b.verdict, f.report.verdict], bigBytes: big.length };
  }, small);
  await ctx.close();
  return { ready_ms: ready, ...r };
}

(async () => {
  const sz = sizes();
  for (let i = 0; i < RUNS; i++) console.log(JSON.stringify({ ...sz, ...(await run()) }));
})();
