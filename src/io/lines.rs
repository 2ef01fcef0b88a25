//! Line numbers as an editor shows them, whatever ends the lines: CRLF (what Excel
//! writes), LF or a lone CR each end one line, and a quoted line break inside a cell is a
//! line too. Errors in imported files point at the line a person will look at.

use std::io::Read;

/// How much of the text is read at a time.
const PIECE: usize = 64 * 1024;

/// Counts lines up to byte offsets given in increasing order, reading its own copy of
/// the text as a stream: only the piece around the offset asked is held.
pub struct LineCounter<R> {
    text: R,
    /// The text from `held_from` on, read and not yet counted past.
    held: Vec<u8>,
    held_from: usize,
    done: bool,
    at: usize,
    line: usize,
}

impl<R: Read> LineCounter<R> {
    pub fn new(text: R) -> Self {
        LineCounter {
            text,
            held: Vec::new(),
            held_from: 0,
            done: false,
            at: 0,
            line: 1,
        }
    }

    /// The byte at `offset`, reading on as far as needed; none past the end (or behind
    /// what was already counted).
    fn byte(&mut self, offset: usize) -> Option<u8> {
        while offset >= self.held_from + self.held.len() && !self.done {
            // What lies before the count is never asked again.
            let counted = (self.at.max(self.held_from) - self.held_from).min(self.held.len());
            self.held.drain(..counted);
            self.held_from += counted;
            let old = self.held.len();
            self.held.resize(old + PIECE, 0);
            let n = loop {
                match self.text.read(&mut self.held[old..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other.unwrap_or(0),
                }
            };
            self.held.truncate(old + n);
            self.done = n == 0;
        }
        self.held.get(offset.checked_sub(self.held_from)?).copied()
    }

    /// The line a CSV record starts on. The csv crate places a record that follows a CRLF
    /// at the LF: line breaks at the offset belong before the record.
    pub fn line_of_record(&mut self, offset: usize) -> usize {
        let mut start = offset;
        while matches!(self.byte(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line_at(start)
    }

    /// The 1-based line holding byte `offset` (offsets must not go backwards).
    pub fn line_at(&mut self, offset: usize) -> usize {
        while self.at < offset {
            match self.byte(self.at) {
                None => break,
                Some(b'\n') => self.line += 1,
                Some(b'\r') if self.byte(self.at + 1) != Some(b'\n') => self.line += 1,
                Some(_) => {}
            }
            self.at += 1;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_after_crlf_start_on_the_next_line() {
        let text = "h\r\na\r\nb";
        let mut lines = LineCounter::new(text.as_bytes());
        // Where the csv crate says the records start: at the LF of the CRLF before them.
        assert_eq!(lines.line_of_record(2), 2);
        assert_eq!(lines.line_of_record(5), 3);
    }

    #[test]
    fn every_line_ending_ends_one_line() {
        for text in ["a\nb\nc", "a\r\nb\r\nc", "a\rb\rc"] {
            let c_at = text.find('c').unwrap();
            let b_at = text.find('b').unwrap();
            let mut lines = LineCounter::new(text.as_bytes());
            assert_eq!(lines.line_at(0), 1, "{text:?}");
            assert_eq!(lines.line_at(b_at), 2, "{text:?}");
            assert_eq!(lines.line_at(c_at), 3, "{text:?}");
        }
    }

    #[test]
    fn lines_are_counted_across_the_pieces_read() {
        // A CRLF cut by the end of a piece, and lines far past the first piece.
        let mut text = "x".repeat(PIECE - 1);
        text.push_str("\r\n");
        for _ in 0..50_000 {
            text.push_str("ab\r");
        }
        let mut lines = LineCounter::new(text.as_bytes());
        assert_eq!(lines.line_of_record(PIECE - 1), 2);
        assert_eq!(lines.line_at(PIECE + 1), 2);
        assert_eq!(lines.line_at(PIECE + 1 + 3 * 40_000), 40_002);
        assert_eq!(lines.line_at(text.len() + 10), 50_002);
    }
}
