//! `kafkascope-sim`: runs a scenario file headlessly and prints its outcome report as JSON.
//!
//! ```text
//! kafkascope-sim run FILE [--seed N] [--trace-hash] [--records] [--check]
//! ```
//! `--records` adds each record's fate (see docs/kafka-model.md, "The outcome report's
//! vocabulary"); `--check` checks Kafka's invariants after every step and stops at the first one
//! broken, printing the seed and the violation.
//! Exit status: 0 on success, 2 when the arguments or the scenario file are bad (with a message
//! on stderr that names the problem), 3 when `--check` found a broken invariant.

use kafkascope_engine::run::{run_file_text, RunError, RunOptions};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str =
    "usage: kafkascope-sim run FILE [--seed N] [--trace-hash] [--records] [--check]";

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
    let file = file.ok_or_else(|| format!("no scenario file given\n{USAGE}"))?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
    let report = run_file_text(&file, &text, seed, options).map_err(|e| match e {
        RunError::Scenario(_) => Failure(format!("{file}: {e}"), 2),
        RunError::Invariant { .. } => Failure(format!("{file}: {e}"), 3),
    })?;
    Ok(serde_json::to_string_pretty(&report).expect("reports always serialize"))
}
