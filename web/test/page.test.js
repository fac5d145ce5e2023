// Tests of the built page web/dist/zikao-check.html (run web/build.sh --test
// first) in headless Debian Chromium, against the CLI's JSON for the same
// files. Run: node --test web/test/   (from the repository root or web/).
// Screenshots go to web/screenshots/ (git-ignored).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");
const { chromium } = require("playwright-core");

const WEB = path.resolve(__dirname, "..");
const ROOT = path.resolve(WEB, "..");
const PAGE = path.join(WEB, "dist", "zikao-check.html");
const SHOTS = path.join(WEB, "screenshots");
const FIXTURES = [
  ...fs.readdirSync(path.join(ROOT, "examples/photos")).map((f) => path.join(ROOT, "examples/photos", f)),
  ...fs.readdirSync(path.join(ROOT, "tests/fixtures/photos")).filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => path.join(ROOT, "tests/fixtures/photos", f)),
];

// Debian's chromium, headless, with nothing that phones home.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// The CLI binary (built once by cargo, as the README's commands do).
function zikaoBin() {
  if (process.env.ZIKAO_BIN) return process.env.ZIKAO_BIN;
  const out = execFileSync("cargo", ["build", "--quiet", "--bin", "zikao", "--message-format=json"],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  for (const line of out.split("\n").reverse()) {
    if (!line.startsWith("{")) continue;
    const m = JSON.parse(line);
    if (m.reason === "compiler-artifact" && m.target.name === "zikao" && m.executable) return m.executable;
  }
  throw new Error("cargo built no zikao binary");
}

function cli(args) {
  const r = spawnSync(BIN, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`zikao ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let BIN, context, page;
const network = []; // every request that is not file:, data: or blob:

test.before(async () => {
  assert.ok(fs.existsSync(PAGE), `${PAGE} missing: run web/build.sh first`);
  BIN = zikaoBin();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "zikao-web-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  context.on("request", (r) => {
    if (!/^(file|data|blob):/.test(r.url())) network.push(r.url());
  });
  page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("file://" + PAGE);
  await page.evaluate(() => window.zikao.ready);
  assert.deepEqual(errors, []);
});

test.after(async () => {
  if (context) await context.close();
});

async function pageCheck(file, profile, lang) {
  const b64 = fs.readFileSync(file).toString("base64");
  return page.evaluate(async ({ b64, name, profile, lang }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return window.zikao.check(bytes, { profile, lang, name });
  }, { b64, name: path.basename(file), profile, lang });
}

// Documented tolerance (docs/face.md, "The web page"): the face mesh runs on
// tract's portable kernels in wasm and on SIMD kernels natively, so the
// landmarks differ in the last decimals, which dlib's 5-point cascade can
// turn into a pixel (it rounds its feature pixels' positions). Geometry stays
// within 1.5 px (at 1 px, one value failed: 1.1 px); the number of background
// pixels sampled around that geometry within 5 %.
function sameValue(a, b, where) {
  if (typeof a === "number" && typeof b === "number") {
    const tol = where.endsWith("background_samples") ? Math.max(1, 0.05 * Math.abs(b)) : 1.5;
    assert.ok(Math.abs(a - b) <= tol, `${where}: page ${a}, CLI ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, where);
    a.forEach((x, i) => sameValue(x, b[i], `${where}[${i}]`));
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${where}: keys`);
    for (const k of Object.keys(a)) sameValue(a[k], b[k], `${where}.${k}`);
  } else {
    assert.deepEqual(a, b, where);
  }
}

// The page's item against the CLI's: same verdict, same codes (in order,
// with severities), measurements and findings' values within 1 px.
function sameItem(web, c, name) {
  assert.equal(web.verdict, c.verdict, `${name}: verdict`);
  assert.deepEqual(web.findings.map((f) => `${f.severity} ${f.code}`), c.findings.map((f) => `${f.severity} ${f.code}`), `${name}: codes`);
  web.findings.forEach((f, i) => {
    sameValue(f.measured, c.findings[i].measured, `${name}: ${f.code}.measured`);
    sameValue(f.expected, c.findings[i].expected, `${name}: ${f.code}.expected`);
    assert.ok(f.message.length > 0, `${name}: ${f.code} has a message`);
  });
  sameValue(web.measurements, c.measurements, `${name}: measurements`);
  const { path: _a, findings: _b, measurements: _c, ...restWeb } = web;
  const { path: _d, findings: _e, measurements: _f, ...restCli } = c;
  assert.deepEqual(restWeb, restCli, `${name}: other keys`);
}

for (const [profile, lang] of [["national", "zh"], ["guangdong", "en"], ["id-attachment", "zh"]]) {
  test(`zikao.check gives the CLI's items (${profile}, ${lang})`, async () => {
    const report = cli(["photo", "check", "--format", "json", "--profile", profile, "--lang", lang, ...FIXTURES]);
    assert.equal(report.results.length, FIXTURES.length);
    let failed = 0;
    for (const [i, file] of FIXTURES.entries()) {
      const web = await pageCheck(file, profile, lang);
      const c = report.results[i];
      assert.equal(c.path, file);
      sameItem(web, c, path.basename(file));
      if (c.verdict === "fail") failed++;
      // Messages are the library's own, in the language asked for; their
      // numbers are the measurements compared above (within the tolerance).
      const words = (item) => item.findings.map((f) => f.message.replace(/\d+(\.\d+)?/g, "#"));
      if (lang === "zh") assert.deepEqual(words(web), words(c));
    }
    // The fixtures hold both outcomes, so the comparison is not vacuous.
    assert.ok(failed > 0 && failed < FIXTURES.length, `${failed} of ${FIXTURES.length} failed`);
  });
}

test("a phone-sized photo is fixed, and the CLI passes the result", async () => {
  // A 3024x4032 phone photo: a fixture portrait small in a big frame of its
  // own background, drawn and encoded by the browser.
  const src = fs.readFileSync(path.join(ROOT, "tests/fixtures/photos/grace_hopper_ok_blue.jpg")).toString("base64");
  const phone = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const img = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
    const c = new OffscreenCanvas(3024, 4032);
    const ctx = c.getContext("2d");
    const px = new OffscreenCanvas(1, 1).getContext("2d");
    px.drawImage(img, 2, 2, 1, 1, 0, 0, 1, 1);
    const [r, g, b] = px.getImageData(0, 0, 1, 1).data;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(0, 0, 3024, 4032);
    ctx.drawImage(img, 240, 520, 2880, 3840); // scaled x6, off centre
    const blob = await c.convertToBlob({ type: "image/jpeg", quality: 0.92 });
    const out = new Uint8Array(await blob.arrayBuffer());
    let s = "";
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s);
  }, src);
  const phoneBytes = Buffer.from(phone, "base64");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zikao-web-fix-"));
  const input = path.join(dir, "IMG_0001.jpg");
  fs.writeFileSync(input, phoneBytes);
  const before = cli(["photo", "check", "--format", "json", input]).results[0];
  assert.equal(before.verdict, "fail", "the phone photo needs fixing");
  assert.equal(before.measurements.width, 3024);

  const r = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const r = await window.zikao.fix(bytes, { profile: "national", name: "IMG_0001.jpg" });
    let s = "";
    for (let i = 0; r.jpeg && i < r.jpeg.length; i += 0x8000) s += String.fromCharCode(...r.jpeg.subarray(i, i + 0x8000));
    return { report: r.report, jpeg: r.jpeg && btoa(s) };
  }, phone);
  assert.equal(r.report.verdict, "fixed", JSON.stringify(r.report.findings));
  assert.equal(r.report.output, "IMG_0001.jpg");
  assert.ok(r.jpeg, "a JPEG came back");
  const out = path.join(dir, "fixed.jpg");
  fs.writeFileSync(out, Buffer.from(r.jpeg, "base64"));
  const after = cli(["photo", "check", "--format", "json", out]).results[0];
  assert.equal(after.verdict, "pass", JSON.stringify(after.findings));
  assert.equal(after.measurements.width, 480);
  assert.equal(after.measurements.height, 640);

  // The CLI's fix-size makes the same decision with the same findings.
  const outDir = path.join(dir, "out");
  const cf = cli(["photo", "fix-size", "--format", "json", "--out-dir", outDir, input]).results[0];
  assert.equal(cf.verdict, r.report.verdict);
  assert.deepEqual(r.report.findings.map((f) => f.code), cf.findings.map((f) => f.code));
  // Not byte for byte: a sub-pixel difference of the mesh (see sameValue)
  // can move the crop by a pixel. Both are compliant 480x640 photos.
  const cliFixed = cli(["photo", "check", "--format", "json", path.join(outDir, "IMG_0001.jpg")]).results[0];
  assert.equal(cliFixed.verdict, "pass");
});

test("a photo that cannot be fixed is refused with the reason", async () => {
  const file = path.join(ROOT, "tests/fixtures/photos/coffee.png");
  const r = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return window.zikao.fix(bytes, { profile: "national", name: "coffee.png" });
  }, fs.readFileSync(file).toString("base64"));
  assert.equal(r.jpeg, null);
  assert.equal(r.report.verdict, "refused");
  assert.ok(r.report.findings.some((f) => f.severity === "error"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zikao-web-refuse-"));
  const cf = cli(["photo", "fix-size", "--format", "json", "--out-dir", dir, file]).results[0];
  assert.deepEqual(r.report.findings.map((f) => f.code), cf.findings.map((f) => f.code));
});

test("the UI: pick photos, see the findings, press fix, get a download; screenshots", async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.reload();
  await page.evaluate(() => window.zikao.ready);
  // A photo fix-size can repair, one that passes, one it must refuse.
  const files = ["tests/fixtures/photos/astronaut_eyes_low.jpg", "examples/photos/grace_hopper_ok_blue.jpg",
    "examples/photos/astronaut_off_centre.jpg"].map((f) => path.join(ROOT, f));
  await page.setInputFiles("#files", files);
  await page.waitForSelector("#photo-2 .verdict");
  assert.match(await page.textContent("#photo-0 .verdict"), /^不合格/);
  assert.equal(await page.getAttribute("#photo-1 .verdict", "class"), "verdict pass");
  const items = await page.$$eval("#photo-0 .findings li.error .msg", (els) => els.map((e) => e.textContent));
  const c = cli(["photo", "check", "--format", "json", files[0]]).results[0];
  assert.ok(items.length > 0);
  assert.deepEqual(items, c.findings.filter((f) => f.severity === "error").map((f) => f.message));
  assert.equal(await page.locator("#summary tbody tr").count(), 3);
  assert.match(await page.textContent("#status-text"), /3 张.*2 张不合格/);
  await page.screenshot({ path: path.join(SHOTS, "desktop-1280x800.png") });

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#photo-0 button.fix")]);
  assert.equal(download.suggestedFilename(), "astronaut_eyes_low.jpg");
  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zikao-web-dl-")), "astronaut_eyes_low.jpg");
  await download.saveAs(saved);
  const after = cli(["photo", "check", "--format", "json", saved]).results[0];
  assert.equal(after.verdict, "pass", JSON.stringify(after.findings));
  await page.waitForSelector("#photo-0 .fixnote.ok");
  // The refused one says why, with the library's message.
  await page.click("#photo-2 button.fix");
  await page.waitForSelector("#photo-2 .fixnote.bad");
  assert.match(await page.textContent("#photo-2 .side"), /fix\.too_close_to_edge/);

  // English, then a phone.
  await page.click("[data-lang=en]");
  assert.match(await page.textContent("#photo-0 .verdict"), /^Fail/);
  await page.screenshot({ path: path.join(SHOTS, "desktop-1280x800-en.png"), fullPage: true });
  await page.click("[data-lang=zh]");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, "phone-390x844.png") });
  await page.screenshot({ path: path.join(SHOTS, "phone-390x844-full.png"), fullPage: true });
  // Nothing wider than the phone's screen.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `page is ${wide} px wide at 390`);
});

test("no network request of any kind", () => {
  assert.deepEqual(network, []);
});
