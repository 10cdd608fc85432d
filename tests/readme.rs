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

/// One command of a README session and the output shown under it.
struct Shown {
    /// Index of the `$ ` line in the README's lines.
    line: usize,
    command: String,
    /// The lines shown under it, up to the next command or the end of the block.
    output: Vec<String>,
}

/// The commands of the README's ```console blocks, with what each shows.
fn sessions(readme: &str) -> Vec<Shown> {
    let mut out: Vec<Shown> = Vec::new();
    let mut inside = false;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            inside = line == "```console";
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Shown { line: i, command: command.to_string(), output: Vec::new() });
        } else if let Some(last) = out.last_mut() {
            last.output.push(line.to_string());
        }
    }
    out
}

/// Splits a command line as a POSIX shell would for the quoting the README uses: single
/// quotes, double quotes with `\` escapes, and a trailing `# comment`.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref().take_while(|&c| c != '\'') {
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars.next().unwrap())
                        }
                        c => word.push(c),
                    }
                }
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Whether the output the README shows is what the binary printed: a shown line ending in
/// `…` stands for any line it begins; a line that is only `…` stands for the rest; the
/// figures of the timing line of `gazette index` vary from run to run.
fn matches(shown: &[String], actual: &[String]) -> bool {
    let timing = regex::Regex::new(r"^[0-9.]+ s, [0-9.]+ MB read \([0-9.]+ MB/s, [0-9]+ documents/s\)$").unwrap();
    let mut actual = actual.iter();
    for want in shown {
        if want == "…" {
            return true;
        }
        let Some(got) = actual.next() else { return false };
        let same = match want.strip_suffix('…') {
            Some(start) => got.starts_with(start),
            None => got == want || timing.is_match(want) && timing.is_match(got),
        };
        if !same {
            return false;
        }
    }
    actual.next().is_none()
}

/// What to write in the README for a command: what it printed, keeping the README's way of
/// shortening it where that still holds.
fn regenerated(shown: &[String], actual: &[String]) -> Vec<String> {
    if matches(shown, actual) {
        return shown.to_vec();
    }
    match shown.iter().position(|l| l == "…") {
        Some(cut) if cut < actual.len() => actual[..cut].iter().cloned().chain(["…".to_string()]).collect(),
        _ => actual.to_vec(),
    }
}

/// Issue "hardening": the README's sample sessions are what the binary prints. Every command
/// of its ```console blocks runs, in order, in a folder holding a copy of `corpus-sample/`,
/// with `GAZETTE_INDEX=idx`, and what it prints (standard output, then standard error) must
/// be what the README shows under it. `GAZETTE_UPDATE_README=1 cargo test --test readme`
/// rewrites the README with what the binary prints instead.
#[test]
fn the_readme_sessions_are_what_the_binary_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let t = tempfile::tempdir().unwrap();
    copy_dir(&root.join("corpus-sample"), &t.path().join("corpus-sample"));
    let shown = sessions(&readme);
    assert!(shown.len() >= 8, "the README shows {} commands", shown.len());
    let mut lines: Vec<String> = readme.lines().map(String::from).collect();
    let mut wrong = Vec::new();
    // From the end, so that rewriting one command's output keeps the others' line numbers.
    let mut results = Vec::new();
    for s in &shown {
        let words = shell_words(&s.command);
        assert_eq!(words.first().map(String::as_str), Some("gazette"), "README line {}: {}", s.line + 1, s.command);
        let out = Command::cargo_bin("gazette")
            .unwrap()
            .args(&words[1..])
            .current_dir(t.path())
            .env("GAZETTE_INDEX", "idx")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let actual: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
        // The README leaves a blank line between a command's output and the next command.
        let shown_out: Vec<String> = {
            let mut o = s.output.clone();
            while o.last().is_some_and(|l| l.is_empty()) {
                o.pop();
            }
            o
        };
        if !matches(&shown_out, &actual) {
            wrong.push(format!(
                "README line {}: $ {}\n--- the README shows:\n{}\n--- the binary printed:\n{}",
                s.line + 1,
                s.command,
                shown_out.join("\n"),
                actual.join("\n")
            ));
        }
        results.push((s.line, shown_out.len(), regenerated(&shown_out, &actual)));
    }
    if std::env::var_os("GAZETTE_UPDATE_README").is_some() {
        for (line, old_len, new) in results.into_iter().rev() {
            lines.splice(line + 1..line + 1 + old_len, new);
        }
        std::fs::write(root.join("README.md"), lines.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        wrong.is_empty(),
        "{} README sessions differ from the binary (GAZETTE_UPDATE_README=1 cargo test --test readme rewrites them):\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn readme_command_lines_split_as_a_shell_would() {
    let cases: &[(&str, &[&str])] = &[
        ("gazette search cyber --index idx", &["gazette", "search", "cyber", "--index", "idx"]),
        ("gazette search '\"state behavior\" AND cyber'", &["gazette", "search", "\"state behavior\" AND cyber"]),
        ("gazette search \"a \\\"b\\\"\" # a comment", &["gazette", "search", "a \"b\""]),
        ("gazette search 'it''s'", &["gazette", "search", "its"]),
        ("gazette show a#1", &["gazette", "show", "a#1"]),
    ];
    for (line, want) in cases {
        assert_eq!(shell_words(line), *want, "{line}");
    }
}

#[test]
fn shortened_output_matches_what_it_stands_for() {
    let v = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let cases = [
        (v(&["a", "b…"]), v(&["a", "bcd"]), true),
        (v(&["a", "…"]), v(&["a", "b", "c"]), true),
        (v(&["a"]), v(&["a", "b"]), false),
        (v(&["a", "b"]), v(&["a"]), false),
        (v(&["x…"]), v(&["y"]), false),
        (
            v(&["0.48 s, 0.1 MB read (0.3 MB/s, 60 documents/s)"]),
            v(&["1.20 s, 0.1 MB read (0.1 MB/s, 24 documents/s)"]),
            true,
        ),
    ];
    for (shown, actual, want) in cases {
        assert_eq!(matches(&shown, &actual), want, "{shown:?} ~ {actual:?}");
    }
}
