//! `kafkascope-sim`: runs a scenario file headlessly and prints its outcome report as JSON.
//!
//! ```text
//! kafkascope-sim run FILE [--seed N] [--trace-hash] [--records] [--check]
//! kafkascope-sim run --link URL [--scenarios DIR] [--seed N] [--trace-hash] [--records] [--check]
//! ```
//! `--link` replays a link the page made ("Copy link"): its scenario with the reader's actions,
//! to the same trace as the page (compare `--trace-hash` with the page's share panel). A link to
//! a built-in scenario names it; its file is read from `--scenarios DIR` (default `scenarios/`
//! in the current directory, else the repository's the binary was built from).
//! `--records` adds each record's fate (see docs/kafka-model.md, "The outcome report's
//! vocabulary"); `--check` checks Kafka's invariants after every step and stops at the first one
//! broken, printing the seed and the violation.
//! Exit status: 0 on success, 2 when the arguments or the scenario file are bad (with a message
//! on stderr that names the problem), 3 when `--check` found a broken invariant.

use kafkascope_engine::run::{run_checked, run_file_text, RunError, RunOptions};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: kafkascope-sim run FILE [--seed N] [--trace-hash] [--records] [--check]
       kafkascope-sim run --link URL [--scenarios DIR] [--seed N] [--trace-hash] [--records] [--check]";

/// A failed run: the message, and the exit status.
struct Failure(String, u8);

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure(message, 2)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure(message.into(), 2)
    }
}

fn main() -> ExitCode {
    match real_main(std::env::args().skip(1).collect()) {
        Ok(json) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            ExitCode::SUCCESS
        }
        Err(Failure(message, status)) => {
            eprintln!("kafkascope-sim: {message}");
            ExitCode::from(status)
        }
    }
}

fn real_main(args: Vec<String>) -> Result<String, Failure> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("run") => {}
        Some("-h" | "--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command `{other}`\n{USAGE}").into()),
    }
    let mut file = None;
    let mut link = None;
    let mut scenarios_dir = None;
    let mut seed = None;
    let mut options = RunOptions::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let value = args.next().ok_or("--seed needs a number")?;
                seed = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("--seed `{value}` is not a whole number ≥ 0"))?,
                );
            }
            "--link" => link = Some(args.next().ok_or("--link needs a link")?),
            "--scenarios" => scenarios_dir = Some(args.next().ok_or("--scenarios needs a folder")?),
            "--trace-hash" => options.hash_trace = true,
            "--records" => options.records = true,
            "--check" => options.check = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n{USAGE}").into())
            }
            path if file.is_none() => file = Some(path.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`\n{USAGE}").into()),
        }
    }
    if let Some(link) = link {
        if let Some(file) = file {
            return Err(format!("give a file or --link, not both (`{file}`)\n{USAGE}").into());
        }
        return run_link(&link, scenarios_dir.as_deref(), seed, options);
    }
    let file = file.ok_or_else(|| format!("no scenario file given\n{USAGE}"))?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
    let report = run_file_text(&file, &text, seed, options).map_err(|e| match e {
        RunError::Scenario(_) => Failure(format!("{file}: {e}"), 2),
        RunError::Invariant { .. } => Failure(format!("{file}: {e}"), 3),
    })?;
    Ok(serde_json::to_string_pretty(&report).expect("reports always serialize"))
}

/// Replays the session in `link` (see `kafkascope_engine::session::link`).
fn run_link(
    link: &str,
    scenarios_dir: Option<&str>,
    seed: Option<u64>,
    options: RunOptions,
) -> Result<String, Failure> {
    let session =
        kafkascope_engine::session::link::parse(link).map_err(|problem| match problem.recover {
            Some(name) => format!(
                "{}; it names the built-in scenario `{name}` (run scenarios/{name}.toml)",
                problem.error
            ),
            None => problem.error.to_string(),
        })?;
    let dirs: Vec<std::path::PathBuf> = match scenarios_dir {
        Some(dir) => vec![dir.into()],
        None => vec![
            "scenarios".into(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios").into(),
        ],
    };
    let builtin = |name: &str| {
        dirs.iter()
            .find_map(|dir| std::fs::read_to_string(dir.join(format!("{name}.toml"))).ok())
            .map(|text| kafkascope_engine::Scenario::from_toml(&text))
    };
    let mut scenario = session
        .scenario(builtin)
        .map_err(|e| format!("the link's scenario: {e}"))?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let report = run_checked(&scenario, options).map_err(|violation| {
        let seed = scenario.seed;
        Failure(
            format!(
                "the link's scenario: {}",
                RunError::Invariant { seed, violation }
            ),
            3,
        )
    })?;
    Ok(serde_json::to_string_pretty(&report).expect("reports always serialize"))
}
