//! Prepares the built-in scenario files the page embeds: the same files the CLI and the tests run,
//! converted from TOML to JSON — the page reads JSON only and leaves the TOML parser out of its
//! download (a `.toml` file a reader opens goes to the TOML reader worker, `toml-reader/`) —
//! and without each lesson step's `claims` (checked natively by engine/tests/lesson_claims.rs),
//! so the download carries only what the page plays. The conversion is value for value; the app's
//! test `every_builtin_json_is_its_toml_file` checks that each file reads to the same scenario.

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
        let mut value: serde_json::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: not TOML: {e}", path.display()));
        if let Some(steps) = value.get_mut("steps").and_then(|s| s.as_array_mut()) {
            for step in steps {
                if let Some(step) = step.as_object_mut() {
                    step.remove("claims");
                }
            }
        }
        let json = serde_json::to_string(&value).expect("JSON");
        let name = path.with_extension("json");
        let name = name.file_name().expect("a file name");
        std::fs::write(Path::new(&out).join(name), json).expect("writing OUT_DIR");
    }
}
