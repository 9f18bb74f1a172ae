//! Where the host keeps its files: the platform's data directory, overridable for the
//! vault by `--vault` and `LATCHKEY_VAULT`, and for everything by `HOME`/`XDG_DATA_HOME`
//! (which is how the tests point the host at a temporary home).

use std::env;
use std::path::PathBuf;

/// The environment variable that names the vault file.
pub const VAULT_ENV: &str = "LATCHKEY_VAULT";

/// The user's home directory, from `HOME` (`USERPROFILE` on Windows).
pub fn home() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The directory of the host's own files (pairings, host key, install record).
pub fn data_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        return home().map(|h| h.join("Library/Application Support/latchkey"));
    }
    if cfg!(windows) {
        return env::var_os("APPDATA").map(|a| PathBuf::from(a).join("latchkey"));
    }
    let xdg = env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| home().map(|h| h.join(".local/share")))
        .map(|d| d.join("latchkey"))
}

/// The vault file: the flag, else the environment variable, else the data directory.
pub fn vault_file(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        env::var_os(VAULT_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| data_dir().map(|d| d.join("vault.json")))
}

/// The XDG config directory browsers on Linux keep their profiles in.
pub fn config_dir() -> Option<PathBuf> {
    env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(".config")))
}
