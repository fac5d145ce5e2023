#!/usr/bin/env bash
# Builds the candidate's offline photo self-check page:
#   web/dist/zikao-check.html  (one file: HTML, CSS, JS and the engine's wasm)
# The engine is the zikao library compiled to wasm32-unknown-unknown through
# the thin crate web/crate. Installs what it needs: Debian's rustc-web (a rustc
# with the wasm32 target), rust-web-src (its std sources, for -Zbuild-std),
# lld-19 (wasm-ld); with --test also chromium and web/'s npm packages.
# Environment: WASM_TARGET_DIR (default /work/target-wasm, or target/wasm in
# the repository when /work does not exist).
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

mkdir -p dist
node - "$wasm" <<'EOF'
// Inlines style.css, worker.js, app.js and the gzipped, base64 wasm into
// index.html; writes dist/zikao-check.html.
const fs = require("fs");
const zlib = require("zlib");
const src = (f) => fs.readFileSync(`src/${f}`, "utf8");
const wasm = zlib.gzipSync(fs.readFileSync(process.argv[2]), { level: 9 });
const parts = {
  "/*STYLE*/": src("style.css"),
  "/*WORKER*/": src("worker.js"),
  "/*APP*/": src("app.js"),
  "__WASM_GZIP__": "1",
  "__WASM_B64__": wasm.toString("base64").replace(/.{1,120}/g, "$&\n"),
};
let html = src("index.html");
for (const [k, v] of Object.entries(parts)) {
  if (/<\/script/i.test(v)) throw new Error(`${k} contains </script`);
  html = html.split(k).join(v);
}
fs.writeFileSync("dist/zikao-check.html.tmp", html);
fs.renameSync("dist/zikao-check.html.tmp", "dist/zikao-check.html");
console.error(`build.sh: dist/zikao-check.html: ${html.length} bytes (wasm gzipped: ${wasm.length})`);
EOF

if [ "$want_test" = 1 ]; then
  npm ci --no-audit --no-fund --silent
fi
