//! Sorting more than memory should hold: items are gathered a run at a time, each run
//! sorted and written to a file without a name, and the runs merged as they are read
//! back. A query that matches a million records and prints them sorted holds one run and
//! one item per run, not all of them.

use crate::error::{Error, IoContext, Result};
use std::cmp::Ordering;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

/// How items are ordered.
pub type Order<'a, T> = &'a dyn Fn(&T, &T) -> Ordering;
/// How an item is read back from its line in a run's file.
pub type Decode<'a, T> = &'a dyn Fn(&str) -> Option<T>;

/// Items gathered for sorting, past `run` of them a sorted run on disk.
pub struct Runs<T> {
    held: Vec<T>,
    files: Vec<std::fs::File>,
    run: usize,
    /// Where the runs' files are made (they have no name there).
    folder: PathBuf,
}

impl<T> Runs<T> {
    pub fn new(run: usize, folder: &Path) -> Runs<T> {
        Runs {
            held: Vec::new(),
            files: Vec::new(),
            run: run.max(1),
            folder: folder.to_path_buf(),
        }
    }

    /// The items held in memory (the last run's, not yet written).
    pub fn held(&mut self) -> &mut Vec<T> {
        &mut self.held
    }

    /// Write what is held as a run when it is a run's worth.
    /// `encode` gives an item's line (without a `\n` of its own).
    pub fn spill_if_full(&mut self, order: Order<T>, encode: &dyn Fn(&T) -> String) -> Result<()> {
        if self.held.len() < self.run {
            return Ok(());
        }
        let Ok(file) = tempfile::tempfile_in(&self.folder) else {
            // A folder this process may not write to (a store read by someone who only
            // reads it): everything is held, as it was before runs.
            self.run = usize::MAX;
            return Ok(());
        };
        self.held.sort_by(order);
        let mut out = BufWriter::with_capacity(1 << 16, file);
        for item in self.held.drain(..) {
            writeln!(out, "{}", encode(&item)).at(&self.folder)?;
        }
        let mut file = out
            .into_inner()
            .map_err(|e| Error::io(self.folder.clone(), e.into_error()))?;
        file.rewind().at(&self.folder)?;
        self.files.push(file);
        Ok(())
    }

    /// Every item gathered, in `order`.
    pub fn sorted<'o>(
        mut self,
        order: Order<'o, T>,
        decode: Decode<'o, T>,
    ) -> Result<Merged<'o, T>> {
        self.held.sort_by(order);
        let mut heads = Vec::new();
        let mut readers = Vec::new();
        for file in std::mem::take(&mut self.files) {
            let mut reader = BufReader::with_capacity(1 << 16, file);
            heads.push(read_item(&mut reader, &self.folder, decode)?);
            readers.push(reader);
        }
        let mut held = std::mem::take(&mut self.held).into_iter();
        heads.push(held.next());
        Ok(Merged {
            heads,
            readers,
            held,
            order,
            decode,
            folder: std::mem::take(&mut self.folder),
        })
    }
}

fn read_item<T>(reader: &mut impl BufRead, folder: &Path, decode: Decode<T>) -> Result<Option<T>> {
    let mut line = String::new();
    if reader.read_line(&mut line).at(folder)? == 0 {
        return Ok(None);
    }
    decode(line.trim_end_matches('\n'))
        .map(Some)
        .ok_or_else(|| Error::Internal("a sorted run read back is not what was written".into()))
}

/// The runs merged: the next item is the first of the runs' next items.
pub struct Merged<'o, T> {
    /// Each run's next item; the last is the held run's.
    heads: Vec<Option<T>>,
    readers: Vec<BufReader<std::fs::File>>,
    held: std::vec::IntoIter<T>,
    order: Order<'o, T>,
    decode: Decode<'o, T>,
    folder: PathBuf,
}

impl<T> Iterator for Merged<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        // Few runs (one per run's worth of matches): a scan of their heads is enough.
        let mut first: Option<usize> = None;
        for (i, head) in self.heads.iter().enumerate() {
            let Some(item) = head else { continue };
            let better = match first.and_then(|f| self.heads[f].as_ref()) {
                None => true,
                Some(best) => (self.order)(item, best) == Ordering::Less,
            };
            if better {
                first = Some(i);
            }
        }
        let i = first?;
        let next = if i == self.readers.len() {
            Ok(self.held.next())
        } else {
            read_item(&mut self.readers[i], &self.folder, self.decode)
        };
        match next {
            Ok(next) => std::mem::replace(&mut self.heads[i], next).map(Ok),
            Err(e) => {
                self.heads.iter_mut().for_each(|h| *h = None);
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(item: &(i64, String)) -> String {
        format!("{}\t{}", item.0, item.1)
    }

    fn decode(line: &str) -> Option<(i64, String)> {
        let (n, s) = line.split_once('\t')?;
        Some((n.parse().ok()?, s.to_string()))
    }

    #[test]
    fn runs_merge_to_one_sorted_stream_whatever_the_run_size() {
        let dir = tempfile::tempdir().unwrap();
        let items: Vec<(i64, String)> = (0..1000)
            .map(|i| ((i * 7919) % 613 - 300, format!("记录{i}")))
            .collect();
        let order = |a: &(i64, String), b: &(i64, String)| a.0.cmp(&b.0).then(a.1.cmp(&b.1));
        let mut expected = items.clone();
        expected.sort_by(order);
        for run in [1, 3, 64, 999, 1000, 5000] {
            let mut runs = Runs::new(run, dir.path());
            for item in &items {
                runs.held().push(item.clone());
                runs.spill_if_full(&order, &encode).unwrap();
            }
            let got: Vec<_> = runs
                .sorted(&order, &decode)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(got, expected, "runs of {run}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no file left"
        );
    }
}
