//! Uniform choices from the caller's random number generator.

use rand_core::CryptoRng;

/// A uniformly random index below `n` (which must be at least 1).
///
/// Rejection sampling on 32-bit draws: values from the incomplete last block
/// of `n` are thrown away, so no index is more likely than another (a plain
/// `% n` would favour the low indices whenever `n` does not divide 2^32).
pub(super) fn below<R: CryptoRng + ?Sized>(rng: &mut R, n: usize) -> usize {
    let n = u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    // The largest multiple of n that fits in 2^32, as an exclusive bound.
    let zone = u64::from(u32::MAX) + 1 - (u64::from(u32::MAX) + 1) % u64::from(n);

    loop {
        let draw = u64::from(rng.next_u32());
        if draw < zone {
            // draw % n < n <= u32::MAX, which always fits in usize.
            return (draw % u64::from(n)) as usize;
        }
    }
}
