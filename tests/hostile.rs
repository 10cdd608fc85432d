//! A hostile-input corpus as a test (issue "hardening"): a generator writes, beside good
//! articles, the kinds of files a nightly job meets (cut, byte-flipped, NUL-laden, UTF-16,
//! lying about their charset, a very long line, broken JSON Lines, an empty array, a
//! directory named like a file, a symbolic link loop, a pipe), sizes scaled down so the suite
//! stays fast. The run must finish, every good document must land, every bad file must be
//! named, and the exit code must be 1.

use std::fs;
use std::path::Path;
use std::process::Command;

use gazette::{Index, SearchRequest};

const GOOD: usize = 40;

fn write_corpus(dir: &Path) -> Vec<&'static str> {
    fs::create_dir_all(dir.join("good")).unwrap();
    for i in 0..GOOD {
        fs::write(
            dir.join(format!("good/article-{i:02}.txt")),
            format!("Report {i}\n\nGENEVA — Delegates met for round {i} of talks, marker{i}x."),
        )
        .unwrap();
    }
    let html = "<html><head><title>Talks</title></head><body><article><p>Delegates met.</p></article></body></html>";
    let mut bad: Vec<(&'static str, Vec<u8>)> = vec![
        ("bad/cut.html", html.as_bytes()[..40].to_vec()),
        ("bad/nul.txt", b"\0\0\0\0binary\0\0\x01\x02".to_vec()),
        ("bad/empty.json", b"[]".to_vec()),
        ("bad/broken.json", b"{\"title\": \"x\", ".to_vec()),
        ("bad/lines.jsonl", b"{\"title\": \"ok\", \"body\": \"fine\"}\n{not json}\n".to_vec()),
        ("bad/latin1.txt", b"Caf\xe9 talks\n\nThe caf\xe9 hosted talks.".to_vec()),
        ("bad/lying.html", b"<html><head><meta charset=\"utf-8\"><title>Caf\xe9</title></head><body><p>Caf\xe9 talks.</p></body></html>".to_vec()),
        ("bad/blank.md", b"   \n\n  ".to_vec()),
    ];
    // A byte-flipped copy of a good article, and one line of 2 MB.
    let mut flipped = format!("Report x\n\nGENEVA — Delegates met, {}.", "word ".repeat(200)).into_bytes();
    for i in (0..flipped.len()).step_by(37) {
        flipped[i] = 0xff;
    }
    bad.push(("bad/flipped.txt", flipped));
    bad.push(("bad/long-line.txt", format!("Long\n\n{}", "x".repeat(2 << 20)).into_bytes()));
    // Nested 20,000 deep: the HTML parser's time grows with the square of the depth.
    let deep = format!(
        "<html><title>Deep</title><body>{}deepword{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    bad.push(("bad/deep.html", deep.into_bytes()));
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend("Memo\n\nTalks in Geneva.".encode_utf16().flat_map(u16::to_le_bytes));
    bad.push(("bad/utf16.txt", utf16));
    for (name, bytes) in &bad {
        fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        fs::write(dir.join(name), bytes).unwrap();
    }
    fs::create_dir_all(dir.join("bad/folder.html")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b", dir.join("bad/loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.join("bad/loop-b")).unwrap();
        assert!(Command::new("mkfifo").arg(dir.join("bad/pipe.txt")).status().unwrap().success());
    }
    // The files that must be named on stderr. The others are read without a problem (UTF-16
    // with its mark), or skipped and counted (NUL bytes: binary; the folder; the pipe).
    vec![
        "loop-a", "loop-b", "cut.html", "empty.json", "broken.json", "lines.jsonl", "latin1.txt", "lying.html",
        "blank.md", "flipped.txt",
    ]
}

#[test]
fn a_hostile_corpus_is_indexed_with_every_bad_file_named() {
    let t = tempfile::tempdir().unwrap();
    let corpus = t.path().join("corpus");
    let named = write_corpus(&corpus);
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let out = Command::new(&bin)
        .args(["index", "corpus", "--index", "idx", "--json", "-L"])
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for name in named {
        assert!(stderr.lines().any(|l| l.contains(name)), "{name} not named:\n{stderr}");
    }
    // Each problem is one line naming a file of the corpus.
    for line in stderr.lines() {
        assert!(line.starts_with("gazette: ") && line.contains("corpus/"), "{line}");
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["skipped"]["binary"], 1, "{report}");
    #[cfg(unix)]
    assert_eq!(report["skipped"]["not a regular file"], 1, "{report}");
    let index = Index::open(t.path().join("idx")).unwrap();
    for i in 0..GOOD {
        let hits = index.search(&SearchRequest::new(format!("marker{i}x"))).unwrap();
        assert_eq!(hits.total, 1, "article {i}");
    }
    // The readable parts of the bad files landed too.
    for word in ["cafe OR café", "memo", "fine", "deepword"] {
        assert!(index.search(&SearchRequest::new(word)).unwrap().total > 0, "{word}");
    }
    // A rerun with nothing changed reads nothing and reports the same problems again.
    let again =
        Command::new(&bin).args(["index", "corpus", "--index", "idx", "--quiet", "-L"]).current_dir(t.path()).output();
    assert_eq!(again.unwrap().status.code(), Some(1));
}
