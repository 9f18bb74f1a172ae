//! The vault: a file of append-only signed records, and the open vault that
//! reads and writes it.

mod admin;
mod file;
#[cfg(feature = "forgery")]
mod forgery;
mod head;
mod members;
mod open;
mod read;
pub(crate) mod records;
mod shared;
mod write;

pub use file::VaultFile;
pub use open::OpenVault;
pub use read::{Conflict, VersionInfo};
pub use records::Role;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::format::{FormatError, check_id};

/// A vault's id: 16 random bytes in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VaultId(String);

/// An entry's id: 16 random bytes in hex, chosen when the entry is added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(String);

/// A member's id as the member chose it (see [`crate::MemberCard`]).
pub type MemberId = str;

fn random_hex<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

macro_rules! hex_id {
    ($name:ident, $what:literal) => {
        impl $name {
            pub(crate) fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> $name {
                $name(random_hex(rng))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn parse(text: &str) -> Result<$name, FormatError> {
                check_id($what, text)?;
                Ok($name(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

hex_id!(VaultId, "the vault id");
hex_id!(EntryId, "the entry id");
