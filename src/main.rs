//! The `gazette` command: parse arguments, run, map the outcome to an exit code
//! (0: found / done, 1: nothing found / done with problems, 2: error; see `cli::Status`).

mod cli;

use std::process::ExitCode;

/// mimalloc rather than the system's malloc: enrichment allocates often, and glibc's malloc
/// took a quarter of its time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            // `gazette search ... | head` closing the pipe is not an error.
            if err.chain().any(|c| {
                // Written through serde_json (`--json`), the pipe's error comes wrapped.
                let kind = c
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| c.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind));
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let chain: Vec<String> = err.chain().map(|c| c.to_string()).collect();
            let hint = cli::hint(&err).map(|h| format!(" {h}")).unwrap_or_default();
            eprintln!("gazette: error: {}{hint}", dedup_chain(&chain));
            ExitCode::from(cli::Status::Error.code())
        }
    }
}

/// Joins the cause chain on one line, leaving out causes already quoted by their parent.
fn dedup_chain(chain: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in chain {
        if !out.iter().any(|o| o.contains(c.as_str())) {
            out.push(c);
        }
    }
    out.join(": ")
}
