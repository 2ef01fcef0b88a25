//! An import's input, never held whole: checked once, a piece at a time, for its size,
//! its lines' lengths and its encoding, then handed out as UTF-8 from its start as often
//! as the import's passes ask. An import of a million rows then holds none of its text.

use super::bounded::{self, Limit};
use super::encoding;
use crate::error::{Error, InputError, Location, Result};
use encoding_rs::{Encoding, UTF_8};
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How much of the start is kept for recognising what the file is.
const HEAD: usize = 64 * 1024;

/// The size of the pieces the file is read in.
const PIECE: usize = 256 * 1024;

pub struct Source {
    /// The file itself, or (a pipe) a copy of it in a file without a name.
    file: File,
    /// Where the text begins: after a byte-order mark.
    start: u64,
    encoding: &'static Encoding,
    /// How many lines the file has (for progress).
    pub lines: usize,
}

/// What one reading of the whole file learnt.
struct Scan {
    head: Vec<u8>,
    blank: bool,
    utf8: bool,
    lines: usize,
}

impl Source {
    /// Open and check `path` (named `shown` in messages). `requested` is `--encoding`,
    /// `default` the store's; the encoding is chosen as `encoding::decode` chooses it.
    pub fn open(
        path: &Path,
        shown: &str,
        limit: Limit,
        requested: Option<&str>,
        default: &str,
    ) -> Result<Source> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        let file = if meta.is_file() {
            if meta.len() > limit.bytes {
                // Read in full only to be refused in the same words as any other input.
                bounded::read_file(path, limit)?;
            }
            file
        } else {
            copy_of(file, shown, limit)?
        };
        let scan = scan(&file, shown, limit)?;
        recognise(shown, &scan.head, scan.blank)?;
        let (encoding, bom) = match Encoding::for_bom(&scan.head) {
            Some((enc, len)) => (enc, len as u64),
            None if scan.utf8 => (UTF_8, 0),
            None => (encoding::lookup(requested.unwrap_or(default))?, 0),
        };
        let source = Source {
            file,
            start: bom,
            encoding,
            lines: scan.lines,
        };
        if encoding != UTF_8 || !scan.utf8 {
            encoding::check_stream(shown, source.raw(), encoding)?;
        }
        Ok(source)
    }

    /// The encoding the text was read in (`UTF-8`, `GB18030`).
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// The text as UTF-8, from its start.
    pub fn text(&self) -> Box<dyn Read + '_> {
        if self.encoding == UTF_8 {
            return Box::new(self.raw());
        }
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(self.encoding))
                .build(self.raw()),
        )
    }

    /// The file's bytes after the byte-order mark.
    fn raw(&self) -> At<'_> {
        At {
            file: &self.file,
            at: self.start,
        }
    }
}

/// A reader of `file` from `at`, on its own: several read one file at once.
struct At<'f> {
    file: &'f File,
    at: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// A pipe's text, copied within the limit into a file without a name, to be read again.
fn copy_of(pipe: File, shown: &str, limit: Limit) -> Result<File> {
    let bytes = bounded::read(pipe, shown, limit)?;
    let mut copy = tempfile::tempfile().map_err(|e| Error::io(shown, e))?;
    copy.write_all(&bytes).map_err(|e| Error::io(shown, e))?;
    Ok(copy)
}

/// Read the whole file once: its start, whether it holds anything but blanks, whether
/// it is UTF-8, its lines; a line over the limit is refused here.
fn scan(file: &File, shown: &str, limit: Limit) -> Result<Scan> {
    let mut found = Scan {
        head: Vec::new(),
        blank: true,
        utf8: true,
        lines: 0,
    };
    let mut reader = At { file, at: 0 };
    let mut piece = vec![0u8; PIECE];
    // The bytes of a UTF-8 character cut by the end of a piece.
    let mut carried: Vec<u8> = Vec::new();
    let (mut line_len, mut last) = (0u64, b'\n');
    loop {
        let n = reader.read(&mut piece).map_err(|e| Error::io(shown, e))?;
        if n == 0 {
            break;
        }
        let bytes = &piece[..n];
        if found.head.len() < HEAD {
            let take = (HEAD - found.head.len()).min(n);
            found.head.extend_from_slice(&bytes[..take]);
        }
        found.blank = found.blank && bytes.iter().all(u8::is_ascii_whitespace);
        for &b in bytes {
            if b == b'\n' {
                found.lines += 1;
                line_len = 0;
            } else {
                line_len += 1;
                if let Some(max) = limit.line_bytes.filter(|max| line_len > *max) {
                    return Err(bounded::line_too_long(shown, found.lines + 1, max));
                }
            }
        }
        last = bytes[n - 1];
        if found.utf8 {
            carried.extend_from_slice(bytes);
            match std::str::from_utf8(&carried) {
                Ok(_) => carried.clear(),
                Err(e) if e.error_len().is_none() => {
                    carried.drain(..e.valid_up_to());
                }
                Err(_) => found.utf8 = false,
            }
        }
    }
    found.utf8 = found.utf8 && carried.is_empty();
    if last != b'\n' {
        found.lines += 1;
    }
    Ok(found)
}

/// Files that are not CSV are named for what they are, before anything reads them as
/// rows: `head` is the file's start, `blank` whether it holds nothing but blanks.
pub fn recognise(file: &str, head: &[u8], blank: bool) -> Result<()> {
    let start = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = start.iter().find(|b| !b.is_ascii_whitespace());
    let lead = &head[..head.len().min(200)];
    let (problem, hint) = if blank {
        (
            t!("import-file-empty"),
            t!("import-export-rows-header-line"),
        )
    } else if head.starts_with(b"PK\x03\x04") {
        (
            t!("import-excel-workbook-xlsx-another"),
            t!("import-excel-file-save-csv"),
        )
    } else if lead.iter().filter(|b| **b == 0).count() * 4 >= lead.len() {
        (
            t!("import-looks-like-utf-text"),
            t!("import-save-csv-utf-utf"),
        )
    } else if matches!(first, Some(b'{') | Some(b'[')) {
        (
            t!("import-looks-like-json-docket"),
            t!("import-export-format-csv-convert"),
        )
    } else {
        return Ok(());
    };
    Err(InputError::new(Location::file(file), problem)
        .hint(hint)
        .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit() -> Limit {
        Limit {
            bytes: 1 << 30,
            setting: "max_import_bytes",
            line_bytes: Some(1 << 20),
        }
    }

    fn source_of(bytes: &[u8], requested: Option<&str>) -> Result<Source> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, bytes).unwrap();
        Source::open(&path, "in.csv", limit(), requested, "gb18030")
    }

    fn text_of(source: &Source) -> String {
        let mut s = String::new();
        source.text().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn utf8_cut_at_every_piece_boundary_is_still_utf8() {
        // A three-byte character across the end of the first piece.
        let mut text = "a".repeat(PIECE - 1);
        text.push_str("张三\n");
        let source = source_of(text.as_bytes(), None).unwrap();
        assert_eq!(source.encoding(), "UTF-8");
        assert_eq!(text_of(&source), text);
        assert_eq!(source.lines, 1);
    }

    #[test]
    fn gb18030_is_decoded_as_a_stream_and_a_bom_is_left_out() {
        let (gb, _, _) = encoding_rs::GB18030.encode("姓名\n张三\n");
        let source = source_of(&gb, None).unwrap();
        assert_eq!(source.encoding(), "gb18030");
        assert_eq!(text_of(&source), "姓名\n张三\n");
        let source = source_of("\u{feff}姓名\n".as_bytes(), None).unwrap();
        assert_eq!(text_of(&source), "姓名\n");
    }

    #[test]
    fn text_bad_in_its_encoding_names_the_line() {
        let Err(Error::Invalid(errors)) = source_of(b"name\nok\n\xff\xff\xff\n", None) else {
            panic!("0xFF is no GB18030");
        };
        assert_eq!(errors[0].at.line, Some(3));
    }
}
