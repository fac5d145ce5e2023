// The page's worker: runs the zikao engine (WebAssembly, web/crate) off the
// main thread, one photo at a time. Started from a Blob URL by app.js, so it
// also works from file://. Messages in: {wasm: ArrayBuffer} once, then
// {id, op: "check" | "fix", bytes: ArrayBuffer, name, profile}.
// Messages out: {ready: true} | {id, json, tail: ArrayBuffer} | {id, error}.
"use strict";

let module = null;
let inst = null;
let panicText = null;

const text = new TextEncoder();

// Imports: env.zk_panic (the panic hook's text). Any other import (the
// wasm-bindgen stubs that getrandom's web backend links in; the engine never
// calls them) is a function that throws.
function imports() {
  const env = {
    zk_panic(ptr, len) {
      panicText = new TextDecoder().decode(
        new Uint8Array(inst.exports.memory.buffer, ptr, len).slice());
    },
  };
  const all = { env };
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (all[imp.module] = all[imp.module] || {});
    if (!(imp.name in ns) && imp.kind === "function") {
      ns[imp.name] = () => { throw new Error(`zikao: unexpected call to ${imp.module}.${imp.name}`); };
    }
  }
  return all;
}

function start() {
  inst = new WebAssembly.Instance(module, imports());
  inst.exports.zk_init();
}

function put(bytes) {
  const ptr = inst.exports.zk_alloc(bytes.length);
  new Uint8Array(inst.exports.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
}

// Calls fn(photo, args) with both copied into wasm memory; returns the
// output buffer (a copy) and frees everything.
function call(fn, photo, args, extra) {
  const a = text.encode(JSON.stringify(args));
  const p = put(photo);
  const ap = put(a);
  try {
    const rc = extra === undefined
      ? inst.exports[fn](p, photo.length, ap, a.length)
      : inst.exports[fn](p, photo.length, ap, a.length, extra);
    const out = new Uint8Array(inst.exports.memory.buffer,
      inst.exports.zk_out_ptr(), inst.exports.zk_out_len()).slice();
    inst.exports.zk_out_clear();
    return { rc, out };
  } finally {
    inst.exports.zk_free(p, photo.length);
    inst.exports.zk_free(ap, a.length);
  }
}

// Output framed as [u32 json length][json][tail].
function unframe(out) {
  const n = new DataView(out.buffer, out.byteOffset).getUint32(0, true);
  const json = new TextDecoder().decode(out.subarray(4, 4 + n));
  return { json, tail: out.slice(4 + n).buffer };
}

onmessage = async (e) => {
  const m = e.data;
  if (m.wasm) {
    try {
      let bytes = m.wasm;
      if (m.gzip) {
        const s = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        bytes = await new Response(s).arrayBuffer();
      }
      module = await WebAssembly.compile(bytes);
      start();
      postMessage({ ready: true });
    } catch (err) {
      postMessage({ ready: false, error: String(err) });
    }
    return;
  }
  const photo = new Uint8Array(m.bytes);
  const args = { name: m.name, profile: m.profile };
  panicText = null;
  try {
    const { rc, out } = call(m.op === "fix" ? "zk_fix" : "zk_check", photo, args);
    if (rc !== 0) {
      postMessage({ id: m.id, error: JSON.parse(new TextDecoder().decode(out)).error });
      return;
    }
    const { json, tail } = unframe(out);
    postMessage({ id: m.id, json, tail }, [tail]);
  } catch (err) {
    // The engine panicked (or ran out of memory): the instance is spent.
    // A fresh one reports the photo as the CLI does after a panic.
    const detail = panicText || String(err);
    try {
      start();
      const { out } = call("zk_unreadable", text.encode(detail), args, photo.length);
      postMessage({ id: m.id, json: new TextDecoder().decode(out), tail: new ArrayBuffer(0), crashed: true });
    } catch (err2) {
      postMessage({ id: m.id, error: detail + " / " + String(err2) });
    }
  }
};
