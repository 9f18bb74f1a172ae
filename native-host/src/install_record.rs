//! The record of what `install` wrote (`installed.json` in the data directory), and the
//! checks made before anything acts on it. The record is a plain file: `uninstall` and
//! the host's repair of moved binaries only touch a file it names when that file is at a
//! place `install` writes to and is a latchkey host manifest, so a damaged or edited
//! record cannot make them delete or rewrite anything else.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::browsers::{BROWSERS, HOST_NAME};
use crate::install::{InstallError, profile_manifest_path};
use crate::{paths, vault_store};

/// One file the installer wrote.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Installed {
    pub browser: String,
    pub system: bool,
    pub manifest: PathBuf,
    /// A copy of the binary placed inside a sandbox (Flatpak), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_copy: Option<PathBuf>,
    /// The `--user-data-dir` this manifest was written into (`install --profile`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct InstallRecord {
    pub kind: String,
    pub format: u32,
    pub items: Vec<Installed>,
}

pub fn record_path() -> Option<PathBuf> {
    paths::data_dir().map(|d| d.join("installed.json"))
}

pub fn load_record() -> InstallRecord {
    record_path()
        .and_then(|p| fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(InstallRecord {
            kind: "latchkey-install".into(),
            format: 1,
            items: Vec::new(),
        })
}

pub fn save_record(record: &InstallRecord) -> Result<(), InstallError> {
    let path = record_path().ok_or(InstallError::NoHome)?;
    if record.items.is_empty() {
        let _ = fs::remove_file(&path);
        return Ok(());
    }
    let text = serde_json::to_string_pretty(record).unwrap_or_default();
    vault_store::replace(&path, text.as_bytes()).map_err(|e| InstallError::File {
        action: "write",
        path,
        reason: e.to_string(),
    })
}

/// Why a recorded file was left alone.
#[derive(Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// Not a path `install` writes manifests to (for this HOME and XDG_CONFIG_HOME).
    Elsewhere,
    /// At such a path, but not a latchkey host manifest (someone else's file now).
    NotOurs,
}

impl Untrusted {
    pub fn explain(&self) -> &'static str {
        match self {
            Untrusted::Elsewhere => {
                "it is not where latchkey installs manifests (was HOME or XDG_CONFIG_HOME \
                 different when it was installed?)"
            }
            Untrusted::NotOurs => "it is not a latchkey host manifest",
        }
    }
}

impl Installed {
    /// Whether the manifest is at a place `install` writes to.
    fn at_known_place(&self) -> bool {
        if let Some(profile) = &self.profile {
            return self.manifest == profile_manifest_path(profile);
        }
        let (Some(home), Some(config)) = (paths::home(), paths::config_dir()) else {
            return false;
        };
        BROWSERS.iter().any(|b| {
            let direct = b.manifest_path(self.system, &home, &config) == self.manifest;
            let sandboxed = !self.system && b.flatpak_manifest(&home) == self.manifest;
            direct || sandboxed
        })
    }

    /// The manifest's JSON, if the record may be trusted about it: at a known place and a
    /// latchkey host manifest. `Ok(None)` when the file is gone.
    pub fn checked_manifest(&self) -> Result<Option<Value>, Untrusted> {
        if !self.at_known_place() {
            return Err(Untrusted::Elsewhere);
        }
        let text = match fs::read_to_string(&self.manifest) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => return Err(Untrusted::NotOurs),
        };
        let value: Value = serde_json::from_str(&text).map_err(|_| Untrusted::NotOurs)?;
        if is_host_manifest(&value) {
            Ok(Some(value))
        } else {
            Err(Untrusted::NotOurs)
        }
    }

    /// The sandbox copy of the binary, if it is where `install` puts one.
    pub fn checked_binary_copy(&self) -> Option<&Path> {
        let copy = self.binary_copy.as_deref()?;
        let home = paths::home()?;
        BROWSERS
            .iter()
            .any(|b| b.flatpak_copy(&home) == copy)
            .then_some(copy)
    }
}

/// Whether `value` is a manifest for this host: its name, stdio, a path, and callers.
fn is_host_manifest(value: &Value) -> bool {
    let callers = ["allowed_origins", "allowed_extensions"]
        .iter()
        .any(|k| value[k].is_array());
    value["name"] == HOST_NAME && value["type"] == "stdio" && value["path"].is_string() && callers
}
