//! Line numbers as an editor shows them, whatever ends the lines: CRLF (what Excel
//! writes), LF or a lone CR each end one line, and a quoted line break inside a cell is a
//! line too. Errors in imported files point at the line a person will look at.

/// Counts lines up to byte offsets given in increasing order.
pub struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line a CSV record starts on. The csv crate places a record that follows a CRLF
    /// at the LF: line breaks at the offset belong before the record.
    pub fn line_of_record(&mut self, offset: usize) -> usize {
        let mut start = offset.min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line_at(start)
    }

    /// The 1-based line holding byte `offset` (offsets must not go backwards).
    pub fn line_at(&mut self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        while self.at < end {
            match self.text[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
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
        let mut lines = LineCounter::new(text);
        // Where the csv crate says the records start: at the LF of the CRLF before them.
        assert_eq!(lines.line_of_record(2), 2);
        assert_eq!(lines.line_of_record(5), 3);
    }

    #[test]
    fn every_line_ending_ends_one_line() {
        for text in ["a\nb\nc", "a\r\nb\r\nc", "a\rb\rc"] {
            let c_at = text.find('c').unwrap();
            let b_at = text.find('b').unwrap();
            let mut lines = LineCounter::new(text);
            assert_eq!(lines.line_at(0), 1, "{text:?}");
            assert_eq!(lines.line_at(b_at), 2, "{text:?}");
            assert_eq!(lines.line_at(c_at), 3, "{text:?}");
        }
    }
}
