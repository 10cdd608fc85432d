//! The `gazette` binary, run in temporary folders: every command, exit code and the
//! fresh-clone bootstrap.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

fn gazette(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("gazette").unwrap();
    c.current_dir(cwd).env_remove("GAZETTE_INDEX").env("NO_COLOR", "1");
    c
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-sample")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A temp folder with a small corpus `news/` already indexed into `idx/`.
fn indexed() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let news = t.path().join("news");
    fs::create_dir_all(&news).unwrap();
    fs::write(
        news.join("a.txt"),
        "China cyber attacks\n\nWASHINGTON — Officials discussed cyber attacks and sanctions.",
    )
    .unwrap();
    fs::write(
        news.join("b.md"),
        "---\ntitle: Grain corridor\ndate: 2023-07-20\nsource: Wire\n---\nUkraine exported grain through the corridor.",
    )
    .unwrap();
    gazette(t.path()).args(["index", "news", "--index", "idx", "--quiet"]).assert().code(0);
    t
}

#[test]
fn fresh_clone_bootstrap_indexes_the_sample_first() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &t.path().join("corpus-sample"));
    gazette(t.path())
        .args(["search", "cyber attacks"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("indexing corpus-sample/ first"))
        .stdout(predicate::str::contains("China cyber attacks"))
        .stdout(predicate::str::contains("STATE DEPARTMENT").not());
    assert!(t.path().join(".gazette-index/meta.json").is_file());
    // Second run: the index exists, no bootstrap message.
    gazette(t.path()).args(["search", "cyber attacks"]).assert().code(0).stderr(predicate::str::is_empty());
}

#[test]
fn search_exit_codes() {
    let t = indexed();
    gazette(t.path()).args(["search", "cyber", "-i", "idx"]).assert().code(0);
    gazette(t.path())
        .args(["search", "zanzibar", "-i", "idx"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 hits"));
    gazette(t.path())
        .args(["search", "\"cyber attacks", "-i", "idx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("query syntax error at character 1: unclosed quote"));
}

#[test]
fn no_index_is_a_one_line_error_naming_the_directory_and_the_fix() {
    let t = tempfile::tempdir().unwrap();
    let out = gazette(t.path()).args(["search", "x", "--index", "missing"]).assert().code(2).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no index at missing") && stderr.contains("gazette index PATH... --index missing"),
        "{stderr}"
    );
    // Without corpus-sample/ here, the default location is not bootstrapped either.
    gazette(t.path())
        .args(["search", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no index at .gazette-index"));
}

#[test]
fn json_output_structure() {
    let t = indexed();
    let out = gazette(t.path())
        .args(["search", "cyber attacks", "-i", "idx", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["query"], "cyber attacks");
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], "news/a.txt");
    assert_eq!(hit["rank"], 1);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert_eq!(hit["title"]["text"], "China cyber attacks");
    assert_eq!(hit["title"]["highlights"], serde_json::json!([[6, 19]]));
    assert!(hit["path"].as_str().unwrap().ends_with("a.txt"));
    let p = &hit["passages"][0];
    let text = p["text"].as_str().unwrap();
    let (s, e) = (p["highlights"][0][0].as_u64().unwrap() as usize, p["highlights"][0][1].as_u64().unwrap() as usize);
    assert_eq!(text.chars().skip(s).take(e - s).collect::<String>(), "cyber attacks");
    for key in ["date", "source", "url"] {
        assert!(hit.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn index_reports_bad_files_and_exits_1_but_indexes_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let news = t.path().join("news");
    fs::create_dir_all(&news).unwrap();
    fs::write(news.join("good.txt"), "Good\n\nText.").unwrap();
    fs::write(news.join("feed.jsonl"), "{\"title\":\"A\",\"body\":\"x\"}\n{oops\n").unwrap();
    fs::write(news.join("empty.txt"), "").unwrap();
    let a = gazette(t.path()).args(["index", "news", "-i", "idx"]).assert().code(1);
    let out = a.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("feed.jsonl:2: invalid JSON"), "{stderr}");
    assert!(stderr.contains("empty.txt: empty file"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("indexed 2 documents"), "{stdout}");
    assert!(stdout.contains("problems: 1 file failed, 1 warning (listed on stderr)"), "{stdout}");
    gazette(t.path()).args(["search", "text", "-i", "idx"]).assert().code(0);
}

#[test]
fn index_json_report_dry_run_and_stats() {
    let t = indexed();
    fs::write(t.path().join("news/c.txt"), "New one\n\nMore text.").unwrap();
    let out = gazette(t.path())
        .args(["index", "news", "-i", "idx", "--dry-run", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["added"], 1);
    assert_eq!(v["unchanged"], 2);
    assert!(v["plan"]["add"][0].as_str().unwrap().ends_with("c.txt"));
    // The dry run changed nothing.
    gazette(t.path()).args(["search", "more", "-i", "idx"]).assert().code(1);
    gazette(t.path())
        .args(["stats", "-i", "idx"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("documents:      2"))
        .stdout(predicate::str::contains("schema version:"))
        .stdout(predicate::str::contains("last run:       2 added"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    let t = indexed();
    // Enough output to fill a pipe's buffer (64 KiB), so that the writer meets the closed pipe.
    for i in 0..300 {
        fs::write(t.path().join(format!("news/n{i}.txt")), format!("Cyber {i}\n\nCyber news number {i}.")).unwrap();
    }
    gazette(t.path()).args(["index", "news", "-i", "idx", "-q"]).assert().code(0);
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' search cyber -i idx -n 40 | head -1", bin.display()))
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no broken-pipe message");
    // JSON output too (it is written through serde_json, which wraps the pipe's error).
    for args in ["search cyber -i idx -n 300 --json", "search cyber -i idx -n 300 --format json"] {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail; '{}' {args} | head -c 10", bin.display()))
            .current_dir(t.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args}: {:?}", out.status);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args}: no broken-pipe message");
    }
}

#[test]
fn colors_only_when_asked_or_on_a_terminal() {
    let t = indexed();
    gazette(t.path()).args(["search", "cyber", "-i", "idx"]).assert().stdout(predicate::str::contains("\x1b[").not());
    gazette(t.path())
        .args(["search", "cyber", "-i", "idx", "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\x1b[1;33mcyber\x1b[0m"));
}

#[test]
fn schema_mismatch_message_and_full_rebuild() {
    let t = indexed();
    let meta = t.path().join("idx/meta.json");
    let text = fs::read_to_string(&meta).unwrap();
    fs::write(&meta, text.replace("gazette_schema\\\":", "gazette_schema\\\":9")).unwrap();
    gazette(t.path())
        .args(["search", "cyber", "-i", "idx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rebuild it with `gazette index PATH... --index idx --full`"));
    gazette(t.path()).args(["index", "news", "-i", "idx", "--full", "-q"]).assert().code(0);
    gazette(t.path()).args(["search", "cyber", "-i", "idx"]).assert().code(0);
}

#[test]
fn facet_filters_facets_show_and_enrich_commands() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &t.path().join("corpus-sample"));
    gazette(t.path()).args(["index", "corpus-sample", "-i", "idx", "-q"]).assert().code(0);
    gazette(t.path())
        .args(["search", "cyber", "-i", "idx", "--country", "China", "--topic", "International Affairs"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("China cyber attacks"))
        .stdout(predicate::str::contains("countries: "));
    // A country no vocabulary knows could match nothing: an error naming it, exit code 2.
    gazette(t.path()).args(["search", "cyber", "-i", "idx", "--country", "Chna"]).assert().code(2).stderr(
        predicate::str::contains("invalid country \"Chna\"").and(predicate::str::contains("did you mean \"China\"?")),
    );
    // Known but absent from the results: no hits, exit code 1.
    gazette(t.path())
        .args(["search", "cyber", "-i", "idx", "--country", "Fiji", "--country", "Chad", "--from", "2015"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 hits for \"cyber\" with country Fiji or Chad, from 2015\n"));
    gazette(t.path())
        .args(["facets", "country", "-i", "idx", "-n", "3"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Asia ("))
        .stdout(predicate::str::contains("\n  Eastern Asia ("))
        .stdout(predicate::str::contains("\n    China ("));
    gazette(t.path())
        .args(["show", "corpus-sample/china-cyber-attacks.txt", "-i", "idx"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("RAND Corporation [/organization/RAND Corporation]"))
        .stdout(predicate::str::contains("employer of Scott Harold"));
    gazette(t.path())
        .args(["show", "nope", "-i", "idx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document with id \"nope\""));
    let out = gazette(t.path())
        .args(["enrich", "corpus-sample/china-cyber-attacks.txt", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // A file given on its own is its own root: its id is its name.
    assert_eq!(v["id"], "china-cyber-attacks.txt");
    assert_eq!(v["countries"]["central"], serde_json::json!(["China", "United States"]));
    assert!(v["persons"]["central"].as_array().unwrap().contains(&serde_json::json!("Wang Qun")));
    assert_eq!(v["topics"][0]["name"], "International Affairs");
    assert!(v["topics"][0]["subtopics"].as_array().unwrap().contains(&serde_json::json!("cybersecurity")));
    let json =
        gazette(t.path()).args(["search", "cyber", "-i", "idx", "--json"]).assert().code(0).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(v["facets"]["country"].as_array().unwrap().iter().any(|c| c["value"] == "China"));
}

#[test]
fn csv_and_html_output_escape_what_they_must() {
    let t = tempfile::tempdir().unwrap();
    let news = t.path().join("news");
    fs::create_dir_all(&news).unwrap();
    fs::write(
        news.join("x.txt"),
        "Tariffs, \"quoted\" <script>alert(1)</script>\n\nThe <script>alert('x')</script> tariffs & quotas rose.",
    )
    .unwrap();
    gazette(t.path()).args(["index", "news", "--index", "idx", "--quiet"]).assert().success();
    let out = gazette(t.path()).args(["search", "tariffs", "--index", "idx", "--format", "csv"]).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("rank,id,date,source,title,url,score,passage"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("1,news/x.txt,,,\"Tariffs, \"\"quoted\"\" <script>alert(1)</script>\",,"), "{row}");
    let out = gazette(t.path()).args(["search", "tariffs", "--index", "idx", "--format", "html"]).output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("<mark>Tariffs</mark>, &quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>tariffs</mark> &amp; quotas"),
        "{html}"
    );
}

/// Every subcommand a user can type; the completion scripts and the man page must know them all.
const SUBCOMMANDS: [&str; 9] =
    ["index", "search", "timeline", "facets", "show", "enrich", "stats", "completions", "man"];

#[test]
fn completions_for_each_shell_know_every_subcommand_and_flag() {
    let t = tempfile::tempdir().unwrap();
    // (shell, what only that shell's script says, how it spells the `--country` option)
    let cases = [
        ("bash", "complete -F _gazette", "--country"),
        ("zsh", "#compdef gazette", "'*--country=["),
        ("fish", "complete -c gazette", "-l country"),
        ("powershell", "Register-ArgumentCompleter -Native -CommandName 'gazette'", "'--country'"),
    ];
    for (shell, marker, country) in cases {
        let out = gazette(t.path()).args(["completions", shell]).assert().code(0).get_output().clone();
        assert!(out.stderr.is_empty(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker:?} in\n{script}");
        assert!(script.contains(country), "{shell}: no {country:?} in\n{script}");
        // The possible values of `--sort` are completed too, the hyphenated one included.
        assert!(script.contains("-date"), "{shell}: no -date in\n{script}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no {sub:?} in\n{script}");
        }
    }
    gazette(t.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn man_page_is_roff_with_a_page_per_subcommand() {
    let t = tempfile::tempdir().unwrap();
    let out = gazette(t.path()).arg("man").assert().code(0).get_output().clone();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let man = String::from_utf8(out.stdout).unwrap();
    // The roff crate opens with two lines defining the apostrophe string (`.ie`/`.el`);
    // the first request after them is the top page's title header.
    let first = man.lines().find(|l| !l.starts_with(".ie ") && !l.starts_with(".el ")).unwrap();
    assert!(first.starts_with(".TH gazette 1 "), "{first}");
    for sub in SUBCOMMANDS {
        // Listed on the top page, and a page of its own with its usage line.
        assert!(man.contains(&format!("gazette\\-{sub}(1)")), "{sub} not listed");
        assert!(man.contains(&format!("\n.TH gazette-{sub} 1 ")), "no page for {sub}");
        assert!(man.contains(&format!("\\fBgazette {sub}\\fR")), "no synopsis for {sub}");
    }
    assert!(!man.contains(".TH gazette-help"), "clap's help subcommand needs no page");
    for flag in ["\\-\\-country", "\\-\\-sort", "\\-date", "\\-\\-dry\\-run", "\\-\\-by", "GAZETTE_INDEX"] {
        assert!(man.contains(flag), "{flag} missing");
    }
}

/// Issue "hardening": several words after `search` are one query, as if quoted, and a query
/// may begin with `-` (everything but...), with flags before or after it.
#[test]
fn a_query_may_be_several_words_or_begin_with_a_dash() {
    let t = indexed();
    let search = |args: &[&str]| -> serde_json::Value {
        let out = gazette(t.path()).arg("search").args(args).arg("--json").output().unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let quoted = search(&["cyber attacks", "-i", "idx"]);
    for args in
        [&["cyber", "attacks", "-i", "idx"][..], &["-i", "idx", "cyber", "attacks"], &["cyber", "-i", "idx", "attacks"]]
    {
        let r = search(args);
        assert_eq!(r["query"], "cyber attacks", "{args:?}");
        assert_eq!(r["total"], quoted["total"], "{args:?}");
    }
    let all = search(&["*", "-i", "idx"])["total"].as_u64().unwrap();
    let cyber = search(&["cyber", "-i", "idx"])["total"].as_u64().unwrap();
    assert!(cyber > 0 && cyber < all, "{cyber} of {all}");
    for args in [&["-cyber", "-i", "idx"][..], &["-i", "idx", "-cyber"]] {
        let r = search(args);
        assert_eq!(r["query"], "-cyber", "{args:?}");
        assert_eq!(r["total"].as_u64().unwrap(), all - cyber, "{args:?}");
    }
}

/// Issue "hardening": `--explain --json` is one JSON document, the clauses in its `explain`.
#[test]
fn explain_with_json_is_one_json_document() {
    let t = indexed();
    let out =
        gazette(t.path()).args(["search", "cyber OR tariffs", "-i", "idx", "--explain", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["query"], "cyber OR tariffs");
    let clauses = v["explain"].as_array().unwrap();
    assert_eq!(
        clauses.iter().map(|c| c["clause"].as_str().unwrap()).collect::<Vec<_>>(),
        ["cyber OR tariffs", "cyber", "tariffs"]
    );
    // Without --json, the table comes before the hits, as before.
    let text = gazette(t.path()).args(["search", "cyber", "-i", "idx", "--explain"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("cyber"));
}

/// Issue "hardening": a query can come from a file or from standard input.
#[test]
fn a_query_can_be_read_from_a_file_or_standard_input() {
    let t = indexed();
    let query = "cyber OR \"state behavior\"\n";
    fs::write(t.path().join("q.txt"), query).unwrap();
    let run = |cmd: &mut Command| -> serde_json::Value {
        let out = cmd.output().unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let direct = run(gazette(t.path()).args(["search", query.trim(), "-i", "idx", "--json"]));
    let file = run(gazette(t.path()).args(["search", "--query-file", "q.txt", "-i", "idx", "--json"]));
    let mut child = gazette(t.path())
        .args(["search", "--query-file", "-", "-i", "idx", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), query.as_bytes()).unwrap();
    drop(child.stdin.take());
    let stdin: serde_json::Value = serde_json::from_slice(&child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(direct["query"], "cyber OR \"state behavior\"");
    assert_eq!(file, direct);
    assert_eq!(stdin, direct);
    gazette(t.path())
        .args(["search", "--query-file", "missing.txt", "-i", "idx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
}

/// Issue "hardening": flags mean one thing across commands. Every command that prints JSON
/// takes both `--json` and `--format json`, with the same output; `-q` is `--quiet`
/// wherever it exists (search: nothing printed, the exit status says whether anything
/// matched).
#[test]
fn json_format_and_quiet_flags_mean_the_same_everywhere() {
    let t = indexed();
    let commands: &[&[&str]] = &[
        &["search", "cyber", "-i", "idx"],
        &["timeline", "grain", "-i", "idx", "--by", "year"],
        &["facets", "country", "-i", "idx"],
        &["show", "news/a.txt", "-i", "idx"],
        &["stats", "-i", "idx"],
        &["enrich", "news/a.txt"],
        &["index", "news", "-i", "idx"],
    ];
    let run = |args: &[&str], extra: &[&str]| {
        let out = gazette(t.path()).args(args).args(extra).output().unwrap();
        assert!(out.status.success(), "{args:?} {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    // Times and sizes differ between two runs; the fields do not.
    let shape = |bytes: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(bytes);
        let first = text.lines().next().unwrap_or("").to_string();
        let v: serde_json::Value = serde_json::from_str(&first)
            .or_else(|_| serde_json::from_str(&text))
            .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        match v {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            serde_json::Value::Array(a) => vec![format!("{} items", a.len())],
            other => vec![other.to_string()],
        }
    };
    for args in commands {
        let json = run(args, &["--json"]);
        let format = run(args, &["--format", "json"]);
        assert_eq!(shape(&json), shape(&format), "{args:?}");
        let text = run(args, &["--format", "text"]);
        assert!(serde_json::from_slice::<serde_json::Value>(&text).is_err(), "{args:?}: text is not JSON");
    }
    for (args, code) in
        [(&["search", "cyber", "-i", "idx", "-q"][..], 0), (&["search", "zzzzqx", "-i", "idx", "-q"], 1)]
    {
        let out = gazette(t.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{args:?} printed something");
    }
    let out = gazette(t.path()).args(["index", "news", "-i", "idx", "-q"]).output().unwrap();
    assert!(out.status.success() && out.stdout.is_empty(), "index -q");
}
