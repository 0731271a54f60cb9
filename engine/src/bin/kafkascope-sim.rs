//! `kafkascope-sim`: runs a scenario file headlessly and prints its outcome report as JSON.
//!
//! ```text
//! kafkascope-sim run FILE [--seed N] [--trace-hash] [--records]
//! ```
//! `--records` adds each record's fate (acknowledged, copies in the committed log, present on
//! every in-sync replica).
//! Exit status: 0 on success, 2 when the arguments or the scenario file are bad (with a message
//! on stderr that names the problem).

use kafkascope_engine::run::run_file_text;
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: kafkascope-sim run FILE [--seed N] [--trace-hash] [--records]";

fn main() -> ExitCode {
    match real_main(std::env::args().skip(1).collect()) {
        Ok(json) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("kafkascope-sim: {message}");
            ExitCode::from(2)
        }
    }
}

fn real_main(args: Vec<String>) -> Result<String, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("run") => {}
        Some("-h" | "--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command `{other}`\n{USAGE}")),
    }
    let mut file = None;
    let mut seed = None;
    let mut hash = false;
    let mut records = false;
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
            "--trace-hash" => hash = true,
            "--records" => records = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n{USAGE}"))
            }
            path if file.is_none() => file = Some(path.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`\n{USAGE}")),
        }
    }
    let file = file.ok_or_else(|| format!("no scenario file given\n{USAGE}"))?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
    let report =
        run_file_text(&file, &text, seed, hash, records).map_err(|e| format!("{file}: {e}"))?;
    Ok(serde_json::to_string_pretty(&report).expect("reports always serialize"))
}
