//! Prepares the built-in scenario files the page embeds: the same files the CLI and the tests run,
//! without what only their readers and the engine's tests use — comment lines and each lesson
//! step's `claims` (checked natively by engine/tests/lesson_claims.rs) — so the download carries
//! only what the page plays.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new("scenarios");
    println!("cargo:rerun-if-changed=scenarios");
    for entry in std::fs::read_dir(dir).expect("scenarios/") {
        let path = entry.expect("a scenario file").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a scenario file");
        let kept: String = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with("claims = "))
            .map(|line| format!("{line}\n"))
            .collect();
        let name = path.file_name().expect("a file name");
        std::fs::write(Path::new(&out).join(name), kept).expect("writing OUT_DIR");
    }
}
