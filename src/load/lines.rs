//! JSON Lines files too big to hold: read a batch of lines at a time, numbered as the loader
//! numbers them (lines from 1; records counting only non-blank lines, so that fixing a bad line
//! does not renumber the others), and hashed as they pass, so that one read both loads a file
//! and tells whether it changed meanwhile.

use std::io::{BufRead, BufReader, Read};

/// One non-blank line of a JSON Lines file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// 1-based number among the non-blank lines.
    pub record: usize,
    /// The line, with its line break; empty when the line was longer than the limit.
    pub bytes: Vec<u8>,
    /// The line was longer than [`MAX_RECORD_BYTES`]: it was read past, not kept.
    pub too_long: bool,
}

/// The longest line a streamed JSON Lines file may have: a record past it is skipped with a
/// warning, so that one line cannot take the memory of a run.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// The lines of a reader, a batch at a time.
///
/// ```
/// use gazette::load::LineBatches;
/// let text = "{\"title\": \"a\"}\n\n{\"title\": \"b\"}\n{\"title\": \"c\"}\n";
/// let mut lines = LineBatches::new(text.as_bytes());
/// let (first, bytes) = lines.next_batch(2)?;
/// assert_eq!(first.iter().map(|l| (l.number, l.record)).collect::<Vec<_>>(), [(1, 1), (3, 2)]);
/// assert_eq!(bytes, 31); // the blank line is read, and counted, but not returned
/// let (rest, _) = lines.next_batch(2)?;
/// assert_eq!((rest.len(), rest[0].record), (1, 3));
/// assert_eq!(lines.next_batch(2)?, (Vec::new(), 0)); // the end
/// assert_eq!(lines.digest(), format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes())));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct LineBatches<R> {
    reader: BufReader<R>,
    hasher: xxhash_rust::xxh3::Xxh3,
    line: usize,
    record: usize,
}

impl<R: Read> LineBatches<R> {
    /// Lines of `reader`, read through a 1 MiB buffer.
    pub fn new(reader: R) -> LineBatches<R> {
        LineBatches {
            reader: BufReader::with_capacity(1 << 20, reader),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            line: 0,
            record: 0,
        }
    }

    /// The next `max` non-blank lines (fewer at the end) and the bytes read to find them,
    /// blank lines included; no lines and 0 bytes at the end.
    pub fn next_batch(&mut self, max: usize) -> std::io::Result<(Vec<Line>, u64)> {
        let mut batch = Vec::with_capacity(max);
        let mut bytes = 0u64;
        while batch.len() < max {
            let mut line = Vec::new();
            let (read, too_long) = self.read_line(&mut line)?;
            if read == 0 {
                break;
            }
            bytes += read;
            self.line += 1;
            if too_long || !line.iter().all(u8::is_ascii_whitespace) {
                self.record += 1;
                batch.push(Line { number: self.line, record: self.record, bytes: line, too_long });
            }
        }
        Ok((batch, bytes))
    }

    /// One line into `line`, hashed as it passes: the bytes read, and whether the line was
    /// longer than [`MAX_RECORD_BYTES`] (then `line` is left empty and the rest of the line is
    /// read past in blocks, never held).
    fn read_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<(u64, bool)> {
        let (mut read, mut too_long) = (0u64, false);
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok((read, too_long));
            }
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..=i], true),
                None => (available, false),
            };
            self.hasher.update(chunk);
            if !too_long && line.len() + chunk.len() > MAX_RECORD_BYTES {
                too_long = true;
                line.clear();
                line.shrink_to_fit();
            }
            if !too_long {
                line.extend_from_slice(chunk);
            }
            let n = chunk.len();
            read += n as u64;
            self.reader.consume(n);
            if done {
                return Ok((read, too_long));
            }
        }
    }

    /// Hex xxh3-64 of every byte read so far (the file's hash, once read to the end).
    pub fn digest(&self) -> String {
        format!("{:016x}", self.hasher.digest())
    }
}
