#!/usr/bin/env bash
# Builds the candidate's offline photo self-check page:
#   web/dist/zikao-check.html  (one file: HTML, CSS, JS and the engine's wasm)
# The engine is the zikao library compiled to wasm32-unknown-unknown through
# the thin crate web/crate. Installs what it needs: Debian's rustc-web (a rustc
# with the wasm32 target), rust-web-src (its std sources, for -Zbuild-std),
# lld-19 (wasm-ld), binaryen (wasm-opt), zopfli; with --test also chromium
# and web/'s npm packages. Sizes and timings: docs/web.md.
# Environment: WASM_TARGET_DIR (default /work/target-wasm, or target/wasm in
# the repository when /work does not exist); WASM_OPT=0 skips wasm-opt and
# WASM_ZOPFLI=0 gzips with gzip -9 instead of zopfli (quicker builds, a
# slightly bigger page).
set -euo pipefail
cd "$(dirname "$0")"
WEB=$PWD
ROOT=$(cd .. && pwd)

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

need=()
[ -x /usr/bin/rustc ] && /usr/bin/rustc --print target-list 2>/dev/null | grep -qx wasm32-unknown-unknown || need+=(rustc-web)
[ -d /usr/lib/rustlib/src/rust/library/std ] || need+=(rust-web-src)
[ -x /usr/lib/llvm-19/bin/wasm-ld ] || need+=(lld-19)
[ "${WASM_OPT:-1}" = 0 ] || command -v wasm-opt >/dev/null || need+=(binaryen)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # A CJK font, so that the screenshots show the Chinese text (phones have one).
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
  command -v node >/dev/null || need+=(nodejs npm)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "build.sh: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "${WASM_TARGET_DIR:-}" ]; then
  if [ -d /work ]; then WASM_TARGET_DIR=/work/target-wasm; else WASM_TARGET_DIR=$ROOT/target/wasm; fi
fi

# Debian's rustc is older than rustup's: -Zbuild-std needs RUSTC_BOOTSTRAP.
# getrandom 0.4 (zip, via rust_xlsxwriter; rand, via tract) gets its wasm_js
# backend from zip's features, so no `--cfg getrandom_backend=...` is needed
# (and "unsupported" does not compile together with that feature in 0.4.3).
# The page never draws random numbers; the linker drops those imports.
start=$(date +%s)
(
  cd crate
  env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-19/bin/wasm-ld \
    RUSTFLAGS="${WASM_RUSTFLAGS:-}" \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
    cargo build --release --locked -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown
)
wasm=$WASM_TARGET_DIR/wasm32-unknown-unknown/release/zikao_web.wasm
echo "build.sh: wasm built in $(( $(date +%s) - start )) s: $(stat -c %s "$wasm") bytes" >&2

# Binaryen's size optimisation: 10% fewer bytes for the browser to compile
# (gzipped, after opt-level "s", only 0.2% fewer; docs/web.md). The features
# are those rustc's wasm32 code uses (SIMD: fast_image_resize's
# #[target_feature] functions); wasm-opt adds none.
if [ "${WASM_OPT:-1}" != 0 ]; then
  start=$(date +%s)
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue --enable-simd \
    "$wasm" -o "${wasm%.wasm}.opt.wasm"
  wasm=${wasm%.wasm}.opt.wasm
  echo "build.sh: wasm-opt -Oz in $(( $(date +%s) - start )) s: $(stat -c %s "$wasm") bytes" >&2
fi

# The page carries the wasm gzipped (the browser's DecompressionStream
# inflates it): zopfli's gzip is 3% smaller than gzip -9 (WASM_ZOPFLI=0: gzip -9,
# quicker to build).
[ "${WASM_ZOPFLI:-1}" = 0 ] || command -v zopfli >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zopfli >/dev/null; }
start=$(date +%s)
if [ "${WASM_ZOPFLI:-1}" = 0 ]; then gzip -9 -n -c "$wasm" >"$wasm.gz"; else zopfli --i1 -c "$wasm" >"$wasm.gz"; fi
echo "build.sh: gzipped in $(( $(date +%s) - start )) s: $(stat -c %s "$wasm.gz") bytes" >&2

mkdir -p dist
node - "$wasm.gz" <<'EOF'
// Inlines style.css, worker.js, bytes7.js, app.js and the gzipped wasm (7
// bits a character, src/bytes7.js) into index.html; writes
// dist/zikao-check.html.
const fs = require("fs");
const src = (f) => fs.readFileSync(`src/${f}`, "utf8");
const { bytes7Encode, bytes7Decode } = require("./src/bytes7.js");
const gz = fs.readFileSync(process.argv[2]);
const data = bytes7Encode(gz);
if (Buffer.compare(Buffer.from(bytes7Decode(data, gz.length)), gz) !== 0) throw new Error("bytes7 round trip");
const parts = {
  "/*STYLE*/": src("style.css"),
  "/*WORKER*/": src("worker.js"),
  "/*BYTES7*/": src("bytes7.js"),
  "/*APP*/": src("app.js"),
  "__WASM_BYTES__": String(gz.length),
  // last: nothing is replaced inside the data
  "__WASM_BYTES7__": data,
};
let html = src("index.html");
for (const [k, v] of Object.entries(parts)) {
  if (/<\/script/i.test(v)) throw new Error(`${k} contains </script`);
  if (html.split(k).length !== 2) throw new Error(`index.html must contain ${k} once`);
  html = html.split(k).join(v);
}
fs.writeFileSync("dist/zikao-check.html.tmp", html);
fs.renameSync("dist/zikao-check.html.tmp", "dist/zikao-check.html");
console.error(`build.sh: dist/zikao-check.html: ${Buffer.byteLength(html)} bytes (wasm gzipped: ${gz.length})`);
EOF

if [ "$want_test" = 1 ]; then
  npm ci --no-audit --no-fund --silent
fi
