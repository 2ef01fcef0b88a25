//! Text encodings of imported and exported files. Chinese Excel saves CSV as GB18030/GBK
//! by default; others write UTF-8 with or without a BOM. Decoding never guesses silently:
//! a BOM decides, then strict UTF-8, then the named (or store default) encoding — and
//! text that is not valid in it is refused with the line of the first bad byte.

use crate::error::{InputError, Location};
use encoding_rs::Encoding;

/// The encoding a name stands for (`utf-8`, `gb18030`, `gbk`, …).
pub fn lookup(name: &str) -> Result<&'static Encoding, InputError> {
    Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
        InputError::new(
            Location::file("--encoding"),
            t!("encoding-unknown-encoding", name = name),
        )
        .hint(t!("encoding-use-utf-gb-also"))
    })
}

/// Decode `bytes` read from `file`. `requested` is `--encoding`, `default` the store's.
pub fn decode(
    file: &str,
    bytes: &[u8],
    requested: Option<&str>,
    default: &str,
) -> Result<(String, &'static str), InputError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return strict(file, &bytes[bom_len..], enc).map(|t| (t, enc.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    let enc = lookup(requested.unwrap_or(default))?;
    strict(file, bytes, enc).map(|t| (t, enc.name()))
}

/// Check that everything `reader` gives (read from `file`) is valid text in `enc`, a
/// piece at a time; refused like `decode` refuses it, with the line of the first bad byte.
pub fn check_stream(
    file: &str,
    mut reader: impl std::io::Read,
    enc: &'static Encoding,
) -> Result<(), crate::error::Error> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut piece = vec![0u8; 64 * 1024];
    let mut out = String::new();
    let (mut newlines, mut last) = (0usize, false);
    while !last {
        let n = reader
            .read(&mut piece)
            .map_err(|e| crate::error::Error::io(file, e))?;
        last = n == 0;
        let mut input = &piece[..n];
        loop {
            out.clear();
            let room = decoder.max_utf8_buffer_length_without_replacement(input.len());
            out.reserve(room.unwrap_or(input.len() * 4 + 16));
            let (result, read) =
                decoder.decode_to_string_without_replacement(input, &mut out, last);
            if let encoding_rs::DecoderResult::Malformed(len, _) = result {
                let bad = read.saturating_sub(len as usize);
                let line = newlines + input[..bad].iter().filter(|b| **b == b'\n').count() + 1;
                return Err(not_valid(file, line, enc).into());
            }
            newlines += input[..read].iter().filter(|b| **b == b'\n').count();
            input = &input[read..];
            if matches!(result, encoding_rs::DecoderResult::InputEmpty) {
                break;
            }
        }
    }
    Ok(())
}

fn not_valid(file: &str, line: usize, enc: &'static Encoding) -> InputError {
    InputError::new(
        Location::file(file).line(Some(line)),
        t!("encoding-text-not-valid-byte", name = enc.name()),
    )
    .hint(t!("encoding-name-file-s-encoding"))
}

fn strict(file: &str, bytes: &[u8], enc: &'static Encoding) -> Result<String, InputError> {
    if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    // Find the first undecodable byte to name its line.
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 2);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    let bad = match result {
        encoding_rs::DecoderResult::Malformed(len, _) => read.saturating_sub(len as usize),
        _ => read,
    };
    let line = bytes[..bad.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1;
    Err(not_valid(file, line, enc))
}

/// What an export is written in: GB18030 (what Chinese Excel opens by default, and
/// every character has a form in it), UTF-8 with a byte-order mark (which Excel reads as
/// UTF-8), or plain UTF-8 (for scripts, and JSON always).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportEncoding {
    Gb18030,
    Utf8Bom,
    Utf8,
}

impl ExportEncoding {
    /// The export encoding that matches a store's import encoding: GB18030 for the GB
    /// family (GB18030, GBK, GB2312), UTF-8 for any other.
    pub fn for_store(import_encoding: &str) -> ExportEncoding {
        match Encoding::for_label(import_encoding.trim().as_bytes()) {
            Some(e) if e == encoding_rs::GB18030 || e == encoding_rs::GBK => {
                ExportEncoding::Gb18030
            }
            _ => ExportEncoding::Utf8,
        }
    }

    /// The name `--encoding` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportEncoding::Gb18030 => "gb18030",
            ExportEncoding::Utf8Bom => "utf-8-bom",
            ExportEncoding::Utf8 => "utf-8",
        }
    }

    /// How many bytes of byte-order mark `encode` puts first.
    pub fn mark_len(self) -> usize {
        match self {
            ExportEncoding::Utf8Bom => 3,
            ExportEncoding::Gb18030 | ExportEncoding::Utf8 => 0,
        }
    }

    /// `text` in this encoding.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            // GB18030 maps every Unicode character: nothing is lost or replaced.
            ExportEncoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
            ExportEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            ExportEncoding::Utf8 => text.as_bytes().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_then_utf8_then_default() {
        let bom = [&[0xEF, 0xBB, 0xBF][..], "名称\n".as_bytes()].concat();
        assert_eq!(decode("f", &bom, None, "gb18030").unwrap().0, "名称\n");
        assert_eq!(
            decode("f", "名称\n".as_bytes(), Some("gb18030"), "gb18030")
                .unwrap()
                .0,
            "名称\n"
        );
        let (gb, _, _) = encoding_rs::GB18030.encode("名称\n");
        assert_eq!(decode("f", &gb, None, "gb18030").unwrap().0, "名称\n");
    }

    #[test]
    fn invalid_bytes_name_their_line() {
        let bytes = b"a,b\nc,d\n\xff\xff\n";
        let err = decode("f.csv", bytes, Some("utf-8"), "gb18030").unwrap_err();
        assert_eq!(err.at.line, Some(3));
    }

    #[test]
    fn exports_are_written_as_excel_or_scripts_read_them() {
        for (store, export) in [
            ("gb18030", ExportEncoding::Gb18030),
            ("GBK", ExportEncoding::Gb18030),
            ("gb2312", ExportEncoding::Gb18030),
            ("utf-8", ExportEncoding::Utf8),
            ("big5", ExportEncoding::Utf8),
        ] {
            assert_eq!(ExportEncoding::for_store(store), export, "{store}");
        }
        let text = "名称,\u{1f600}\n";
        let gb = ExportEncoding::Gb18030.encode(text);
        assert_eq!(decode("f", &gb, None, "gb18030").unwrap().0, text);
        let bom = ExportEncoding::Utf8Bom.encode(text);
        assert_eq!(bom[..3], [0xEF, 0xBB, 0xBF]);
        assert_eq!(
            decode("f", &bom, None, "gb18030").unwrap(),
            (text.into(), "UTF-8")
        );
    }
}
