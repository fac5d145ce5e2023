//! Streaming text decoding with encoding detection.
//!
//! Detection (no `--encoding`): a byte-order mark decides (UTF-8, UTF-16LE,
//! UTF-16BE). Without one, bytes are passed through while they are ASCII
//! (identical in UTF-8 and GB18030); at the first non-ASCII byte the reader
//! looks at a window of [`WINDOW`] bytes from there: valid UTF-8 (a sequence
//! cut by the window's end is allowed) means UTF-8, anything else GB18030.
//! A file whose window is UTF-8 but which has GBK bytes further on is not
//! turned into mojibake: UTF-8 is passed through unchanged and the reader of
//! the rows checks each cell, so such a row becomes a `table.encoding` row
//! error naming the row (and advising `--encoding gb18030`).
//!
//! GB18030 is decoded with `encoding_rs` in chunks; bytes it cannot decode
//! become U+FFFD, which the row reader reports as `table.encoding`.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

/// Bytes looked at, from the first non-ASCII byte, to choose between UTF-8
/// and GB18030.
pub const WINDOW: usize = 64 * 1024;
const CHUNK: usize = 64 * 1024;
const OUT: usize = 64 * 1024;

/// Parses an `--encoding` value: `utf-8`/`utf8`, `utf-8-sig`, `gbk`,
/// `gb2312`, `gb18030`, `cp936`, `utf-16le`, `utf-16be` (case-insensitive).
/// GBK and GB2312 are read as GB18030, which is a superset of both.
pub fn parse_encoding(name: &str) -> Option<&'static Encoding> {
    let n = name.trim().to_ascii_lowercase().replace('_', "-");
    match n.as_str() {
        "utf-8" | "utf8" | "utf-8-sig" | "utf8-sig" | "utf-8-bom" => Some(UTF_8),
        "gbk" | "gb2312" | "gb18030" | "cp936" | "936" | "gb-2312" | "gb-18030" | "euc-cn" => {
            Some(GB18030)
        }
        "utf-16le" | "utf-16" => Some(encoding_rs::UTF_16LE),
        "utf-16be" => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// A byte-order mark at the start of `prefix`, and its length.
pub fn bom(prefix: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(prefix)
}

enum Mode {
    /// Nothing but ASCII seen so far.
    Sniff,
    /// UTF-8: bytes are passed through unchanged.
    Pass,
    /// Another encoding, decoded to UTF-8.
    Decode(Box<encoding_rs::Decoder>),
}

/// A reader that yields UTF-8 (or, for a file detected or forced as UTF-8,
/// the file's bytes unchanged, to be checked cell by cell).
pub struct Decoded<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    mode: Mode,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    forced: bool,
    /// The decoder has been given its last input.
    done: bool,
}

impl<R: Read> Decoded<R> {
    /// Wraps `inner`. `forced` is the `--encoding`, if any. Fails (as a
    /// message) when a byte-order mark contradicts the forced encoding.
    pub fn new(
        mut inner: R,
        forced: Option<&'static Encoding>,
    ) -> io::Result<Result<Self, crate::msg::Detail>> {
        let mut buf = Vec::with_capacity(CHUNK);
        // read at least 4 bytes (or to EOF) to see a byte-order mark
        let mut eof = false;
        while buf.len() < 4 && !eof {
            eof = read_more(&mut inner, &mut buf)? == 0;
        }
        let found = bom(&buf);
        let (mode, pos) = match (forced, found) {
            (Some(f), Some((b, len))) if f == b => (mode_for(f), len),
            (Some(f), Some((b, _))) => {
                return Ok(Err(crate::msg::Detail::new(
                    format!(
                        "文件开头是 {} 的字节顺序标记，但指定的编码是 {}",
                        b.name(),
                        f.name()
                    ),
                    format!(
                        "the file starts with a {} byte-order mark but --encoding {} was given",
                        b.name(),
                        f.name()
                    ),
                )))
            }
            (Some(f), None) => (mode_for(f), 0),
            (None, Some((b, len))) => (mode_for(b), len),
            (None, None) => (Mode::Sniff, 0),
        };
        Ok(Ok(Decoded {
            inner,
            buf,
            pos,
            eof,
            mode,
            out: vec![0; OUT],
            out_pos: 0,
            out_len: 0,
            forced: forced.is_some(),
            done: false,
        }))
    }

    /// Wraps `inner`, which continues a file already known to be in
    /// `encoding` (a chunk starting at a line start): no byte-order mark,
    /// no sniffing. `forced` is whether the encoding was given by the user.
    pub fn continuing(inner: R, encoding: &'static Encoding, forced: bool) -> Self {
        Decoded {
            inner,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            mode: mode_for(encoding),
            out: vec![0; OUT],
            out_pos: 0,
            out_len: 0,
            forced,
            done: false,
        }
    }

    /// The encoding in use: `None` while only ASCII has been seen.
    pub fn encoding(&self) -> Option<&'static Encoding> {
        match &self.mode {
            Mode::Sniff => None,
            Mode::Pass => Some(UTF_8),
            Mode::Decode(d) => Some(d.encoding()),
        }
    }

    /// Whether the encoding was forced rather than detected.
    pub fn forced(&self) -> bool {
        self.forced
    }

    fn decide(&mut self) -> io::Result<()> {
        // keep the unread bytes, read until the window is full or EOF
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        while self.buf.len() < WINDOW && !self.eof {
            self.eof = read_more(&mut self.inner, &mut self.buf)? == 0;
        }
        let end = self.buf.len().min(WINDOW);
        let window = &self.buf[..end];
        let utf8 = match std::str::from_utf8(window) {
            Ok(_) => true,
            // a sequence cut by the window's end, with more bytes after it
            Err(e) => e.error_len().is_none() && (end < self.buf.len() || !self.eof),
        };
        self.mode = if utf8 {
            Mode::Pass
        } else {
            Mode::Decode(Box::new(GB18030.new_decoder_without_bom_handling()))
        };
        Ok(())
    }
}

fn mode_for(e: &'static Encoding) -> Mode {
    if e == UTF_8 {
        Mode::Pass
    } else {
        Mode::Decode(Box::new(e.new_decoder_without_bom_handling()))
    }
}

/// `inner` (the start of the file `path`) decoded per `opts`: a read error
/// or a byte-order mark contradicting `--encoding` names the file.
pub(crate) fn decoded<R: Read>(
    path: &std::path::Path,
    inner: R,
    opts: &super::ReadOptions,
) -> crate::Result<Decoded<R>> {
    match Decoded::new(inner, opts.encoding).map_err(|e| crate::Error::io(path, e))? {
        Ok(d) => Ok(d),
        Err(m) => Err(crate::Error::format_detail(path, m)),
    }
}

/// The longest line a table may have. A real export's line is a few hundred
/// bytes (Excel caps a cell at 32,767 characters); a longer one is a file
/// that is not a table (a 2 GB line without a line break would otherwise be
/// buffered whole).
pub const MAX_LINE: usize = 16 << 20;

/// Passes `inner` through, failing with a clear message (naming the line)
/// as soon as a line grows past `max` bytes: memory stays bounded whatever
/// the file holds.
pub struct LineGuard<R> {
    inner: R,
    /// Lines before the reader's start (a chunk of a file read in parallel).
    base: usize,
    /// Complete lines read so far.
    lines: usize,
    /// Bytes since the last line break.
    open: usize,
    max: usize,
}

impl<R> LineGuard<R> {
    pub fn new(inner: R, base: usize, max: usize) -> Self {
        LineGuard {
            inner,
            base,
            lines: 0,
            open: 0,
            max,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

/// The message of a line longer than `max` bytes (`line` is 1-based).
pub fn line_too_long(line: usize, max: usize) -> crate::msg::Detail {
    crate::msg::Detail::new(
        format!(
            "第 {line} 行超过 {} MiB 仍没有换行：不是表格导出文件（表格的一行最多几 KB）",
            max >> 20
        ),
        format!(
            "line {line} is longer than {} MiB without a line break: not a table export (a table line is at most a few KB)",
            max >> 20
        ),
    )
}

/// The I/O error of [`LineGuard`] (kind `InvalidData`), carrying its
/// message in both languages.
#[derive(Debug)]
pub struct LineTooLong(pub crate::msg::Detail);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en)
    }
}

impl std::error::Error for LineTooLong {}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(dst)?;
        let got = &dst[..n];
        match memchr::memrchr(b'\n', got) {
            Some(i) => {
                self.lines += memchr::memchr_iter(b'\n', got).count();
                self.open = n - i - 1;
            }
            None => self.open += n,
        }
        if self.open > self.max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                LineTooLong(line_too_long(self.base + self.lines + 1, self.max)),
            ));
        }
        Ok(n)
    }
}

/// Appends up to [`CHUNK`] bytes from `r` to `buf`; returns how many.
fn read_more<R: Read>(r: &mut R, buf: &mut Vec<u8>) -> io::Result<usize> {
    let old = buf.len();
    buf.resize(old + CHUNK, 0);
    loop {
        match r.read(&mut buf[old..]) {
            Ok(n) => {
                buf.truncate(old + n);
                return Ok(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if dst.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_pos < self.out_len {
                let n = (self.out_len - self.out_pos).min(dst.len());
                dst[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            match &mut self.mode {
                Mode::Pass => {
                    if self.pos < self.buf.len() {
                        let n = (self.buf.len() - self.pos).min(dst.len());
                        dst[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                        self.pos += n;
                        return Ok(n);
                    }
                    if !self.buf.is_empty() {
                        self.buf = Vec::new();
                        self.pos = 0;
                    }
                    if self.eof {
                        return Ok(0);
                    }
                    return self.inner.read(dst);
                }
                Mode::Sniff => {
                    let rest = &self.buf[self.pos..];
                    let ascii = rest.iter().position(|b| *b >= 0x80).unwrap_or(rest.len());
                    if ascii > 0 {
                        let n = ascii.min(dst.len());
                        dst[..n].copy_from_slice(&rest[..n]);
                        self.pos += n;
                        return Ok(n);
                    }
                    if !rest.is_empty() {
                        self.decide()?;
                        continue;
                    }
                    if self.eof {
                        return Ok(0);
                    }
                    self.buf.clear();
                    self.pos = 0;
                    self.eof = read_more(&mut self.inner, &mut self.buf)? == 0;
                }
                Mode::Decode(dec) => {
                    if self.done {
                        return Ok(0);
                    }
                    if self.pos == self.buf.len() && !self.eof {
                        self.buf.clear();
                        self.pos = 0;
                        self.eof = read_more(&mut self.inner, &mut self.buf)? == 0;
                    }
                    let last = self.eof;
                    let mut written = 0;
                    // keep 4 bytes for a U+FFFD after a malformed sequence
                    let limit = OUT - 4;
                    loop {
                        let (res, read, w) = dec.decode_to_utf8_without_replacement(
                            &self.buf[self.pos..],
                            &mut self.out[written..limit],
                            last,
                        );
                        self.pos += read;
                        written += w;
                        match res {
                            DecoderResult::InputEmpty => {
                                self.done = last;
                                break;
                            }
                            DecoderResult::OutputFull => break,
                            DecoderResult::Malformed(_, _) => {
                                self.out[written..written + 3]
                                    .copy_from_slice("\u{FFFD}".as_bytes());
                                written += 3;
                                if written >= limit {
                                    break;
                                }
                            }
                        }
                    }
                    self.out_pos = 0;
                    self.out_len = written;
                    if written == 0 && self.done {
                        return Ok(0);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(
        bytes: &[u8],
        forced: Option<&'static Encoding>,
    ) -> (Vec<u8>, Option<&'static Encoding>) {
        let mut d = Decoded::new(bytes, forced).unwrap().unwrap();
        let mut out = Vec::new();
        // small reads to exercise the buffering
        let mut tmp = [0u8; 7];
        loop {
            let n = d.read(&mut tmp).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&tmp[..n]);
        }
        (out, d.encoding())
    }

    #[test]
    fn detects() {
        let (gbk, _, _) = GB18030.encode("准考证号,姓名\n1,张三\n");
        let (out, enc) = decode_all(&gbk, None);
        assert_eq!(String::from_utf8(out).unwrap(), "准考证号,姓名\n1,张三\n");
        assert_eq!(enc, Some(GB18030));

        let (out, enc) = decode_all("准考证号\n".as_bytes(), None);
        assert_eq!(out, "准考证号\n".as_bytes());
        assert_eq!(enc, Some(UTF_8));

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("a,b\n".as_bytes());
        assert_eq!(decode_all(&bom, None).0, b"a,b\n");
        assert_eq!(decode_all(&bom, Some(UTF_8)).0, b"a,b\n");
        assert!(Decoded::new(&bom[..], Some(GB18030)).unwrap().is_err());

        let (out, enc) = decode_all(b"abc\n", None);
        assert_eq!(out, b"abc\n");
        assert_eq!(enc, None);

        // UTF-16LE with BOM (Excel "Unicode text")
        let mut u16 = vec![0xFF, 0xFE];
        for c in "姓名\t准考证号\n".encode_utf16() {
            u16.extend_from_slice(&c.to_le_bytes());
        }
        assert_eq!(
            String::from_utf8(decode_all(&u16, None).0).unwrap(),
            "姓名\t准考证号\n"
        );
    }

    #[test]
    fn long_ascii_prefix_then_gbk() {
        let mut s = "x".repeat(200_000);
        s.push_str("\n张三\n");
        let (gbk, _, _) = GB18030.encode(&s);
        let (out, enc) = decode_all(&gbk, None);
        assert_eq!(enc, Some(GB18030));
        assert_eq!(String::from_utf8(out).unwrap(), s);
    }

    #[test]
    fn malformed_becomes_replacement() {
        let mut b = GB18030.encode("张三,").0.into_owned();
        b.push(0xFF);
        b.extend_from_slice(GB18030.encode("李四\n").0.as_ref());
        let (out, _) = decode_all(&b, Some(GB18030));
        assert_eq!(String::from_utf8(out).unwrap(), "张三,\u{FFFD}李四\n");
    }

    #[test]
    fn utf8_cut_by_window_is_utf8() {
        // a 3-byte character straddling the window edge
        let mut s = String::from("中");
        while s.len() < WINDOW + 10 {
            s.push('中');
        }
        let (out, enc) = decode_all(s.as_bytes(), None);
        assert_eq!(enc, Some(UTF_8));
        assert_eq!(out.len(), s.len());
    }

    #[test]
    fn encodings_parse() {
        assert_eq!(parse_encoding("GBK"), Some(GB18030));
        assert_eq!(parse_encoding("gb2312"), Some(GB18030));
        assert_eq!(parse_encoding("UTF-8-SIG"), Some(UTF_8));
        assert_eq!(parse_encoding("utf_8"), Some(UTF_8));
        assert_eq!(parse_encoding("latin1"), None);
    }
}
