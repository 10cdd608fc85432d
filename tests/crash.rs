//! A real indexing process killed with SIGKILL mid-run leaves the last committed index intact
//! and searchable, its manifest describing exactly what it holds, and the next run completes it.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use gazette::{Index, SearchRequest};

const FILES: usize = 3000;

/// Number of segments in the last commit, as meta.json records it (0 before any document).
fn committed_segments(dir: &Path) -> usize {
    fs::read(dir.join("meta.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["segments"].as_array().map(Vec::len))
        .unwrap_or(0)
}

/// FILES small text files in 50 folders under `dir/news`.
fn write_corpus(dir: &Path, text: impl Fn(usize) -> String) {
    for i in 0..FILES {
        let sub = dir.join("news").join(format!("{:02}", i % 50));
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join(format!("n{i:05}.txt")), text(i)).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_keeps_the_committed_index_and_the_rerun_completes_it() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| format!("Report {i}\n\nLONDON — Item {i} on trade talks and tariffs, unique{i}."));
    let idx = t.path().join("idx");
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let mut child = Command::new(&bin)
        .args(["index", "news", "--index", "idx", "--commit-every", "100", "--threads", "1", "--quiet"])
        .current_dir(t.path())
        .spawn()
        .unwrap();
    // Wait for a commit holding documents, then kill at once.
    let start = Instant::now();
    loop {
        if committed_segments(&idx) > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no commit within two minutes");
        assert!(child.try_wait().unwrap().is_none(), "the run finished before it could be killed; raise FILES");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed");

    // The committed index opens, is searchable, and its manifest names exactly its documents.
    let index = Index::open(&idx).unwrap();
    let committed = index.num_docs() as usize;
    assert!(committed > 0 && committed < FILES, "committed {committed} of {FILES}");
    let manifest = index.manifest().unwrap();
    let ids: usize = manifest.files.values().map(|e| e.ids.len()).sum();
    assert_eq!(ids, committed, "manifest and index agree");
    for entry in manifest.files.values().take(50) {
        assert!(index.get(&entry.ids[0]).is_ok(), "{:?} in the index", entry.ids[0]);
    }
    assert_eq!(index.search(&SearchRequest::new("tariffs").limit(1)).unwrap().total, committed);
    drop(index);

    // The rerun skips what was committed and completes the rest.
    let out =
        Command::new(&bin).args(["index", "news", "--index", "idx", "--json"]).current_dir(t.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["unchanged"].as_u64().unwrap() as usize, manifest.files.len());
    assert_eq!(report["added"].as_u64().unwrap() as usize, FILES - manifest.files.len());
    let index = Index::open(&idx).unwrap();
    assert_eq!(index.num_docs() as usize, FILES);
    assert_eq!(index.search(&SearchRequest::new("unique1234")).unwrap().total, 1);
}

/// Ctrl-C (SIGINT) stops the run after the current chunk, commits what is done, says so, and
/// exits with 2; the next run finishes the job.
#[cfg(unix)]
#[test]
fn ctrl_c_commits_what_is_done_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| format!("Report {i}\n\nItem {i} on grain exports."));
    let idx = t.path().join("idx");
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let child = Command::new(&bin)
        .args(["index", "news", "--index", "idx", "--commit-every", "100", "--threads", "1", "--quiet"])
        .current_dir(t.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while committed_segments(&idx) == 0 {
        assert!(start.elapsed() < Duration::from_secs(120), "no commit within two minutes");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("interrupted; what was done is committed"), "{stderr}");
    let index = Index::open(&idx).unwrap();
    let committed = index.num_docs() as usize;
    assert!(committed > 0 && committed < FILES, "committed {committed}");
    let ids: usize = index.manifest().unwrap().files.values().map(|e| e.ids.len()).sum();
    assert_eq!(ids, committed);
    drop(index);
    Command::new(&bin).args(["index", "news", "--index", "idx", "-q"]).current_dir(t.path()).assert_success();
    assert_eq!(Index::open(&idx).unwrap().num_docs() as usize, FILES);
}

trait AssertSuccess {
    fn assert_success(&mut self);
}

impl AssertSuccess for Command {
    fn assert_success(&mut self) {
        let out = self.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A write that fails mid-run (here: the file-size limit of `ulimit -f`, which makes writes
/// fail with EFBIG as a full disk makes them fail with ENOSPC) ends the run with a clear
/// error and a non-zero exit; the index keeps its last commit and the next run completes it.
#[cfg(unix)]
#[test]
fn a_failing_write_mid_run_keeps_the_committed_index() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| {
        format!("Report {i}\n\nGENEVA — Item {i}: {}", "negotiators discussed tariffs and quotas. ".repeat(40))
    });
    let idx = t.path().join("idx");
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    // A first, small run that succeeds: one folder of the corpus.
    let ok = Command::new(&bin)
        .args(["index", "news/00", "--index", "idx", "--quiet"])
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let before = Index::open(&idx).unwrap().num_docs();
    assert_eq!(before as usize, FILES / 50);
    drop(Index::open(&idx).unwrap());

    // Then the whole corpus with files limited to 64 blocks (32 or 64 KiB): segments outgrow it.
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' index news --index idx --commit-every 500 --quiet",
        bin.display()
    );
    let out = Command::new("sh").arg("-c").arg(&script).current_dir(t.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("error: indexing into idx stopped; it keeps its last commit"), "{stderr}");
    assert!(stderr.contains("File too large"), "the system's reason: {stderr}");

    // The index opens at its last commit, its manifest matches it, and a normal run completes.
    let index = Index::open(&idx).unwrap();
    let committed = index.num_docs();
    assert!(committed >= before, "{committed} < {before}");
    let listed: usize = index.manifest().unwrap().files.values().map(|e| e.ids.len()).sum();
    assert_eq!(listed as u64, committed);
    let hits = index.search(&SearchRequest::new("negotiators").limit(1)).unwrap();
    assert_eq!(hits.total as u64, committed);
    drop(index);
    let again =
        Command::new(&bin).args(["index", "news", "--index", "idx", "--quiet"]).current_dir(t.path()).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(Index::open(&idx).unwrap().num_docs() as usize, FILES);
}

/// Issue "hardening": SIGTERM (what cron wrappers, `timeout` and systemd send) and SIGHUP stop
/// a run as Ctrl-C does: what is done is committed, the run says so and exits 2, and the next
/// run finishes the work.
#[cfg(unix)]
#[test]
fn sigterm_and_sighup_commit_what_is_done_and_say_so() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| format!("Report {i}\n\nLONDON — Item {i} on trade talks and tariffs, unique{i}."));
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    for (signal, idx) in [("TERM", "idx-term"), ("HUP", "idx-hup")] {
        let dir = t.path().join(idx);
        let child = Command::new(&bin)
            .args(["index", "news", "--index", idx, "--commit-every", "100", "--threads", "1", "--quiet"])
            .current_dir(t.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Once a first commit holds documents, the run is under way: ask it to stop.
        let start = Instant::now();
        while committed_segments(&dir) == 0 {
            assert!(start.elapsed() < Duration::from_secs(120), "no commit within two minutes");
            std::thread::sleep(Duration::from_millis(5));
        }
        let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "SIG{signal}: {stderr}");
        assert!(stderr.contains("interrupted; what was done is committed"), "SIG{signal}: {stderr}");
        let committed = Index::open(&dir).unwrap().num_docs() as usize;
        assert!(committed > 0 && committed < FILES, "SIG{signal}: committed {committed} of {FILES}");
        let rerun =
            Command::new(&bin).args(["index", "news", "--index", idx, "--quiet"]).current_dir(t.path()).output();
        assert_eq!(rerun.unwrap().status.code(), Some(0));
        assert_eq!(Index::open(&dir).unwrap().num_docs() as usize, FILES, "SIG{signal}: the rerun finishes");
    }
}

/// Issue "hardening": a `--full` rebuild commits once, at its end. Killed (SIGKILL) or asked
/// to stop (SIGTERM) half way, it leaves the index as it was, whole and searchable; while it
/// runs, searches see the old documents.
#[cfg(unix)]
#[test]
fn a_killed_or_stopped_full_rebuild_leaves_the_index_whole() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| format!("Report {i}\n\nLONDON — Item {i} on trade talks and tariffs, unique{i}."));
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let first = Command::new(&bin).args(["index", "news", "--index", "idx", "--quiet"]).current_dir(t.path()).output();
    assert_eq!(first.unwrap().status.code(), Some(0));
    let dir = t.path().join("idx");
    for signal in ["KILL", "TERM"] {
        let mut child = Command::new(&bin)
            .args(["index", "news", "--index", "idx", "--full", "--threads", "1", "--commit-every", "100", "--quiet"])
            .current_dir(t.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // While it runs, a reader sees the whole old index.
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(600) {
            let index = Index::open(&dir).unwrap();
            assert_eq!(index.num_docs() as usize, FILES, "SIG{signal}: during the rebuild");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(child.try_wait().unwrap().is_none(), "the rebuild finished before the signal; raise FILES");
        let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "SIG{signal}");
        if signal == "TERM" {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("the rebuild was not committed, the index is as it was"), "{stderr}");
        }
        let index = Index::open(&dir).unwrap();
        assert_eq!(index.num_docs() as usize, FILES, "SIG{signal}: after");
        assert_eq!(index.manifest().unwrap().files.len(), FILES, "SIG{signal}: the manifest too");
        assert_eq!(index.search(&SearchRequest::new("unique7")).unwrap().total, 1);
    }
    // And a rebuild left to finish replaces the index.
    let done = Command::new(&bin)
        .args(["index", "news", "--index", "idx", "--full", "--quiet"])
        .current_dir(t.path())
        .output();
    assert_eq!(done.unwrap().status.code(), Some(0));
    assert_eq!(Index::open(&dir).unwrap().num_docs() as usize, FILES);
}

/// Issue "hardening": a `--full` rebuild that cannot be made in place (here: another
/// vocabulary) is built beside the committed index and switched in only once committed.
/// Killed (SIGKILL) or stopped (SIGINT) half way, it leaves the old index whole and
/// searchable with its old vocabulary, and searches during the rebuild see the old
/// documents; the next run clears what the killed one left and switches.
#[cfg(unix)]
#[test]
fn a_rebuild_with_another_vocabulary_is_built_beside_and_switched_when_committed() {
    let t = tempfile::tempdir().unwrap();
    write_corpus(t.path(), |i| {
        format!(
            "Report {i}\n\nFreedonia and Sylvania on trade talks, unique{i}. {}",
            "Envoys met on tariffs. ".repeat(60)
        )
    });
    let vocab = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vocabulary");
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let first = Command::new(&bin).args(["index", "news", "--index", "idx", "--quiet"]).current_dir(t.path()).output();
    assert_eq!(first.unwrap().status.code(), Some(0));
    let dir = t.path().join("idx");
    let beside = t.path().join(".idx.gazette-rebuild");
    let rebuild = || {
        let mut c = Command::new(&bin);
        c.args(["index", "news", "--index", "idx", "--full", "--threads", "1", "--quiet", "--vocabulary"])
            .arg(&vocab)
            .current_dir(t.path());
        c
    };
    for signal in ["KILL", "INT"] {
        let mut child = rebuild().stderr(std::process::Stdio::piped()).spawn().unwrap();
        let start = Instant::now();
        while !beside.join("meta.json").exists() {
            assert!(start.elapsed() < Duration::from_secs(60), "SIG{signal}: no rebuild beside the index");
            std::thread::sleep(Duration::from_millis(5));
        }
        // While it runs, the old index opens with its own (built-in) vocabulary, whole.
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(200) {
            let index = Index::open(&dir).unwrap();
            assert_eq!(index.num_docs() as usize, FILES, "SIG{signal}: during the rebuild");
            assert!(index.vocabulary().unwrap().is_builtin());
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(child.try_wait().unwrap().is_none(), "the rebuild finished before the signal; raise FILES");
        let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "SIG{signal}");
        if signal == "INT" {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("the rebuild was not committed, the index is as it was"), "{stderr}");
            assert!(!beside.exists(), "an interrupted rebuild removes what it built");
        }
        let index = Index::open(&dir).unwrap();
        assert_eq!(index.num_docs() as usize, FILES, "SIG{signal}: after");
        assert!(index.vocabulary().unwrap().is_builtin(), "SIG{signal}: the old vocabulary");
        assert_eq!(index.manifest().unwrap().files.len(), FILES, "SIG{signal}: the manifest too");
        assert_eq!(index.search(&SearchRequest::new("unique7")).unwrap().total, 1);
    }
    // A rebuild left to finish takes the place of the old index, and nothing stays beside it.
    let done = rebuild().output().unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(!beside.exists());
    let index = Index::open_with(&dir, gazette::Enricher::new(gazette::Vocabulary::from_dir(&vocab).unwrap())).unwrap();
    assert_eq!(index.num_docs() as usize, FILES);
    assert_eq!(index.search(&SearchRequest::new("*").country("Freedonia").limit(1)).unwrap().total, FILES);
}

/// A tmpfs mounted for a test, unmounted when dropped.
#[cfg(target_os = "linux")]
struct Tmpfs(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Tmpfs {
    /// None where this process may not mount one (not root, or in a container without the
    /// right): the simulated failure of `a_failing_write_mid_run_keeps_the_committed_index`
    /// stands in.
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(at.to_path_buf()))
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Issue "hardening": a full disk (a 3 MB tmpfs) stops the run with one line saying that the
/// disk holding the index is full; the index keeps its last commit; the next run removes
/// the files the failed one left, so that it succeeds once the cause is gone.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_as_such_and_the_next_run_succeeds() {
    let t = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&t.path().join("disk"), "3m") else {
        eprintln!("skipped: no tmpfs can be mounted here");
        return;
    };
    let news = t.path().join("news");
    fs::create_dir_all(news.join("first")).unwrap();
    for i in 0..600 {
        fs::write(news.join(format!("first/n{i}.txt")), format!("Report {i}\n\nGENEVA — Item {i} on tariffs."))
            .unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let idx = disk.0.join("idx");
    let run = || {
        Command::new(&bin)
            .arg("index")
            .arg(&news)
            .arg("--index")
            .arg(&idx)
            .args(["--commit-every", "500", "--memory", "16", "--quiet"])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    // More than the disk holds: words that are all different.
    fs::create_dir_all(news.join("more")).unwrap();
    for i in 0..3400 {
        let words: Vec<String> = (0..200).map(|j| format!("w{i}x{j}")).collect();
        fs::write(news.join(format!("more/m{i}.txt")), format!("Item {i}\n\n{}", words.join(" "))).unwrap();
    }
    let full = run();
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(&format!("the disk holding {} is full", idx.display())), "{stderr}");
    let index = Index::open(&idx).unwrap();
    let committed = index.num_docs() as usize;
    assert!(committed >= 600, "the last commit is kept: {committed}");
    let listed: usize = index.manifest().unwrap().files.values().map(|e| e.ids.len()).sum();
    assert_eq!(listed, committed, "the manifest matches the index");
    drop(index);
    // The cause gone, the next run succeeds and the files of the failed one are gone.
    fs::remove_dir_all(news.join("more")).unwrap();
    let size = || fs::read_dir(&idx).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum::<u64>();
    let before = size();
    let again = run();
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(Index::open(&idx).unwrap().num_docs(), 600);
    assert!(size() < before, "the failed run's files stay: {} of {before} bytes", size());
}
