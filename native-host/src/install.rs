//! `latchkey install` / `uninstall`: the native messaging manifests for each browser, and
//! a record of exactly what was written so `uninstall` removes that and nothing else.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use thiserror::Error;

use crate::browsers::{
    BROWSERS, Browser, CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, Family, HOST_NAME, by_key,
};
pub use crate::install_record::{InstallRecord, Installed, load_record, record_path};
use crate::install_record::{Untrusted, save_record};
use crate::paths;
use crate::vault_store;

#[derive(Debug, Error)]
pub enum InstallError {
    #[error("unknown browser `{0}`; choose one of chrome, chromium, edge, brave, vivaldi, firefox")]
    UnknownBrowser(String),
    #[error(
        "`{0}` is not an extension id: give a Chrome id (32 letters a to p) or a Firefox id \
         (name@domain or {{uuid}})"
    )]
    BadExtensionId(String),
    #[error("no home directory: set HOME")]
    NoHome,
    #[error("cannot {action} {path}: {reason}")]
    File {
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("cannot find this program's own path: {0}")]
    NoBinary(String),
    #[error(
        "Firefox reads native messaging manifests only from $HOME/.mozilla/\
         native-messaging-hosts, never from a profile directory; drop --profile and run \
         `latchkey install --browser firefox` with HOME set to the home Firefox runs with"
    )]
    FirefoxProfile,
    /// Carries the explanation of why (no profile found, only a Snap browser, ...).
    #[error("nothing was installed: {0}")]
    NothingInstalled(String),
    #[error(
        "--profile writes a per-user manifest into one browser's data directory; it cannot be \
         combined with --system"
    )]
    ProfileAndSystem,
}

fn file_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InstallError {
    let path = path.to_owned();
    move |e| InstallError::File {
        action,
        path,
        reason: e.to_string(),
    }
}

/// What `install` was asked to do.
pub struct InstallOptions {
    pub system: bool,
    pub browsers: Vec<String>,
    pub extension_ids: Vec<String>,
    /// A Chromium `--user-data-dir`: the manifest goes into its `NativeMessagingHosts`.
    pub profile: Option<PathBuf>,
}

fn is_chrome_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b))
}

fn is_firefox_id(id: &str) -> bool {
    let email = id.split_once('@').is_some_and(|(name, domain)| {
        !name.is_empty()
            && domain.contains('.')
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-+@".contains(c))
    });
    let uuid = id.len() == 38
        && id.starts_with('{')
        && id.ends_with('}')
        && id[1..37].chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    email || uuid
}

/// Whether an `allowed_origins` entry is a well-formed Chrome extension origin.
pub fn is_chrome_origin(origin: &str) -> bool {
    origin
        .strip_prefix("chrome-extension://")
        .and_then(|rest| rest.strip_suffix('/'))
        .is_some_and(is_chrome_id)
}

pub fn is_firefox_extension(id: &str) -> bool {
    is_firefox_id(id)
}

/// The manifest for one browser family, naming `binary`.
pub fn manifest(family: Family, binary: &Path, extra_ids: &[String]) -> Value {
    let mut base = json!({
        "name": HOST_NAME,
        "description": "latchkey native host: OS secure storage and the shared vault file",
        "path": binary.to_string_lossy(),
        "type": "stdio",
    });
    match family {
        Family::Chromium => {
            let mut origins = vec![format!("chrome-extension://{CHROME_EXTENSION_ID}/")];
            for id in extra_ids.iter().filter(|id| is_chrome_id(id)) {
                origins.push(format!("chrome-extension://{id}/"));
            }
            origins.dedup();
            base["allowed_origins"] = json!(origins);
        }
        Family::Firefox => {
            let mut ids = vec![FIREFOX_EXTENSION_ID.to_owned()];
            ids.extend(extra_ids.iter().filter(|id| is_firefox_id(id)).cloned());
            ids.dedup();
            base["allowed_extensions"] = json!(ids);
        }
    }
    base
}

fn current_binary() -> Result<PathBuf, InstallError> {
    let exe = std::env::current_exe().map_err(|e| InstallError::NoBinary(e.to_string()))?;
    Ok(exe.canonicalize().unwrap_or(exe))
}

fn write_json(path: &Path, value: &Value) -> Result<(), InstallError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
    vault_store::replace(path, text.as_bytes()).map_err(|e| InstallError::File {
        action: "write",
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // Browsers read the manifest as the user; 0644 like any configuration file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o644))
            .map_err(file_error("set permissions of", path))?;
    }
    Ok(())
}

fn chosen(
    options: &InstallOptions,
    home: &Path,
    config: &Path,
) -> Result<Vec<&'static Browser>, InstallError> {
    if options.browsers.is_empty() {
        let found = BROWSERS
            .iter()
            .filter(|b| {
                if options.system {
                    b.has_profile(home, config) || system_binary(b)
                } else {
                    b.has_profile(home, config)
                }
            })
            .collect();
        return Ok(found);
    }
    options
        .browsers
        .iter()
        .map(|name| by_key(name).ok_or_else(|| InstallError::UnknownBrowser(name.clone())))
        .collect()
}

fn system_binary(browser: &Browser) -> bool {
    let names: &[&str] = match browser.key {
        "chrome" => &["/usr/bin/google-chrome", "/opt/google/chrome/chrome"],
        "chromium" => &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        "edge" => &["/usr/bin/microsoft-edge"],
        "brave" => &["/usr/bin/brave-browser"],
        "vivaldi" => &["/usr/bin/vivaldi"],
        _ => &["/usr/bin/firefox", "/usr/bin/firefox-esr"],
    };
    names.iter().any(|n| Path::new(n).exists())
}

/// Installs the manifests and returns what to tell the user, line by line.
pub fn install(options: &InstallOptions) -> Result<String, InstallError> {
    for id in &options.extension_ids {
        if !is_chrome_id(id) && !is_firefox_id(id) {
            return Err(InstallError::BadExtensionId(id.clone()));
        }
    }
    if let Some(profile) = &options.profile {
        return install_profile(options, profile);
    }
    let home = paths::home().ok_or(InstallError::NoHome)?;
    let config = paths::config_dir().ok_or(InstallError::NoHome)?;
    let binary = current_binary()?;
    let browsers = chosen(options, &home, &config)?;
    let mut record = load_record();
    let mut out = String::new();

    for browser in &browsers {
        let path = browser.manifest_path(options.system, &home, &config);
        write_json(
            &path,
            &manifest(browser.family, &binary, &options.extension_ids),
        )?;
        register_windows(browser, options.system, &path);
        let _ = writeln!(
            out,
            "installed {HOST_NAME} for {}: {}",
            browser.name,
            path.display()
        );
        remember(
            &mut record,
            Installed {
                browser: browser.key.into(),
                system: options.system,
                manifest: path,
                binary_copy: None,
                profile: None,
            },
        );
    }

    let mut written = browsers.len();
    if !options.system {
        written += sandboxes(options, &home, &binary, &mut record, &mut out)?;
    }
    if written == 0 {
        let mut why = String::from(
            "no browser profile found; name one with --browser (chrome, chromium, edge, \
             brave, vivaldi, firefox) or use --profile DIR",
        );
        for note in out.lines().filter(|l| !l.is_empty()) {
            why.push_str("; ");
            why.push_str(note);
        }
        return Err(InstallError::NothingInstalled(why));
    }
    save_record(&record)?;
    Ok(out)
}

/// `install --profile DIR`: Chromium-family browsers started with `--user-data-dir=DIR`
/// also read per-user manifests from `DIR/NativeMessagingHosts`, which lets a browser run
/// with a throwaway profile reach the host without touching the user's own profiles.
fn install_profile(options: &InstallOptions, profile: &Path) -> Result<String, InstallError> {
    if options.system {
        return Err(InstallError::ProfileAndSystem);
    }
    let mut names = Vec::new();
    for name in &options.browsers {
        let browser = by_key(name).ok_or_else(|| InstallError::UnknownBrowser(name.clone()))?;
        if browser.family == Family::Firefox {
            return Err(InstallError::FirefoxProfile);
        }
        names.push(browser);
    }
    // Every Chromium-family browser reads the same place in its user data dir, so one
    // manifest serves them all; the record names the first browser asked for.
    let browser = names.first().copied().or_else(|| by_key("chromium"));
    let Some(browser) = browser else {
        return Err(InstallError::UnknownBrowser("chromium".into()));
    };

    let profile = std::path::absolute(profile).map_err(file_error("find", profile))?;
    let binary = current_binary()?;
    let path = profile_manifest_path(&profile);
    write_json(
        &path,
        &manifest(Family::Chromium, &binary, &options.extension_ids),
    )?;
    let mut record = load_record();
    remember(
        &mut record,
        Installed {
            browser: browser.key.into(),
            system: false,
            manifest: path.clone(),
            binary_copy: None,
            profile: Some(profile),
        },
    );
    save_record(&record)?;
    Ok(format!(
        "installed {HOST_NAME} for the browser profile (--user-data-dir) {}: {}\n",
        path.parent()
            .and_then(Path::parent)
            .unwrap_or(&path)
            .display(),
        path.display()
    ))
}

/// Where a Chromium-family browser started with `--user-data-dir=profile` looks.
pub fn profile_manifest_path(profile: &Path) -> PathBuf {
    profile
        .join("NativeMessagingHosts")
        .join(format!("{HOST_NAME}.json"))
}

fn remember(record: &mut InstallRecord, item: Installed) {
    record.items.retain(|i| i.manifest != item.manifest);
    record.items.push(item);
}

/// Flatpak browsers read manifests inside their sandbox and can only start a binary the
/// sandbox can see, so the host is copied in beside the manifest. Snap browsers cannot be
/// served from outside at all; the user is told so. Returns how many manifests it wrote.
fn sandboxes(
    options: &InstallOptions,
    home: &Path,
    binary: &Path,
    record: &mut InstallRecord,
    out: &mut String,
) -> Result<usize, InstallError> {
    let mut written = 0;
    for browser in BROWSERS {
        if !options.browsers.is_empty()
            && !options.browsers.iter().any(|b| by_key(b) == Some(browser))
        {
            continue;
        }
        let app = browser.flatpak.0;
        if home.join(".var/app").join(app).is_dir() {
            let copy = browser.flatpak_copy(home);
            if let Some(parent) = copy.parent() {
                fs::create_dir_all(parent).map_err(file_error("create", parent))?;
            }
            fs::copy(binary, &copy).map_err(file_error("copy the host to", &copy))?;
            let path = browser.flatpak_manifest(home);
            write_json(
                &path,
                &manifest(browser.family, &copy, &options.extension_ids),
            )?;
            let _ = writeln!(
                out,
                "installed {HOST_NAME} for {} (Flatpak {app}): {}\n  the host was copied into \
                 the sandbox: {}\n  the sandbox still blocks the OS secure store and the shared \
                 vault file; allow them with:\n    flatpak override --user \
                 --talk-name=org.freedesktop.secrets {app}\n    flatpak override --user \
                 --filesystem={} {app}",
                browser.name,
                path.display(),
                copy.display(),
                paths::data_dir().unwrap_or_default().display(),
            );
            remember(
                record,
                Installed {
                    browser: browser.key.into(),
                    system: false,
                    manifest: path,
                    binary_copy: Some(copy),
                    profile: None,
                },
            );
            written += 1;
        }
        if !browser.snap.is_empty() && home.join("snap").join(browser.snap).is_dir() {
            let _ = writeln!(
                out,
                "found {} as a Snap: its confinement does not let it start programs outside \
                 the snap, so no manifest was written; use the browser from a .deb package for \
                 quick unlock, or unlock with your passphrase",
                browser.name
            );
        }
    }
    Ok(written)
}

#[cfg(windows)]
fn register_windows(browser: &Browser, system: bool, manifest: &Path) {
    // Known shortcoming: untested here (no Windows machine in CI); uses reg.exe.
    let hive = if system { "HKLM" } else { "HKCU" };
    let key = format!(r"{hive}\{}\{HOST_NAME}", browser.windows_key);
    let _ = std::process::Command::new("reg")
        .args(["add", &key, "/ve", "/t", "REG_SZ", "/d"])
        .arg(manifest)
        .arg("/f")
        .status();
}

#[cfg(not(windows))]
fn register_windows(_: &Browser, _: bool, _: &Path) {}

/// Removes exactly the files `install` recorded (for the scope asked), and nothing else:
/// a recorded path that is not a known manifest place, or not a latchkey manifest, is
/// left where it is and said so.
pub fn uninstall(system: bool, only: &[String]) -> Result<String, InstallError> {
    for name in only {
        by_key(name).ok_or_else(|| InstallError::UnknownBrowser(name.clone()))?;
    }
    let mut record = load_record();
    let mut out = String::new();
    let (remove, keep): (Vec<Installed>, Vec<Installed>) =
        record.items.drain(..).partition(|item| {
            item.system == system
                && (only.is_empty() || only.iter().any(|b| b.eq_ignore_ascii_case(&item.browser)))
        });
    let mut left = Vec::new();
    for item in remove.iter() {
        match item.checked_manifest() {
            Ok(Some(_)) => {
                fs::remove_file(&item.manifest).map_err(file_error("remove", &item.manifest))?;
                let _ = writeln!(out, "removed {}", item.manifest.display());
            }
            Ok(None) => {
                let _ = writeln!(out, "already gone: {}", item.manifest.display());
            }
            Err(why) => {
                let _ = writeln!(out, "left {}: {}", item.manifest.display(), why.explain());
                // Kept in the record when it may be ours after all (another HOME).
                if why == Untrusted::Elsewhere {
                    left.push(item.clone());
                }
                continue;
            }
        }
        if let Some(copy) = item.checked_binary_copy() {
            if fs::remove_file(copy).is_ok() {
                let _ = writeln!(out, "removed {}", copy.display());
            }
            if let Some(parent) = copy.parent() {
                let _ = fs::remove_dir(parent);
            }
        }
    }
    if remove.is_empty() {
        out.push_str("nothing to remove: latchkey install wrote no manifest here\n");
    }
    record.items = keep;
    record.items.extend(left);
    save_record(&record)?;
    Ok(out)
}

/// The callers the installed manifests allow: Chrome origins and Firefox ids.
pub fn allowed_callers() -> Vec<String> {
    let mut allowed = Vec::new();
    for item in load_record().items {
        let Ok(Some(value)) = item.checked_manifest() else {
            continue;
        };
        for key in ["allowed_origins", "allowed_extensions"] {
            if let Some(list) = value[key].as_array() {
                allowed.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
            }
        }
    }
    allowed
}

/// Points every recorded manifest that names another path at this binary again (the
/// binary was moved). Copies inside sandboxes are refreshed instead. Best effort; only
/// manifests the record may be trusted about are touched.
pub fn repair_manifests() -> Vec<PathBuf> {
    let Ok(binary) = current_binary() else {
        return Vec::new();
    };
    let mut repaired = Vec::new();
    for item in load_record().items {
        let Ok(Some(mut value)) = item.checked_manifest() else {
            continue;
        };
        let named = value["path"].as_str().map(PathBuf::from);
        if named.is_some_and(|p| p.is_file()) {
            continue;
        }
        let copy = item.checked_binary_copy();
        if item.binary_copy.is_some() && copy.is_none() {
            continue;
        }
        let target = copy.map_or_else(|| binary.clone(), Path::to_path_buf);
        if let Some(copy) = copy
            && fs::copy(&binary, copy).is_err()
        {
            continue;
        }
        value["path"] = json!(target.to_string_lossy());
        if write_json(&item.manifest, &value).is_ok() {
            repaired.push(item.manifest.clone());
        }
    }
    repaired
}
