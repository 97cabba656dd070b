//! Real layer bytes for the demo's images. Every seeded image takes its
//! layers from one pool of sixteen: bytes made on the fly from a seed, whose
//! sha256 is the digest in the manifest, so a copy or an export of a demo
//! image moves and verifies real data. Their digests are constants (checked
//! by a test against the bytes): hashing 11.6 MB at start-up delayed the
//! demo's first row by 70 ms. Real registries share base layers the same way.
//!
//! The bytes are pseudo-random (incompressible, like gzip output) and not a
//! tar: enough to prove a transfer byte for byte, not to run a container.

use hyper::body::Bytes;

use ecr_core::Digest;

/// Sizes of the pool's layers: four "base" layers, then smaller ones.
const SIZES: [u64; 16] = [
    3_145_728, 2_411_724, 1_887_436, 1_258_291, 917_504, 655_360, 419_430, 307_200, 225_280,
    153_600, 98_304, 65_536, 40_960, 24_576, 12_288, 6_144,
];

/// The sha256 of each pool layer's bytes.
const DIGESTS: [&str; 16] = [
    "8cef4200b43298948a367783068cba0aa4bb750edc8b929701010cb2df759de0",
    "ea08e7ee0a22b40f80da72e6d8e08e6b305a36290f0d1ad6524c4798fc01748c",
    "bd9efc320ca4222e0af889e6cd2c829a8155e2549c08f04b5fee142864f69c6d",
    "ec63f85e610375eb88e9a7e525ac046970c8d657cae5d71a2cc2798b295b7631",
    "8f73406711250e7312de29b53813ee37de48ec920f683c1265c260a3fc5deb60",
    "ac72cc12f987f71bff985b12862c96eaac284fa514d26d8072454c8bdf851d15",
    "5c1fe9a9cf5ca6f28f439732b800c4b1f5df3cad2b47d57407373b25bcf18695",
    "972930455ff625857676de33041bed38788838434fcf2cb229650de570445979",
    "76256104aad34ed525aff79fd728fbfb66c9974c450c01f8484c4a53e5921bbe",
    "9e6f0f20b0390ca63606c5481b35160401c6638a0ac6bec3f77fe4cf6261bfae",
    "bf2bd9778db023ae3684b23cdd1895fe3dce660a2953982323fa24067c3a93a6",
    "76aaf5f1b884d801151e157c2520c56b757f72f3712b8d82fc5cddba36091452",
    "c475047c1c26320add36e391ee13747b750c32b71918cd4dd1860d98fd23adb3",
    "060f9370a9f8d4b550c1561bf1c9f889de6a4b72cd53255451cbf0112146916e",
    "a076560741a91d34b56a8fe9eb00d59d43daf9119356351b0cb6dd357dc708d8",
    "b67e7368bd83a73c07a6cabb4cf70f09a8b9af846711521612c4ee6fca7bb16e",
];

/// How many of the pool's first layers are base layers.
pub const BASE_LAYERS: usize = 4;

/// The number of layers in the pool.
pub const POOL_LEN: usize = SIZES.len();

/// The pool: each layer's digest and how to make its bytes (the digests
/// parsed once; seeding asks for one per layer of every image).
fn pool() -> &'static [(Digest, Synthetic); POOL_LEN] {
    static POOL: std::sync::OnceLock<[(Digest, Synthetic); POOL_LEN]> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        std::array::from_fn(|i| {
            let digest =
                Digest::parse(&format!("sha256:{}", DIGESTS[i])).unwrap_or(Digest([0; 32]));
            let layer = Synthetic {
                seed: 0x1A7E_5EED ^ i as u64,
                len: SIZES[i],
            };
            (digest, layer)
        })
    })
}

/// Layer `i` of the pool: its digest and how to make its bytes.
pub fn pool_layer(i: usize) -> (Digest, Synthetic) {
    pool()[i]
}

/// The pool layer with this digest, if it is one (every demo registry has
/// them: its seeded images use them).
pub fn pool_synthetic(d: &Digest) -> Option<Synthetic> {
    pool().iter().find(|(x, _)| x == d).map(|(_, s)| *s)
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
        for i in 0..POOL_LEN {
            let (digest, syn) = pool_layer(i);
            let bytes = pseudo_random(syn.seed, syn.len as usize);
            assert_eq!(Digest::of_bytes(&bytes), digest, "layer {i}");
            assert_eq!(syn.digest(), digest, "the stream hashes the same");
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
