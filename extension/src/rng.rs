//! The randomness the core is handed: ChaCha20 seeded from the browser.
//!
//! The core takes a `CryptoRng` from its caller. In the extension that is a
//! ChaCha20 generator seeded with 32 bytes from `crypto.getRandomValues`
//! (through getrandom) for each operation, so a failure of the browser's
//! source is reported once, as an error, instead of inside the core.

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use zeroize::Zeroizing;

/// A fresh generator, or a message for the user if the browser gave no randomness.
pub fn fresh() -> Result<ChaCha20Rng, String> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut())
        .map_err(|e| format!("the browser gave no randomness ({e}); try again"))?;
    Ok(ChaCha20Rng::from_seed(*seed))
}

/// 128 random bits as hex: ids no page can guess.
pub fn id() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("the browser gave no randomness ({e}); try again"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
