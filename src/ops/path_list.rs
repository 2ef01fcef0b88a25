//! A long list of store paths held front-coded: each path as how much it shares with the
//! one before and the rest, a megabyte in memory and the rest in a file without a name.
//! `verify` lists every file of a store of millions while it replays the log; in a
//! sharded layout neighbours share all but a dozen bytes (a million paths are about
//! 15 MB rather than 90), and on disk they cost no memory at all.

use std::os::unix::fs::FileExt;

/// Front-coded bytes held in memory before they are written out: small in tests, so
/// that their stores' lists go through the file.
const BLOCK: usize = if cfg!(debug_assertions) {
    1 << 12
} else {
    1 << 20
};

/// Paths in the order pushed, each as (bytes shared with the one before, the rest).
#[derive(Default)]
pub struct PathList {
    /// The last block, in memory.
    coded: Vec<u8>,
    /// The blocks before it, in a file without a name (none when none could be made:
    /// then they stay in memory).
    written: Option<Written>,
    /// Writing out failed once: the rest stays in memory.
    in_memory_only: bool,
    last: String,
    len: usize,
}

/// Blocks written out: each a run of whole paths, at (offset, length) in `file`.
struct Written {
    file: std::fs::File,
    blocks: Vec<(u64, usize)>,
}

impl PathList {
    pub fn push(&mut self, path: &str) {
        let shared = common_prefix(&self.last, path);
        put_number(&mut self.coded, shared);
        put_number(&mut self.coded, path.len() - shared);
        self.coded.extend_from_slice(&path.as_bytes()[shared..]);
        self.last.clear();
        self.last.push_str(path);
        self.len += 1;
        if self.coded.len() >= BLOCK && !self.in_memory_only {
            self.write_out();
        }
    }

    /// Write the block in memory out; where that fails it stays, and grows.
    fn write_out(&mut self) {
        if self.written.is_none() {
            self.written = tempfile::tempfile().ok().map(|file| Written {
                file,
                blocks: Vec::new(),
            });
        }
        let Some(w) = &mut self.written else {
            self.in_memory_only = true;
            return;
        };
        let offset = w.blocks.last().map_or(0, |(o, l)| o + *l as u64);
        match w.file.write_all_at(&self.coded, offset) {
            Ok(()) => {
                w.blocks.push((offset, self.coded.len()));
                self.coded.clear();
            }
            Err(_) => self.in_memory_only = true,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The paths in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            list: self,
            block: 0,
            read: Vec::new(),
            in_memory: false,
            at: 0,
            path: String::new(),
        }
    }

    /// The paths in order, `size` at a time (to share out among threads).
    pub fn chunks(&self, size: usize) -> impl Iterator<Item = Vec<String>> + '_ {
        let mut paths = self.iter();
        std::iter::from_fn(move || {
            let chunk: Vec<String> = paths.by_ref().take(size).collect();
            (!chunk.is_empty()).then_some(chunk)
        })
    }
}

impl FromIterator<String> for PathList {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> PathList {
        let mut list = PathList::default();
        for p in iter {
            list.push(&p);
        }
        list
    }
}

pub struct Iter<'a> {
    list: &'a PathList,
    /// The next block to read from disk.
    block: usize,
    read: Vec<u8>,
    /// Reading the block in memory (after every one on disk).
    in_memory: bool,
    at: usize,
    path: String,
}

impl Iter<'_> {
    /// The block being read: one read from disk, or the one in memory.
    fn coded(&self) -> &[u8] {
        match self.in_memory {
            true => &self.list.coded,
            false => &self.read,
        }
    }

    /// Move on to the next block; `false` after the last.
    fn next_block(&mut self) -> bool {
        let blocks = self
            .list
            .written
            .as_ref()
            .map_or(&[][..], |w| &w.blocks[..]);
        if let Some(&(offset, len)) = blocks.get(self.block) {
            let file = &self.list.written.as_ref().expect("blocks written").file;
            self.read.resize(len, 0);
            // The list's own file, just written: failing to read it back is the disk
            // failing, and a list cut short would miss files.
            file.read_exact_at(&mut self.read, offset)
                .unwrap_or_else(|e| panic!("the temporary list of the store's files: {e}"));
            self.block += 1;
        } else if !self.in_memory {
            self.in_memory = true;
            self.read = Vec::new();
        } else {
            return false;
        }
        self.at = 0;
        true
    }
}

impl Iterator for Iter<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        while self.at >= self.coded().len() {
            if !self.next_block() {
                return None;
            }
        }
        let mut at = self.at;
        let coded = match self.in_memory {
            true => &self.list.coded[..],
            false => &self.read[..],
        };
        let shared = take_number(coded, &mut at);
        let rest = take_number(coded, &mut at);
        let bytes = &coded[at..at + rest];
        self.at = at + rest;
        self.path.truncate(shared);
        // Pushed as whole `&str`s and cut on character boundaries: always UTF-8.
        self.path
            .push_str(std::str::from_utf8(bytes).expect("pushed as UTF-8"));
        Some(self.path.clone())
    }
}

/// How many leading bytes `a` and `b` share, cut back to a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !b.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// `n` in LEB128: seven bits a byte, low first.
fn put_number(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn take_number(coded: &[u8], at: &mut usize) -> usize {
    let (mut n, mut shift) = (0usize, 0);
    loop {
        let b = coded[*at];
        *at += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return n;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_back_as_pushed_in_order_and_in_chunks() {
        let long = "长".repeat(100);
        let paths: Vec<String> = [
            "records/customer/2026/000/CUS-2026-000001/v0001.toml",
            "records/customer/2026/000/CUS-2026-000001/v0002.toml",
            "records/customer/2026/000/CUS-2026-000002/v0001.toml",
            "records/_actors/王芳/v0001.toml",
            "records/_actors/王五/v0001.toml",
            "records/_actors/王五/v0001.toml",
            "",
            "records/papers/合同扫描件.pdf",
            &format!("records/{long}"),
            "a",
        ]
        .map(String::from)
        .to_vec();
        let list: PathList = paths.iter().cloned().collect();
        assert_eq!(list.len(), paths.len());
        assert_eq!(list.iter().collect::<Vec<_>>(), paths);
        let chunks: Vec<Vec<String>> = list.chunks(3).collect();
        assert_eq!(chunks.len(), 4);
        assert_eq!(chunks.concat(), paths);
        assert!(list.coded.len() < paths.iter().map(String::len).sum::<usize>());
    }

    #[test]
    fn a_list_longer_than_a_block_comes_back_from_its_file() {
        let paths: Vec<String> = (0..20_000)
            .map(|n| {
                format!(
                    "records/customer/2026/{:03}/CUS-2026-{n:06}/v0001.toml",
                    n / 1000
                )
            })
            .collect();
        let list: PathList = paths.iter().cloned().collect();
        assert!(list.written.as_ref().is_some_and(|w| w.blocks.len() > 10));
        assert_eq!(list.iter().collect::<Vec<_>>(), paths);
        let chunked: Vec<String> = list.chunks(999).flatten().collect();
        assert_eq!(chunked, paths);
    }
}
