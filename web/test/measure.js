// Timings of the built page in headless Chromium (not a test: numbers for
// docs). Run: node web/test/measure.js
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const ROOT = path.resolve(__dirname, "../..");
const PAGE = path.join(ROOT, "web/dist/zikao-check.html");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

(async () => {
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
    return { first, twelve, fix, verdicts: [a.verdict, b.verdict, f.report.verdict], bigBytes: big.length };
  }, small);
  console.log(JSON.stringify({ page_bytes: fs.statSync(PAGE).size, ready_ms: ready, ...r }));
  await ctx.close();
})();
