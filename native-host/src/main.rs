//! `latchkey`: the native messaging host and the command-line interface in one binary.
//!
//! Started by a browser (a `chrome-extension://` origin, or Firefox's manifest path and
//! extension id) it speaks native messaging on stdin/stdout; otherwise it is the CLI.
#![forbid(unsafe_code)]

mod browsers;
mod cli;
mod doctor;
mod entry_args;
mod framing;
mod install;
mod keystore;
mod pairings;
mod passphrase;
mod paths;
mod serve;
mod tools;
mod vault;
mod vault_store;

use std::process::ExitCode;

/// How the browser named its caller, if it started us.
pub enum Caller {
    Chrome(String),
    Firefox { manifest: String, id: String },
}

fn browser_caller(args: &[String]) -> Option<Caller> {
    let first = args.get(1)?;
    if first.starts_with("chrome-extension://") {
        return Some(Caller::Chrome(first.clone()));
    }
    let second = args.get(2)?;
    if first.ends_with(".json") && install::is_firefox_extension(second) {
        return Some(Caller::Firefox {
            manifest: first.clone(),
            id: second.clone(),
        });
    }
    None
}

fn init_logging() {
    // Logs go to stderr only: stdout is the browser's channel.
    let filter = tracing_subscriber::EnvFilter::try_from_env("LATCHKEY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

fn main() -> ExitCode {
    init_logging();
    let args: Vec<String> = std::env::args().collect();
    match browser_caller(&args) {
        Some(caller) => native_messaging(caller),
        None => cli::run(),
    }
}

fn native_messaging(caller: Caller) -> ExitCode {
    let repaired = install::repair_manifests();
    for path in repaired {
        tracing::info!("pointed {} at this binary again", path.display());
    }

    let allowed = install::allowed_callers();
    let (name, ok) = match &caller {
        Caller::Chrome(origin) => (origin.clone(), allowed.contains(origin)),
        Caller::Firefox { id, manifest } => {
            tracing::debug!("started by Firefox through {manifest}");
            (id.clone(), allowed.contains(id))
        }
    };
    let refused = (!ok).then(|| {
        format!(
            "caller `{}` is not allowed by any installed latchkey manifest; run `latchkey \
             install --extension-id ID` to allow it",
            name.chars().take(200).collect::<String>()
        )
    });
    if refused.is_some() {
        tracing::warn!("refused a caller that no manifest allows");
    }

    let (Some(data), Some(vault)) = (paths::data_dir(), paths::vault_file(None)) else {
        tracing::error!("no home directory: set HOME");
        return ExitCode::from(cli::EXIT_USAGE);
    };
    let host = serve::Host::new(name, refused, data, vault);

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return ExitCode::from(cli::EXIT_FAILURE);
        }
    };
    let served = runtime.block_on(serve::serve(host, tokio::io::stdin(), tokio::io::stdout()));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        // The browser closed its end while we were writing: nothing to report to.
        Err(e) => {
            tracing::info!("stdout closed: {e}");
            ExitCode::SUCCESS
        }
    }
}
