//! Inputs docket reads whole — a record file, an import map, an import, an archived
//! paper — are read only up to a limit the policy sets, so a huge or endless input
//! (`/dev/zero`, a wrong file) is refused with a clear message instead of being read until
//! memory runs out.

use crate::error::{Error, InputError, Location, Result};
use std::io::Read;
use std::path::Path;

/// What is being read, for the message: its name and the `[policy]` setting bounding it.
#[derive(Clone, Copy)]
pub struct Limit {
    pub bytes: u64,
    pub setting: &'static str,
    /// A line's limit too (an import), or none.
    pub line_bytes: Option<u64>,
}

/// `n` bytes as people read a size: `64 KiB`, `1 MiB`, `1.5 GiB`.
pub fn size(n: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn too_big(shown: &str, limit: Limit) -> Error {
    InputError::new(
        Location::file(shown),
        t!(
            "bounded-larger-than-limit",
            size = size(limit.bytes),
            setting = limit.setting
        ),
    )
    .hint(t!("bounded-check-file-or-raise", setting = limit.setting))
    .into()
}

pub(crate) fn line_too_long(shown: &str, line: usize, limit: u64) -> Error {
    InputError::new(
        Location::file(shown).line(Some(line)),
        t!("bounded-line-longer-than-limit", size = size(limit)),
    )
    .hint(t!("bounded-check-csv-or-raise"))
    .into()
}

/// Read `reader` (named `shown` in messages) whole, refusing it as soon as it passes the
/// limit, or a line passes the line limit.
pub fn read(reader: impl Read, shown: &str, limit: Limit) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut taken = reader.take(limit.bytes + 1);
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut line, mut line_len) = (1usize, 0u64);
    loop {
        let n = match taken.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(shown, e)),
        };
        if let Some(max) = limit.line_bytes {
            for &b in &chunk[..n] {
                if b == b'\n' {
                    line += 1;
                    line_len = 0;
                } else {
                    line_len += 1;
                    if line_len > max {
                        return Err(line_too_long(shown, line, max));
                    }
                }
            }
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() as u64 > limit.bytes {
            return Err(too_big(shown, limit));
        }
    }
    Ok(out)
}

/// Read the file at `path` whole within `limit`; a regular file larger than the limit is
/// refused before a byte is read.
pub fn read_file(path: &Path, limit: Limit) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > limit.bytes
    {
        return Err(too_big(&shown, limit));
    }
    read(file, &shown, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(bytes: u64, line_bytes: Option<u64>) -> Limit {
        Limit {
            bytes,
            setting: "max_file_bytes",
            line_bytes,
        }
    }

    #[test]
    fn reads_up_to_the_limit_and_not_a_byte_more() {
        let ten = [b'a'; 10];
        assert_eq!(read(&ten[..], "x", limit(10, None)).unwrap(), ten);
        assert!(read(&ten[..], "x", limit(9, None)).is_err());
        // An endless input is refused after the limit, not read until memory runs out.
        assert!(read(std::io::repeat(0), "zero", limit(1 << 20, None)).is_err());
    }

    #[test]
    fn a_line_longer_than_its_limit_is_named_by_number() {
        let text = b"a,b\n1,2\n333333\n";
        assert!(read(&text[..], "x", limit(100, Some(6))).is_ok());
        let e = read(&text[..], "x", limit(100, Some(5))).unwrap_err();
        assert!(e.to_string().contains(":3"), "{e}");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(500), "500 bytes");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(3 << 29), "1.5 GiB");
    }
}
