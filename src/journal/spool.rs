//! A transaction's encoded log lines on their way to the log: held in memory while they
//! are few, spilled to a file without a name on the log's own file system once they pass
//! `SPILL`, so an import of a million rows keeps its text on disk, not in memory. A file
//! without a name leaves nothing behind whatever stops the process.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Lines are kept in memory up to this many bytes: an everyday act (a few KiB) stays far
/// below it; an import of a few hundred rows spills.
const SPILL: u64 = 128 << 10;

/// The size of the pieces the text is kept in, and read back in.
const CHUNK: usize = 1 << 20;

pub struct Spool {
    /// Where the spill file goes: the log's folder, so the append can copy on one disk.
    dir: PathBuf,
    /// Whole lines in chunks of about `CHUNK` bytes not yet in the file.
    chunks: Vec<String>,
    file: Option<File>,
    /// How much of the file holds whole chunks: a write that failed part-way may have
    /// left more, which is never read.
    in_file: u64,
    len: u64,
    /// The first failure to write the spill file (a full disk). Everything from then on
    /// stays in memory, so nothing pushed is lost (a dropped journal still finds every
    /// path it made); `check` tells it, and the commit refuses.
    failed: Option<std::io::Error>,
}

impl Spool {
    pub fn new(dir: &Path) -> Spool {
        Spool {
            dir: dir.to_path_buf(),
            chunks: Vec::new(),
            file: None,
            in_file: 0,
            len: 0,
            failed: None,
        }
    }

    /// The bytes of text held.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Add one whole line (with its newline).
    pub fn push(&mut self, line: &str) {
        self.len += line.len() as u64;
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() + line.len() <= CHUNK => chunk.push_str(line),
            _ => self.chunks.push(line.to_string()),
        }
        let held: usize = self.chunks.iter().map(String::len).sum();
        let due = match self.file {
            None => self.len > SPILL,
            Some(_) => held > CHUNK,
        };
        if due
            && self.failed.is_none()
            && let Err(e) = self.write_out()
        {
            self.failed = Some(e);
        }
    }

    /// Move the chunks held into the file (made, without a name, the first time); on a
    /// failure they stay held.
    fn write_out(&mut self) -> std::io::Result<()> {
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile_in(&self.dir)?);
        }
        let file = self.file.as_mut().expect("just made");
        file.seek(SeekFrom::Start(self.in_file))?;
        for chunk in &self.chunks {
            file.write_all(chunk.as_bytes())?;
            self.in_file += chunk.len() as u64;
        }
        self.chunks.clear();
        Ok(())
    }

    /// Whether every line reached the spill file, or stayed in memory with no failure.
    pub fn check(&self) -> std::io::Result<()> {
        match &self.failed {
            Some(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
            None => Ok(()),
        }
    }

    /// Hand the text over in order, a chunk of whole lines at a time; a failure to read
    /// the spill file back is made an `E` by `failed`.
    pub fn each_chunk<E>(
        &mut self,
        failed: impl Fn(std::io::Error) -> E,
        mut each: impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        if let Some(file) = &mut self.file {
            file.seek(SeekFrom::Start(0)).map_err(&failed)?;
            let mut left = self.in_file;
            let mut held: Vec<u8> = Vec::with_capacity(2 * CHUNK);
            let mut piece = vec![0u8; CHUNK];
            while left > 0 {
                let want = piece.len().min(left as usize);
                let n = file.read(&mut piece[..want]).map_err(&failed)?;
                if n == 0 {
                    break;
                }
                left -= n as u64;
                held.extend_from_slice(&piece[..n]);
                if let Some(cut) = held.iter().rposition(|&b| b == b'\n') {
                    let rest = held.split_off(cut + 1);
                    each(&text(std::mem::replace(&mut held, rest)).map_err(&failed)?)?;
                }
            }
            if !held.is_empty() {
                each(&text(held).map_err(&failed)?)?;
            }
        }
        for chunk in &self.chunks {
            each(chunk)?;
        }
        Ok(())
    }

    /// The whole text at once (for the fault that tears the log in half: tests only).
    pub fn concat(&mut self) -> std::io::Result<String> {
        let mut all = String::new();
        self.each_chunk(
            |e| e,
            |c| {
                all.push_str(c);
                Ok(())
            },
        )?;
        Ok(all)
    }
}

fn text(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(spool: &mut Spool) -> Vec<String> {
        let mut all = Vec::new();
        spool
            .each_chunk(
                |e| e,
                |c| {
                    assert!(c.ends_with('\n'), "a chunk holds whole lines");
                    all.extend(c.lines().map(str::to_string));
                    Ok::<(), std::io::Error>(())
                },
            )
            .unwrap();
        all
    }

    #[test]
    fn a_spilled_spool_gives_back_every_line_in_order_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(dir.path());
        let wanted: Vec<String> = (0..200_000)
            .map(|i| format!("{i:08} {}", "张".repeat(i % 40)))
            .collect();
        for l in &wanted {
            spool.push(&format!("{l}\n"));
        }
        assert!(spool.in_file > SPILL, "more than SPILL bytes are on disk");
        assert_eq!(
            spool.len(),
            wanted.iter().map(|l| l.len() as u64 + 1).sum::<u64>()
        );
        spool.check().unwrap();
        assert_eq!(lines(&mut spool), wanted);
        assert_eq!(lines(&mut spool), wanted);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_spool_that_cannot_spill_keeps_every_line_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(&dir.path().join("gone"));
        let wanted: Vec<String> = (0..20_000).map(|i| format!("path/{i:08}")).collect();
        for l in &wanted {
            spool.push(&format!("{l}\n"));
        }
        assert!(spool.check().is_err(), "the failure is told");
        assert_eq!(lines(&mut spool), wanted, "and nothing is lost");
    }

    #[test]
    fn a_small_spool_stays_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(dir.path());
        spool.push("a\n");
        spool.push("b\n");
        assert!(spool.file.is_none());
        assert_eq!(lines(&mut spool), ["a", "b"]);
        spool.check().unwrap();
        assert_eq!(spool.concat().unwrap(), "a\nb\n");
    }
}
