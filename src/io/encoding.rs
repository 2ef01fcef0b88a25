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
    Err(InputError::new(
        Location::file(file).line(Some(line)),
        t!("encoding-text-not-valid-byte", name = enc.name()),
    )
    .hint(t!("encoding-name-file-s-encoding")))
}

/// Encode text for an export.
pub fn encode(text: &str, name: &str) -> Result<Vec<u8>, InputError> {
    let enc = lookup(name)?;
    if enc == encoding_rs::UTF_8 {
        return Ok(text.as_bytes().to_vec());
    }
    let (bytes, _, unmappable) = enc.encode(text);
    if unmappable {
        return Err(InputError::new(
            Location::file("--encoding"),
            t!("encoding-some-characters-cannot-written", name = enc.name()),
        )
        .hint(t!("encoding-export-utf-instead")));
    }
    Ok(bytes.into_owned())
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
}
