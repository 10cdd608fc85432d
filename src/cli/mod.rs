//! The command-line front end: clap options become library requests; printers turn library
//! results into human or JSON output. Nothing here is needed by library users.
//!
//! `args` holds the clap definition, `commands` one function per subcommand, `print` the
//! human-readable output; this file only dispatches and names the exit statuses.

mod args;
mod commands;
mod print;

use std::io::Write;

use anyhow::Result;
use clap::Parser;

use args::{Cli, Command};

/// How a run ended, as ripgrep reports it: the exit code says whether anything was found,
/// so that scripts can test `gazette search` like `grep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Found something, or did all that was asked.
    Success,
    /// The command worked but found nothing (a search without hits, an empty facet list).
    NoMatch,
    /// The command finished, but some files could not be read (each named on stderr).
    Problems,
    /// An error: nothing (more) was done.
    Error,
}

impl Status {
    /// The process exit code. `NoMatch` and `Problems` share 1, as in ripgrep: a script
    /// tells them apart by the command it ran.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::NoMatch | Status::Problems => 1,
            Status::Error => 2,
        }
    }
}

/// Runs the command line; returns the exit status.
pub fn run() -> Result<Status> {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let status = match cli.command {
        Command::Index(args) => commands::cmd_index(&mut out, args)?,
        Command::Search(args) => commands::cmd_search(&mut out, args)?,
        Command::Timeline(args) => commands::cmd_timeline(&mut out, args)?,
        Command::Facets(args) => commands::cmd_facets(&mut out, args)?,
        Command::Show(args) => commands::cmd_show(&mut out, args)?,
        Command::Enrich(args) => commands::cmd_enrich(&mut out, args)?,
        Command::Stats(args) => commands::cmd_stats(&mut out, args)?,
        Command::Completions(args) => commands::cmd_completions(&mut out, args)?,
        Command::Man => commands::cmd_man(&mut out)?,
    };
    out.flush()?;
    Ok(status)
}

/// What to run about a library error, in the command's terms: the library's messages name no
/// command or flag, so the binary adds them.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    let e = err.chain().find_map(|c| c.downcast_ref::<gazette::Error>())?;
    let shown = |dir: &std::path::Path| dir.display().to_string();
    Some(match e {
        gazette::Error::IndexNotFound { dir } => {
            format!("(create it with `gazette index PATH... --index {}`)", shown(dir))
        }
        gazette::Error::SchemaMismatch { dir, .. } => {
            format!("with `gazette index PATH... --index {} --full`", shown(dir))
        }
        gazette::Error::VocabularyMismatch { dir, .. } => format!(
            "(to rebuild it with another vocabulary: `gazette index PATH... --index {} --full --vocabulary DIR`)",
            shown(dir)
        ),
        gazette::Error::UnknownFacetValue { field, .. } => {
            format!("(`gazette facets {}` lists those in the index)", field.name())
        }
        _ => return None,
    })
}
