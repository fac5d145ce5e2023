//! A fast hash for the in-memory indexes of big tables (exam numbers,
//! course codes, finding counts).

/// A fast, non-cryptographic hasher (the Fx hash of rustc) for the index
/// of exam numbers, looked up once per score row. The keys come from the
/// office's own exports, so flooding resistance is not needed.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // the multiply leaves the low bits weak; the table uses both ends
        self.0.rotate_left(26)
    }
}

/// `BuildHasher` of [`FxHasher`].
pub type FastHash = std::hash::BuildHasherDefault<FxHasher>;
