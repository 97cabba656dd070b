//! Real layer bytes for the demo's images. Every seeded image takes its
//! layers from one pool made once per process: real bytes whose sha256 is the
//! digest in the manifest, so a copy or an export of a demo image moves and
//! verifies real data. Hashing a layer per image would cost seconds per big
//! repository; real registries share base layers the same way.
//!
//! The bytes are pseudo-random (incompressible, like gzip output) and not a
//! tar: enough to prove a transfer byte for byte, not to run a container.

use std::sync::OnceLock;

use hyper::body::Bytes;

use crate::model::Digest;

/// Sizes of the pool's layers: four "base" layers, then smaller ones.
const SIZES: [usize; 16] = [
    3_145_728, 2_411_724, 1_887_436, 1_258_291, 917_504, 655_360, 419_430, 307_200, 225_280,
    153_600, 98_304, 65_536, 40_960, 24_576, 12_288, 6_144,
];

/// How many of the pool's first layers are base layers.
pub const BASE_LAYERS: usize = 4;

/// One layer of the pool.
#[derive(Clone, Debug)]
pub struct PoolLayer {
    pub digest: Digest,
    pub bytes: Bytes,
}

/// The pool, made on first use (about 11.6 MB).
pub fn pool() -> &'static [PoolLayer] {
    static POOL: OnceLock<Vec<PoolLayer>> = OnceLock::new();
    POOL.get_or_init(|| {
        SIZES
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let bytes = Bytes::from(pseudo_random(0x1A7E_5EED ^ i as u64, n));
                PoolLayer {
                    digest: Digest::of_bytes(&bytes),
                    bytes,
                }
            })
            .collect()
    })
}

/// `len` deterministic bytes from `seed` (splitmix64, eight bytes a step).
pub fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut state = seed;
    while out.len() < len {
        out.extend_from_slice(&splitmix(&mut state).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Fills `buf` with the stream of `seed` from byte `offset` (a multiple of
/// eight): the generator behind synthetic blobs too big to hold.
pub fn fill_stream(seed: u64, offset: u64, buf: &mut [u8]) {
    debug_assert_eq!(offset % 8, 0);
    let mut state = seed.wrapping_add((offset / 8).wrapping_mul(GOLDEN));
    for chunk in buf.chunks_mut(8) {
        let v = splitmix(&mut state).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_digests_hash_their_bytes() {
        let p = pool();
        assert_eq!(p.len(), SIZES.len());
        for (l, n) in p.iter().zip(SIZES) {
            assert_eq!(l.bytes.len(), n);
            assert_eq!(Digest::of_bytes(&l.bytes), l.digest);
        }
    }

    #[test]
    fn the_stream_from_an_offset_matches_the_whole() {
        let whole = pseudo_random(7, 4096);
        let mut part = vec![0u8; 1000];
        fill_stream(7, 2048, &mut part);
        assert_eq!(&whole[2048..3048], &part[..]);
    }
}

/// A blob too big to hold, made on the fly from a seed (the copy
/// benchmark's 2 GiB layer): its digest is computed once, by streaming.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Synthetic {
    pub seed: u64,
    pub len: u64,
}

impl Synthetic {
    /// The digest of the stream (reads it all once: seconds for gigabytes).
    pub fn digest(&self) -> Digest {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut off = 0u64;
        while off < self.len {
            let n = (self.len - off).min(buf.len() as u64) as usize;
            fill_stream(self.seed, off, &mut buf[..n]);
            h.update(&buf[..n]);
            off += n as u64;
        }
        Digest(h.finalize().into())
    }

    /// The stream in chunks of 1 MiB.
    pub fn chunks(self) -> impl Iterator<Item = Bytes> {
        const CHUNK: u64 = 1 << 20;
        (0..self.len.div_ceil(CHUNK)).map(move |i| {
            let off = i * CHUNK;
            let mut buf = vec![0u8; (self.len - off).min(CHUNK) as usize];
            fill_stream(self.seed, off, &mut buf);
            Bytes::from(buf)
        })
    }
}
