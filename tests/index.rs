//! Index-then-search integration tests on temporary folders.

use std::fs;
use std::path::Path;

use gazette::{Document, Error, Index, ReindexOptions, SearchRequest};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A temporary folder holding the root `news`, whose name begins every id made from a path.
fn news() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    fs::create_dir(&root).unwrap();
    (dir, root)
}

fn ids(index: &Index, q: &str) -> Vec<String> {
    let r = index.search(&SearchRequest::new(q).limit(100)).unwrap();
    let mut ids: Vec<String> = r.hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

/// Bumps the modification time, so that a rewrite within the same clock tick is noticed.
fn touch_later(path: &Path) {
    let f = fs::File::options().write(true).open(path).unwrap();
    let t = f.metadata().unwrap().modified().unwrap() + std::time::Duration::from_secs(5);
    f.set_modified(t).unwrap();
}

#[test]
fn reindexing_replaces_by_id_and_removes_vanished_files() {
    let (_corpus, root) = news();
    let idx_dir = tempfile::tempdir().unwrap();
    let root = &*root;
    write(root, "a.txt", "Sanctions on Iran\n\nWASHINGTON — The Treasury announced sanctions.");
    write(root, "sub/b.md", "---\ntitle: Grain deal\n---\nUkraine exports grain.");
    write(
        root,
        "feed.jsonl",
        "{\"title\":\"One\",\"body\":\"alpha record\"}\n{\"title\":\"Two\",\"body\":\"beta record\"}\n",
    );
    let index = Index::create(idx_dir.path()).unwrap();
    let opts = ReindexOptions::new([root]);

    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.added, r.updated, r.removed, r.unchanged, r.documents_indexed), (3, 0, 0, 0, 4));
    assert_eq!(index.num_docs(), 4);
    assert_eq!(ids(&index, "record"), ["news/feed.jsonl#1", "news/feed.jsonl#2"]);

    // Same files again: nothing read, nothing duplicated.
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.documents_indexed), (0, 0, 3, 0));
    assert_eq!(index.num_docs(), 4);

    // A changed file replaces its documents; a record that disappeared from it goes too.
    write(root, "feed.jsonl", "{\"title\":\"One\",\"body\":\"gamma record\"}\n");
    touch_later(&root.join("feed.jsonl"));
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.updated, r.unchanged, r.documents_indexed), (1, 2, 1));
    assert_eq!(index.num_docs(), 3);
    assert_eq!(ids(&index, "gamma"), ["news/feed.jsonl#1"]);
    assert!(ids(&index, "alpha").is_empty());
    assert!(ids(&index, "beta").is_empty());

    // A touched file with the same bytes is not reindexed.
    touch_later(&root.join("a.txt"));
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.updated, r.unchanged, r.documents_indexed), (0, 3, 0));

    // A vanished file loses its documents.
    fs::remove_file(root.join("sub/b.md")).unwrap();
    let r = index.reindex(&opts).unwrap();
    assert_eq!(r.removed, 1);
    assert_eq!(index.num_docs(), 2);
    assert!(ids(&index, "grain").is_empty());
    assert_eq!(index.manifest().unwrap().files.len(), 2);

    // The index reopens with its manifest.
    drop(index);
    let index = Index::open(idx_dir.path()).unwrap();
    assert_eq!(index.num_docs(), 2);
    assert_eq!(index.manifest().unwrap().files.len(), 2);
}

#[test]
fn a_missing_root_removes_nothing() {
    let corpus = tempfile::tempdir().unwrap();
    let idx_dir = tempfile::tempdir().unwrap();
    let root = corpus.path().join("news");
    write(&root, "a.txt", "Title\n\nBody text.");
    let index = Index::create(idx_dir.path()).unwrap();
    index.reindex(&ReindexOptions::new([&root])).unwrap();
    fs::rename(&root, corpus.path().join("moved")).unwrap();
    let r = index.reindex(&ReindexOptions::new([&root])).unwrap();
    assert_eq!(r.removed, 0);
    assert_eq!(r.failed.len(), 1);
    assert!(r.failed[0].path.ends_with("news"), "{}", r.failed[0]);
    assert_eq!(index.num_docs(), 1);
}

#[test]
fn bad_files_do_not_stop_the_batch_nor_lose_documents() {
    let (_corpus, root) = news();
    let root = &*root;
    write(root, "good.txt", "Good\n\nFine text.");
    write(root, "empty.txt", "");
    write(root, "bad.json", "{\"title\": ");
    write(root, "feed.jsonl", "{\"title\":\"A\",\"body\":\"x\"}\nnot json\n");
    write(root, "scan.pdf", "%PDF-1.4");
    let index = Index::create_in_ram().unwrap();
    let r = index.reindex(&ReindexOptions::new([root])).unwrap();
    assert_eq!(r.documents_indexed, 2);
    assert_eq!(r.failed.len(), 2, "{:?}", r.failed);
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].line, Some(2));
    assert_eq!(r.skipped.get("unsupported format"), Some(&1));
    assert_eq!(r.problem_count(), 3);

    // A file that was good and turns bad keeps its previous documents.
    write(root, "good.txt", "");
    let r = index.reindex(&ReindexOptions::new([root])).unwrap();
    assert!(r.failed.iter().any(|f| f.path.ends_with("good.txt")));
    assert_eq!(ids(&index, "fine"), ["news/good.txt"]);
}

#[test]
fn documents_added_by_hand_are_replaced_by_id() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    w.add(&Document::new("x", "First version", "old text")).unwrap();
    w.commit().unwrap();
    w.add(&Document::new("x", "Second version", "new text")).unwrap();
    w.commit().unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(index.get("x").unwrap().document.title, "Second version");
    w.delete("x");
    w.commit().unwrap();
    assert!(matches!(index.get("x"), Err(Error::DocumentNotFound { .. })));
}

#[test]
fn schema_version_mismatch_is_refused_with_a_rebuild_hint() {
    let dir = tempfile::tempdir().unwrap();
    Index::create(dir.path()).unwrap();
    let meta = dir.path().join("meta.json");
    let text = fs::read_to_string(&meta).unwrap();
    let version = gazette::schema::version();
    let tampered = text.replace(&format!("gazette_schema\\\":{version}"), "gazette_schema\\\":999");
    assert_ne!(text, tampered, "payload format changed: {text}");
    fs::write(&meta, tampered).unwrap();
    match Index::open(dir.path()) {
        Err(e @ Error::SchemaMismatch { found: 999, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("rebuild") && !msg.contains("--full"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    // --full (recreate) rebuilds it.
    let index = Index::recreate(dir.path()).unwrap();
    assert_eq!(index.num_docs(), 0);
    Index::open(dir.path()).unwrap();
}

#[test]
fn missing_index_and_locked_index_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let err = Index::open(&missing).unwrap_err();
    assert!(matches!(err, Error::IndexNotFound { .. }));
    assert!(err.to_string().contains("nothing-here"), "{err}");
    // The library names no command: the CLI adds what to run (tests/cli.rs).
    assert!(!err.to_string().contains("gazette index"), "{err}");

    let index = Index::create(dir.path().join("idx")).unwrap();
    let _w = index.writer().unwrap();
    let other = Index::open(dir.path().join("idx")).unwrap();
    let err = other.writer().err().expect("second writer must fail");
    assert!(matches!(err, Error::IndexLocked { .. }), "{err}");
    assert!(err.to_string().contains("locked"));
    // Searching works while the writer is held.
    assert_eq!(other.search(&SearchRequest::new("anything")).unwrap().total, 0);
}

#[test]
fn search_paging_any_and_errors() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    for i in 0..5 {
        w.add(&Document::new(format!("d{i}"), format!("Report {i}"), "nuclear talks with Iran")).unwrap();
    }
    w.add(&Document::new("other", "Trade", "tariffs on steel")).unwrap();
    w.commit().unwrap();
    let r = index.search(&SearchRequest::new("nuclear").limit(2).offset(2)).unwrap();
    assert_eq!(r.total, 5);
    assert_eq!(r.hits.iter().map(|h| h.rank).collect::<Vec<_>>(), [3, 4]);
    let all = SearchRequest::new("nuclear tariffs").matching(gazette::query::Matching::All);
    assert_eq!(index.search(&all).unwrap().total, 0);
    // The default, `most`: both kinds of document, none with both words.
    assert_eq!(index.search(&SearchRequest::new("nuclear tariffs")).unwrap().total, 6);
    assert_eq!(index.search(&SearchRequest::new("nuclear tariffs").match_any(true)).unwrap().total, 6);
    assert_eq!(index.search(&SearchRequest::new("-nuclear")).unwrap().total, 1);
    assert_eq!(index.search(&SearchRequest::new("")).unwrap().total, 6);
    let err = index.search(&SearchRequest::new("nuclear AND (iran")).unwrap_err();
    assert!(matches!(err, Error::QuerySyntax { position: 12, .. }), "{err}");
    assert!(err.to_string().contains("character 13"), "{err}");
}

/// The manifest files of an index folder: (snapshots, logs).
fn manifest_files(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gazette-manifest-"))
        .collect();
    names.sort();
    let (snapshots, logs) = names.into_iter().partition(|n| n.ends_with(".json"));
    (snapshots, logs)
}

#[test]
fn commits_append_to_the_manifest_log_and_uncommitted_bytes_are_ignored() {
    let (_corpus, root) = news();
    let idx_dir = tempfile::tempdir().unwrap();
    let root = &*root;
    for i in 0..5 {
        write(root, &format!("f{i}.txt"), &format!("Title {i}\n\nBody number {i}."));
    }
    let index = Index::create(idx_dir.path()).unwrap();
    let opts = ReindexOptions::new([root]);
    index.reindex(&opts).unwrap();
    let (snapshots, logs) = manifest_files(idx_dir.path());
    assert_eq!((snapshots.len(), logs.len()), (1, 1));
    let snapshot_bytes = fs::read(idx_dir.path().join(&snapshots[0])).unwrap();
    let log_lines = |log: &Path| fs::read_to_string(log).unwrap().lines().count();
    let lines_before = log_lines(&idx_dir.path().join(&logs[0]));

    // A change and a removal: the snapshot stays as it was, the log records them.
    write(root, "f1.txt", "Title one\n\nA longer body for number one.");
    touch_later(&root.join("f1.txt"));
    fs::remove_file(root.join("f2.txt")).unwrap();
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.updated, r.removed), (1, 1));
    let (snapshots_after, logs) = manifest_files(idx_dir.path());
    assert_eq!(snapshots_after, snapshots);
    assert_eq!(fs::read(idx_dir.path().join(&snapshots[0])).unwrap(), snapshot_bytes);
    assert_eq!(logs.len(), 1);
    let log = idx_dir.path().join(&logs[0]);
    assert_eq!(log_lines(&log), lines_before + 2, "one record per changed file");

    // Bytes a crashed run appended without committing are not part of the manifest.
    let committed = index.manifest().unwrap();
    assert_eq!(committed.files.len(), 4);
    let mut f = fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut f, b"{\"path\":\"/nowhere\",\"entry\":null}\n{\"garbage").unwrap();
    drop(f);
    let reopened = Index::open(idx_dir.path()).unwrap();
    assert_eq!(reopened.manifest().unwrap(), committed);
    // ... and the next commit cuts them off before appending.
    drop(index);
    let r = reopened.reindex(&opts).unwrap();
    assert_eq!(r.unchanged, 4);
    assert!(!fs::read_to_string(&log).unwrap().contains("garbage"));
    assert_eq!(reopened.manifest().unwrap().files.len(), 4);
}

#[test]
fn big_json_lines_files_are_streamed_with_the_same_result() {
    let (_corpus, root) = news();
    let root = &*root;
    let mut lines = String::new();
    for i in 0..5000 {
        lines.push_str(&format!("{{\"title\":\"Report {i}\",\"body\":\"Ministers met in Geneva, item {i}.\"}}\n"));
        if i == 10 {
            lines.push_str("{not json\n\n");
        }
    }
    write(root, "feed.jsonl", &lines);
    let (dir_w, dir_s) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let whole = Index::create(dir_w.path()).unwrap();
    let rw = whole.reindex(&ReindexOptions::new([root])).unwrap();
    let streamed = Index::create(dir_s.path()).unwrap();
    let opts = ReindexOptions { stream_above: 1, commit_every: 1000, ..ReindexOptions::new([root]) };
    let rs = streamed.reindex(&opts).unwrap();
    assert_eq!((rs.added, rs.documents_indexed), (rw.added, rw.documents_indexed));
    assert_eq!(rs.documents_indexed, 5000);
    assert!(rs.commits > 1, "periodic commits inside the file: {}", rs.commits);
    let warn =
        |r: &gazette::ReindexReport| r.warnings.iter().map(|w| (w.line, w.problem.to_string())).collect::<Vec<_>>();
    assert_eq!(warn(&rs), warn(&rw));
    assert_eq!(warn(&rs)[0].0, Some(12));
    assert_eq!(ids(&streamed, "\"item 4999\""), ids(&whole, "\"item 4999\""));
    assert_eq!(
        streamed.get("news/feed.jsonl#4000").unwrap().document.title,
        whole.get("news/feed.jsonl#4000").unwrap().document.title
    );
    let entry = |i: &Index| i.manifest().unwrap().files.into_values().next().unwrap();
    assert_eq!(entry(&streamed), entry(&whole));
    // The commits inside the file logged only the ids each added, then the whole entry.
    let (_, logs) = manifest_files(dir_s.path());
    let log = fs::read_to_string(dir_s.path().join(&logs[0])).unwrap();
    let extends: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["change"].get("extend").is_some())
        .collect();
    assert!(extends.len() >= 2, "{log}");
    let logged: usize = extends.iter().map(|v| v["change"]["extend"]["ids"].as_array().unwrap().len()).sum();
    assert!(logged < 5000, "no id logged twice: {logged}");
    // Unchanged: the rerun reads it once to hash it, and indexes nothing.
    let again = streamed.reindex(&opts).unwrap();
    assert_eq!((again.unchanged, again.documents_indexed), (1, 0));
}

#[test]
fn a_big_utf16_json_lines_file_is_read_whole_not_streamed() {
    let (_corpus, root) = news();
    let lines: String =
        (0..50).map(|i| format!("{{\"title\":\"T{i}\",\"body\":\"Talks in Genève, day {i}.\"}}\r\n")).collect();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(lines.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(root.as_path().join("feed.jsonl"), bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = Index::create(dir.path()).unwrap();
    let r = index.reindex(&ReindexOptions { stream_above: 1, ..ReindexOptions::new([root.as_path()]) }).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!((r.added, r.documents_indexed), (1, 50));
    assert_eq!(index.get("news/feed.jsonl#50").unwrap().document.body, "Talks in Genève, day 49.");
}

#[test]
fn a_utf8_byte_order_mark_does_not_cost_a_streamed_file_its_first_record() {
    let (_corpus, root) = news();
    let lines: String = (0..20).map(|i| format!("{{\"title\":\"T{i}\",\"body\":\"Day {i}.\"}}\n")).collect();
    fs::write(root.as_path().join("feed.jsonl"), format!("\u{feff}{lines}")).unwrap();
    for stream_above in [1, 0] {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::create(dir.path()).unwrap();
        let r = index.reindex(&ReindexOptions { stream_above, ..ReindexOptions::new([root.as_path()]) }).unwrap();
        assert!(r.warnings.is_empty(), "stream above {stream_above}: {:?}", r.warnings);
        assert_eq!(index.get("news/feed.jsonl#1").unwrap().document.title, "T0");
    }
}

#[test]
fn a_streamed_file_cut_short_is_forgotten_and_indexed_by_the_next_run() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_corpus, root) = news();
    let idx_dir = tempfile::tempdir().unwrap();
    let root = &*root;
    let lines: String = (0..6000).map(|i| format!("{{\"title\":\"T{i}\",\"body\":\"Body {i}.\"}}\n")).collect();
    write(root, "feed.jsonl", &lines);
    let index = Index::create(idx_dir.path()).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let opts = ReindexOptions {
        stream_above: 1,
        commit_every: 1000,
        cancel: Some(cancel.clone()),
        progress: Some(Arc::new(move |p: &gazette::index::Progress| {
            if p.documents > 0 {
                flag.store(true, Ordering::Relaxed);
            }
        })),
        ..ReindexOptions::new([root])
    };
    let r = index.reindex(&opts).unwrap();
    assert!(r.interrupted);
    assert_eq!(r.failed.len(), 1, "{:?}", r.failed);
    assert_eq!(r.failed[0].problem, gazette::FileProblem::Interrupted, "{}", r.failed[0]);
    // The manifest matches the index: nothing of the file in either.
    assert_eq!(index.num_docs(), 0);
    assert!(index.manifest().unwrap().files.is_empty());
    cancel.store(false, Ordering::Relaxed);
    let r = index.reindex(&ReindexOptions { stream_above: 1, ..ReindexOptions::new([root]) }).unwrap();
    assert_eq!((r.added, r.documents_indexed), (1, 6000));
    assert_eq!(index.num_docs(), 6000);
}

/// Found while writing the API examples: an index in memory kept no manifest, so every run
/// read and indexed every file again, and a deleted file kept its documents.
#[test]
fn an_index_in_memory_reindexes_incrementally_too() {
    let corpus = tempfile::tempdir().unwrap();
    write(corpus.path(), "a.txt", "Talks in Geneva\n\nTalks began.");
    write(corpus.path(), "b.txt", "Grain deal\n\nUkraine shipped wheat.");
    let index = Index::create_in_ram().unwrap();
    let opts = ReindexOptions::new([corpus.path()]);
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.added, r.documents_indexed), (2, 2));
    assert_eq!(index.manifest().unwrap().files.len(), 2);
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.added, r.unchanged, r.documents_indexed), (0, 2, 0));
    fs::remove_file(corpus.path().join("b.txt")).unwrap();
    let r = index.reindex(&opts).unwrap();
    assert_eq!((r.removed, r.unchanged), (1, 1));
    assert_eq!(index.num_docs(), 1);
}

/// Issue "hardening": ids made from paths begin with the root's name, so that the same
/// relative path under two roots makes two documents; two documents that would still take
/// one id (roots of the same name, an explicit id given twice) are reported, naming both
/// files, and the run goes on.
#[test]
fn documents_taking_one_id_are_reported_naming_both_files() {
    let t = tempfile::tempdir().unwrap();
    let roots = ["voa", "state", "mirror/voa"];
    for (root, text) in roots
        .iter()
        .zip(["VOA report\n\nUkraine shipped wheat.", "State report\n\nKenya grew tea.", "VOA copy\n\nA copy."])
    {
        std::fs::create_dir_all(t.path().join(root)).unwrap();
        std::fs::write(t.path().join(root).join("article.txt"), text).unwrap();
    }
    std::fs::write(
        t.path().join("voa/feed.jsonl"),
        "{\"id\": \"x-1\", \"title\": \"One\", \"body\": \"First.\"}\n{\"id\": \"x-1\", \"title\": \"Two\", \"body\": \"Second.\"}\n",
    )
    .unwrap();
    std::fs::write(t.path().join("voa/empty.json"), "[]").unwrap();
    let index = Index::create_in_ram().unwrap();
    let two_roots = ReindexOptions::new(roots[..2].iter().map(|r| t.path().join(r)));
    let report = index.reindex(&two_roots).unwrap();
    let duplicate = |report: &gazette::ReindexReport, name: &str| {
        report
            .warnings
            .iter()
            .find(|w| w.path.ends_with(name) && matches!(w.problem, gazette::FileProblem::DuplicateId { .. }))
            .cloned()
    };
    // The same name under two roots: two documents, no warning.
    assert!(duplicate(&report, "article.txt").is_none(), "{:?}", report.warnings);
    assert_eq!(index.get("voa/article.txt").unwrap().document.title, "VOA report");
    assert_eq!(index.get("state/article.txt").unwrap().document.title, "State report");
    let within = duplicate(&report, "voa/feed.jsonl").unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert!(within.to_string().contains("\"x-1\""), "{within}");
    // A file with no record at all fails with a reason, not an empty one.
    let empty = report.failed.iter().find(|f| f.path.ends_with("empty.json")).expect("[] fails");
    assert!(empty.to_string().ends_with("no documents in it"), "{empty}");
    // Nothing else was lost: the run indexed the rest.
    assert_eq!(index.num_docs(), 3);
    // A rerun with nothing changed reports nothing new.
    let again = index.reindex(&two_roots).unwrap();
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    // A third root of the same name as the first: its file would take the first one's id.
    let report = index.reindex(&ReindexOptions::new(roots.iter().map(|r| t.path().join(r)))).unwrap();
    let across = duplicate(&report, "mirror/voa/article.txt").unwrap_or_else(|| panic!("{:?}", report.warnings));
    let text = across.to_string();
    assert!(text.contains("\"voa/article.txt\""), "{text}");
    assert!(text.contains("mirror/voa/article.txt") && text.contains("/voa/article.txt"), "both files named: {text}");
}

/// Issue "hardening": an entry that is not a regular file (a named pipe) or a symbolic link
/// not followed is counted among the skipped, never silently left out; a pipe is never read
/// (which would block the run).
#[cfg(unix)]
#[test]
fn pipes_and_links_not_followed_are_counted_as_skipped() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.txt"), "Talks\n\nThey met.").unwrap();
    assert!(std::process::Command::new("mkfifo").arg(t.path().join("pipe.txt")).status().unwrap().success());
    std::os::unix::fs::symlink(t.path().join("a.txt"), t.path().join("link.txt")).unwrap();
    let index = Index::create_in_ram().unwrap();
    let report = index.reindex(&ReindexOptions::new([t.path()])).unwrap();
    assert_eq!(report.skipped.get("not a regular file"), Some(&1), "{:?}", report.skipped);
    assert_eq!(report.skipped.get("symbolic link, not followed"), Some(&1), "{:?}", report.skipped);
    assert_eq!(index.num_docs(), 1);
}

/// Issue "hardening": any file name the file system allows is indexed, and the manifest keeps
/// it losslessly, so that the next run sees the file as unchanged: a Latin-1 name (not UTF-8),
/// a name with a newline, one that starts with a dash, a 250-byte name.
#[cfg(unix)]
#[test]
fn any_file_name_is_indexed_and_seen_unchanged_by_the_next_run() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let news = t.path().join("news");
    std::fs::create_dir_all(&news).unwrap();
    let names: Vec<std::ffi::OsString> = vec![
        std::ffi::OsStr::from_bytes(b"caf\xe9 report.txt").to_os_string(),
        std::ffi::OsStr::from_bytes(b"caf\xe8 report.txt").to_os_string(),
        "two\nlines.txt".into(),
        "-dash.txt".into(),
        format!("{}.txt", "n".repeat(246)).into(),
    ];
    for (i, name) in names.iter().enumerate() {
        std::fs::write(news.join(name), format!("Report {i}\n\nTalks number marker{i}x.")).unwrap();
    }
    let dir = t.path().join("idx");
    let first = Index::create(&dir).unwrap().reindex(&ReindexOptions::new([&news])).unwrap();
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    assert_eq!(first.added, names.len());
    let index = Index::open(&dir).unwrap();
    for i in 0..names.len() {
        assert_eq!(index.search(&SearchRequest::new(format!("marker{i}x"))).unwrap().total, 1, "{i}");
    }
    let manifest: Vec<_> = index.manifest().unwrap().files.into_keys().collect();
    for name in &names {
        assert!(manifest.iter().any(|p| p.file_name() == Some(name.as_os_str())), "{name:?} kept as it is");
    }
    let again = index.reindex(&ReindexOptions::new([&news])).unwrap();
    assert_eq!((again.unchanged, again.added, again.updated), (names.len(), 0, 0), "{again:?}");
    assert!(again.failed.is_empty() && again.warnings.is_empty(), "{again:?}");
    // The JSON report shows such a name readably, problems and dry-run plans included.
    std::fs::write(news.join(&names[0]), b"Caf\xe9\n\nLatin-1 text.").unwrap();
    let dry = index.reindex(&ReindexOptions { dry_run: true, ..ReindexOptions::new([&news]) }).unwrap();
    let json = serde_json::to_string(&dry).unwrap();
    assert!(json.contains(r#"caf\\xE9 report.txt"#), "{json}");
    // Two names that differ only in bytes that are not UTF-8 are two ids, spelled readably.
    assert_eq!(index.get(r"news/caf\xE9 report.txt").unwrap().document.title, "Report 0");
    assert_eq!(index.get(r"news/caf\xE8 report.txt").unwrap().document.title, "Report 1");
}

/// Issue "hardening": the segment files of a run that stopped before its commit (killed, or a
/// full disk) are removed when the next writer opens, so that the room they took is back
/// before the next run needs it; what was committed stays.
#[test]
fn uncommitted_segment_files_go_when_the_next_writer_opens() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("idx");
    let index = Index::create(&dir).unwrap();
    let mut w = index.writer_with(15 << 20, 1).unwrap();
    w.add(&Document::new("kept", "Kept", "Committed text.")).unwrap();
    w.commit().unwrap();
    let files = || std::fs::read_dir(&dir).unwrap().count();
    let committed_files = files();
    // Enough text for the writer to flush segments of its own before any commit.
    let body = "tariffs talks grain wheat ".repeat(4000);
    for i in 0..400 {
        w.add_enriched(&Document::new(format!("d{i}"), "Bulk", body.clone()), &Default::default()).unwrap();
    }
    drop(w); // as a killed run: no commit
    let left = files();
    assert!(left > committed_files, "the writer flushed nothing ({left} files); write more");
    drop(index);
    let reopened = Index::open(&dir).unwrap();
    let w = reopened.writer().unwrap();
    assert!(files() < left, "{} files left of {left}", files());
    drop(w);
    drop(reopened);
    let index = Index::open(&dir).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(index.get("kept").unwrap().document.title, "Kept");
}

/// Issue "hardening": a file over the size limit of a run is that file's failure, named with
/// the limit; the rest of the batch is indexed.
#[test]
fn a_file_over_the_size_limit_is_its_own_failure() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("small.txt"), "Talks\n\nThey met.").unwrap();
    std::fs::write(t.path().join("big.txt"), format!("Big\n\n{}", "word ".repeat(1 << 20))).unwrap();
    let index = Index::create_in_ram().unwrap();
    let opts = ReindexOptions { max_file_bytes: 1 << 20, ..ReindexOptions::new([t.path()]) };
    let report = index.reindex(&opts).unwrap();
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert!(report.failed[0].path.ends_with("big.txt"));
    assert!(report.failed[0].to_string().contains("larger than 1 MiB"), "{}", report.failed[0]);
    assert_eq!(index.num_docs(), 1);
    // The default limit takes it.
    let report = index.reindex(&ReindexOptions::new([t.path()])).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(index.num_docs(), 2);
}

/// Issue "hardening": a record of a streamed JSON Lines file longer than the limit is skipped
/// with a warning naming its line, read past without being held; the other records land and
/// the file's hash covers every byte (a rerun sees it unchanged).
#[test]
fn an_overlong_json_lines_record_is_skipped_and_named() {
    let (_t, root) = news();
    let long = format!("{{\"title\": \"Long\", \"body\": \"{}\"}}", "x".repeat(gazette::load::MAX_RECORD_BYTES + 10));
    let text = format!(
        "{{\"title\": \"One\", \"body\": \"First marker1x.\"}}\n{long}\n{{\"title\": \"Three\", \"body\": \"Third marker3x.\"}}\n"
    );
    std::fs::write(root.join("feed.jsonl"), text).unwrap();
    let index = Index::create_in_ram().unwrap();
    let opts = ReindexOptions { stream_above: 1, ..ReindexOptions::new([&root]) };
    let report = index.reindex(&opts).unwrap();
    let w = report.warnings.iter().find(|w| matches!(w.problem, gazette::FileProblem::RecordTooLarge { .. }));
    let w = w.unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert_eq!(w.line, Some(2), "{w}");
    assert_eq!(index.num_docs(), 2);
    for q in ["marker1x", "marker3x"] {
        assert_eq!(index.search(&SearchRequest::new(q)).unwrap().total, 1, "{q}");
    }
    assert_eq!(index.get("news/feed.jsonl#3").unwrap().document.title, "Three");
    let again = index.reindex(&opts).unwrap();
    assert_eq!(again.unchanged, 1, "{again:?}");
}

/// Issue "real-world quality": `Matching::Most` ranks the documents with every word first,
/// then those missing one, and so on, BM25 within each group; a field term, a phrase, `+`
/// and `-` keep their strict meaning, as do words written with `AND`; an OR is an OR; hits
/// show their BM25 score, not the steps that order the groups.
#[test]
fn most_matching_ranks_by_words_matched_and_keeps_operators_strict() {
    use gazette::query::Matching;
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    let docs = [
        ("all3", "Naval talks", "Allied naval cooperation in the Pacific was discussed."),
        // Many mentions of one word: a high BM25, but one word of three.
        ("one", "Pacific Pacific", "Pacific Pacific Pacific Pacific Pacific weather."),
        ("two", "Naval drills", "Naval drills in the Pacific."),
        ("none", "Grain", "Wheat exports rose."),
    ];
    for (id, title, body) in docs {
        w.add(&Document::new(id, title, body)).unwrap();
    }
    w.commit().unwrap();
    let ranked = |q: &str| -> Vec<String> {
        let r = index.search(&SearchRequest::new(q).matching(Matching::Most).limit(10)).unwrap();
        for h in &r.hits {
            assert!(h.score < 1000.0, "{q}: the shown score is BM25: {}", h.score);
        }
        r.hits.into_iter().map(|h| h.id).collect()
    };
    // Groups in order; the order within a group is BM25's.
    let cases: &[(&str, &[&[&str]])] = &[
        ("allied naval cooperation pacific", &[&["all3"], &["two"], &["one"]]),
        ("naval pacific", &[&["all3", "two"], &["one"]]),
        ("wheat exports", &[&["none"]]),
        // A word nothing has does not strand the query.
        ("naval zeppelin", &[&["all3", "two"]]),
        ("+pacific naval", &[&["all3", "two"], &["one"]]),
        ("naval -drills", &[&["all3"]]),
        ("\"naval drills\" pacific", &[&["two"]]),
        ("title:grain OR title:drills", &[&["none", "two"]]),
        // Words written with AND are required; the others are optional.
        ("pacific AND naval zeppelin", &[&["all3", "two"]]),
        ("naval AND zeppelin pacific", &[]),
    ];
    for (q, groups) in cases {
        let got = ranked(q);
        let mut at = 0;
        for group in *groups {
            let mut part: Vec<&str> =
                got[at.min(got.len())..(at + group.len()).min(got.len())].iter().map(String::as_str).collect();
            part.sort();
            let mut want = group.to_vec();
            want.sort();
            assert_eq!(part, want, "{q}: {got:?}");
            at += group.len();
        }
        assert_eq!(got.len(), at, "{q}: {got:?}");
    }
    // Each hit says which words it lacks, as written.
    let r = index.search(&SearchRequest::new("allied naval Cooperation pacific").matching(Matching::Most)).unwrap();
    let missing: Vec<(&str, Vec<&str>)> =
        r.hits.iter().map(|h| (h.id.as_str(), h.missing.iter().map(String::as_str).collect())).collect();
    assert_eq!(
        missing,
        [("all3", vec![]), ("two", vec!["allied", "Cooperation"]), ("one", vec!["allied", "naval", "Cooperation"])]
    );
    let all = index.search(&SearchRequest::new("naval pacific").matching(Matching::All)).unwrap();
    assert!(all.hits.iter().all(|h| h.missing.is_empty()));
    // `all` strands the query that `most` answers; `any` ranks by BM25 alone.
    assert_eq!(index.search(&SearchRequest::new("naval zeppelin").matching(Matching::All)).unwrap().total, 0);
    assert_eq!(index.search(&SearchRequest::new("naval zeppelin")).unwrap().total, 2, "most is the default");
    let any = index.search(&SearchRequest::new("naval pacific").matching(Matching::Any)).unwrap();
    assert_eq!(any.hits[0].id, "one", "BM25 alone favours the word repeated");
}
