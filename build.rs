//! Prepares the built-in scenario files for the page: the same files the CLI and the tests run,
//! converted from TOML to JSON — the page reads JSON only and leaves the TOML parser out of its
//! download (a `.toml` file a reader opens goes to the TOML reader worker, `toml-reader/`) —
//! and without each lesson step's `claims` (checked natively by engine/tests/lesson_claims.rs),
//! so the download carries only what the page plays. The conversion is value for value; the app's
//! test `every_builtin_json_is_its_toml_file` checks that each file reads to the same scenario.
//!
//! Written to two places:
//! - `OUT_DIR`, where native builds (tests, benches) embed them;
//! - `<target dir>/kafkascope-scenarios/`, from where Trunk's post-build hook
//!   (`scripts/copy-scenarios.sh`) puts them beside the page as `scenarios/NAME.json`: the page
//!   fetches only the one it opens (issue 12: the first frame's download).
//!
//! Also, in `OUT_DIR`: `builtin_titles.rs`, every file's name and title in English and Korean, so
//! the picker and the start screen list them without fetching them; and `builtin_json.rs`, the
//! table that embeds every file in a native build.

use std::path::Path;

/// Scenario files only the benchmarks run (`benches/`, `scripts/bench.sh`): too large to play in
/// a page, so the picker does not offer them and they are not put beside the page. Written into
/// `builtin_titles.rs` too, where the app's unit test reads this one list.
const BENCHMARK_ONLY: &[&str] = &[
    "bench-100k",
    "bench-300k",
    "bench-1m",
    "bench-db-100k",
    "bench-txn-100k",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new("scenarios");
    println!("cargo:rerun-if-changed=scenarios");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    // The same rule as scripts/copy-scenarios.sh: $CARGO_TARGET_DIR, else ./target.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let served = target.join("kafkascope-scenarios");
    std::fs::create_dir_all(&served).expect("creating <target>/kafkascope-scenarios");
    // Written again if someone removes them (Trunk's hook copies from there).
    println!("cargo:rerun-if-changed={}", served.display());
    let mut titles = Vec::new();
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
        let title = |lang: &str| {
            value
                .get("title")
                .and_then(|t| t.get(lang))
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        titles.push((stem.to_string(), title("en"), title("ko")));
        let json = serde_json::to_string(&value).expect("JSON");
        let name = path.with_extension("json");
        let name = name.file_name().expect("a file name");
        std::fs::write(Path::new(&out).join(name), &json).expect("writing OUT_DIR");
        let served_file = served.join(name);
        if BENCHMARK_ONLY.contains(&stem.as_ref()) {
            // A file left there by an older build would still be copied beside the page.
            let _ = std::fs::remove_file(&served_file);
        } else {
            std::fs::write(&served_file, &json).expect("writing <target>/kafkascope-scenarios");
        }
    }
    titles.sort();
    let table: String = titles
        .iter()
        .map(|(name, en, ko)| format!("    ({name:?}, {en:?}, {ko:?}),\n"))
        .collect();
    std::fs::write(
        Path::new(&out).join("builtin_titles.rs"),
        format!("/// (name, English title, Korean title) of every built-in scenario file, by name.\npub const BUILTIN_TITLES: &[(&str, &str, &str)] = &[\n{table}];\n/// Files only the benchmarks run: not offered, not served.\n#[allow(dead_code)]\npub const BENCHMARK_ONLY: &[&str] = &{BENCHMARK_ONLY:?};\n"),
    )
    .expect("writing OUT_DIR");
    // Native builds (the app's tests and benches) embed every file.
    let embedded: String = titles
        .iter()
        .map(|(name, _, _)| {
            format!("    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.json\"))),\n")
        })
        .collect();
    std::fs::write(
        Path::new(&out).join("builtin_json.rs"),
        format!("/// (name, JSON text) of every built-in scenario file, by name.\npub const BUILTIN_JSON: &[(&str, &str)] = &[\n{embedded}];\n"),
    )
    .expect("writing OUT_DIR");
}
