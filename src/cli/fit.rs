//! Tables fit the terminal they are printed on: the widest columns give way, their long
//! cells cut with `…`, so a row never wraps into the next. Output to a pipe or a file is
//! never cut: scripts get every character.

use std::io::IsTerminal;
use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

/// The narrowest a column is cut to: enough for an id's start or a short word.
const NARROWEST: usize = 8;

/// How wide the terminal on stdout is (`COLUMNS` first, as `ls` reads it), or `None` when
/// stdout is not a terminal.
pub fn terminal_width() -> Option<usize> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(n);
    }
    rustix::termios::tcgetwinsize(&stdout)
        .ok()
        .map(|w| w.ws_col as usize)
        .filter(|n| *n > 0)
}

/// Narrow `widths` (columns two spaces apart) until the row fits in `available`, taking
/// from the widest column first and none below `NARROWEST` (or its header's width).
pub fn fit(widths: &mut [usize], headers: &[usize], available: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    let floor = |i: usize| headers[i].max(NARROWEST);
    while widths.iter().sum::<usize>() + gaps > available {
        let widest = (0..widths.len())
            .filter(|&i| widths[i] > floor(i))
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] -= 1,
            None => return, // as narrow as a column may be: the terminal wraps the rest
        }
    }
}

/// `cell` cut to `width` columns, its end shown as `…` when anything was cut.
pub fn cut(cell: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if cell.width() <= width {
        return cell.into();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_column_gives_way_first() {
        let mut widths = vec![15, 8, 60];
        fit(&mut widths, &[2, 4, 7], 80);
        assert_eq!(widths.iter().sum::<usize>() + 4, 80);
        assert_eq!(widths[..2], [15, 8]);
        let mut narrow = vec![15, 8, 60];
        fit(&mut narrow, &[2, 4, 7], 10);
        assert_eq!(narrow, [8, 8, 8], "never below the narrowest");
    }

    #[test]
    fn cells_are_cut_by_display_width() {
        assert_eq!(cut("short", 8), "short");
        assert_eq!(cut("杭州市西湖区文三路12号", 9), "杭州市西…");
        assert_eq!(cut("customer=CUS-2026-000001", 12), "customer=CU…");
        assert!(cut("杭州市西湖区文三路12号", 9).width() <= 9);
    }
}
