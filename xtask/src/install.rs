//! `cargo xtask install`: everything a user needs on this machine, in one command.
//!
//! Builds the extension (`dist/`) and the native host (release), has the host write its
//! native messaging manifests for the user's browsers (`latchkey install`), checks that
//! each manifest names the binary just built, starts a pairing (`latchkey pair`) and
//! prints how to load the extension and where to type the pairing code.
//!
//! The manifests point at `target/release/latchkey` inside this checkout, so moving or
//! cleaning the checkout breaks them; `latchkey doctor` says so, and re-running this
//! command repairs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{dist, run};

/// The host's name in every native messaging manifest (native-host/src/browsers.rs).
const HOST_NAME: &str = "com.latchkey.host";

const USAGE: &str = "\
usage: cargo xtask install [--browser NAME]... [--no-build]

  --browser NAME  chrome, chromium, edge, brave, vivaldi or firefox (repeatable);
                  without it, every browser with a profile for this user
  --no-build      use the dist/ and target/release/latchkey already built";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    browsers: Vec<String>,
    build: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        browsers: Vec::new(),
        build: true,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--browser" => match rest.next() {
                Some(name) => options.browsers.push(name.clone()),
                None => return Err(format!("`--browser` needs a browser name\n\n{USAGE}")),
            },
            "--no-build" => options.build = false,
            other => return Err(format!("`install` does not take `{other}`\n\n{USAGE}")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = run::root();

    if options.build {
        dist::build()?;
        run::cmd(
            "cargo",
            &[
                "build",
                "-p",
                "latchkey-host",
                "--bin",
                "latchkey",
                "--release",
            ],
        )?;
    }

    let host = run::target_dir().join("release/latchkey");
    if !host.is_file() {
        return Err(format!(
            "{} is missing; run `cargo xtask install` without --no-build",
            host.display()
        ));
    }
    let installed = register(&host, &options.browsers, &[])?;
    println!("{}", guide(&root, &host, &installed));
    if !installed.is_empty() {
        pair(&host)?;
    }
    Ok(())
}

/// Starts a pairing and shows its code: the last step only the user can do.
fn pair(host: &Path) -> Result<(), String> {
    let out = Command::new(host)
        .arg("pair")
        .output()
        .map_err(|e| format!("could not start {}: {e}", host.display()))?;
    if !out.status.success() {
        return Err(format!(
            "`latchkey pair` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // The host's own words: the code, and how long it lasts.
    print!("\n{}", String::from_utf8_lossy(&out.stdout));
    println!(
        "(in the extension: toolbar button > Settings > Pair with the latchkey host; a new \
         code any time with `{} pair`)",
        host.display()
    );
    Ok(())
}

/// One manifest the host reports having written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub browser: String,
    pub manifest: PathBuf,
}

/// Runs `host install --json` for `browsers` (all found when empty), with `env` laid over
/// this process's environment, and checks every manifest it reports.
pub fn register(
    host: &Path,
    browsers: &[String],
    env: &[(&str, &Path)],
) -> Result<Vec<Installed>, String> {
    let mut command = Command::new(host);
    command.args(["--json", "install"]);
    for browser in browsers {
        command.args(["--browser", browser]);
    }
    command.envs(env.iter().map(|(k, v)| (k, v.as_os_str())));

    let out = command
        .output()
        .map_err(|e| format!("could not start {}: {e}", host.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`latchkey install` failed ({}): {}{}",
            out.status,
            stdout.trim(),
            stderr.trim()
        ));
    }

    let answer: Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("`latchkey install --json` printed no JSON ({e}): {stdout}"))?;
    let items = answer["installed"]
        .as_array()
        .ok_or_else(|| format!("`latchkey install --json` listed nothing: {stdout}"))?;

    let binary = host
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", host.display()))?;
    let mut installed = Vec::new();
    for item in items {
        let (Some(browser), Some(manifest)) = (item["browser"].as_str(), item["manifest"].as_str())
        else {
            return Err(format!("`latchkey install` reported an odd entry: {item}"));
        };
        // A Flatpak browser runs a copy of the host inside its sandbox.
        let expected = match item["binary_copy"].as_str() {
            Some(copy) => PathBuf::from(copy),
            None => binary.clone(),
        };
        check_manifest(Path::new(manifest), &expected)?;
        installed.push(Installed {
            browser: browser.to_owned(),
            manifest: PathBuf::from(manifest),
        });
    }
    Ok(installed)
}

/// A manifest is only useful if the browser can read it and it names our binary.
fn check_manifest(path: &Path, binary: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "the host reported {} but it cannot be read: {e}",
            path.display()
        )
    })?;
    let manifest: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    if manifest["name"] != HOST_NAME {
        return Err(format!("{} does not name {HOST_NAME}", path.display()));
    }
    if manifest["path"].as_str() != Some(&*binary.to_string_lossy()) {
        return Err(format!(
            "{} points at {} instead of {}; remove it and run again",
            path.display(),
            manifest["path"],
            binary.display()
        ));
    }
    Ok(())
}

/// What to tell the user once the manifests are in place.
fn guide(root: &Path, host: &Path, installed: &[Installed]) -> String {
    let mut text = String::new();
    if installed.is_empty() {
        text.push_str(
            "no browser profile was found, so no manifest was written; start your browser \
             once, or name it: cargo xtask install --browser chromium\n",
        );
    }
    for item in installed {
        text.push_str(&format!(
            "native host manifest for {}: {}\n",
            item.browser,
            item.manifest.display()
        ));
    }

    let chrome = root.join("dist/chrome");
    let firefox = root.join("dist/firefox/manifest.json");
    text.push_str(&format!(
        "\nload the extension:\n  \
         Chrome/Chromium: open chrome://extensions, turn on Developer mode, \
         Load unpacked, choose {}\n  \
         Firefox: open about:debugging#/runtime/this-firefox, Load Temporary Add-on, \
         choose {}\n",
        chrome.display(),
        firefox.display()
    ));
    text.push_str(&format!(
        "\ncheck the host any time with `{} doctor` and `{} status`; once paired, turn on \
         quick unlock in the popup's settings",
        host.display(),
        host.display()
    ));
    text
}

#[cfg(test)]
mod tests;
