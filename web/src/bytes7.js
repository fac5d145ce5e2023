// Binary data in the page's text, 7 bits a character (base64 carries 6): the
// inlined wasm. The bits are read 7 at a time; each 7-bit value is the
// character with that code, except the four the HTML parser would change or
// that could end the script element (NUL, CR, "<", DEL): those are written
// as one 2-byte UTF-8 character, U+0100 + (which one) * 128 + the next 7 bits.
// So a byte costs 8/7 characters, a few of them 2 bytes long: about 1.16
// bytes of UTF-8 a byte, against 1.33 for base64. build.sh encodes (Node);
// app.js decodes, given the byte count.
"use strict";
const BYTES7_SPECIAL = [0, 13, 60, 127];

function bytes7Encode(bytes) {
  const n = bytes.length;
  let acc = 0, bits = 0, i = 0;
  const next = () => { // the next 7 bits, -1 at the end (the last chunk zero-padded)
    if (bits < 7) {
      if (i >= n) {
        if (bits === 0) return -1;
        const v = (acc << (7 - bits)) & 127;
        bits = 0;
        return v;
      }
      acc = ((acc << 8) | bytes[i++]) & 0x7fff;
      bits += 8;
    }
    bits -= 7;
    return (acc >> bits) & 127;
  };
  const parts = [];
  let codes = [];
  for (let c = next(); c >= 0; c = next()) {
    const k = BYTES7_SPECIAL.indexOf(c);
    codes.push(k < 0 ? c : 0x100 + (k << 7) + Math.max(0, next()));
    if (codes.length >= 8192) { parts.push(String.fromCharCode(...codes)); codes = []; }
  }
  parts.push(String.fromCharCode(...codes));
  return parts.join("");
}

function bytes7Decode(s, n) {
  const out = new Uint8Array(n);
  let acc = 0, bits = 0, o = 0;
  const put = (v) => {
    acc = ((acc << 7) | v) & 0x7fff;
    bits += 7;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 255; }
  };
  for (let i = 0; i < s.length && o < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      put(c);
    } else if (c >= 0x100 && c < 0x100 + BYTES7_SPECIAL.length * 128) {
      put(BYTES7_SPECIAL[(c - 0x100) >> 7]);
      if (o < n) put((c - 0x100) & 127);
    } else {
      throw new Error(`zikao: damaged page (character ${c} at ${i})`);
    }
  }
  if (o !== n) throw new Error(`zikao: damaged page (${o} of ${n} bytes)`);
  return out;
}

if (typeof module !== "undefined") module.exports = { bytes7Encode, bytes7Decode };
