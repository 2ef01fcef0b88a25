//! A long list of store paths held front-coded: each path as how much it shares with the
//! one before and the rest. `verify` lists every file of a store of millions while it
//! replays the log; in a sharded layout neighbours share all but a dozen bytes, so a
//! million paths take about 15 MB rather than 90.

/// Paths in the order pushed, each as (bytes shared with the one before, the rest).
#[derive(Default)]
pub struct PathList {
    coded: Vec<u8>,
    last: String,
    len: usize,
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
            coded: &self.coded,
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
    coded: &'a [u8],
    at: usize,
    path: String,
}

impl Iterator for Iter<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.at >= self.coded.len() {
            return None;
        }
        let shared = take_number(self.coded, &mut self.at);
        let rest = take_number(self.coded, &mut self.at);
        let bytes = &self.coded[self.at..self.at + rest];
        self.at += rest;
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
}
