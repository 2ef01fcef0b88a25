//! The clock: the machine's time, seen in the store's time zone (`policy.timezone`), so
//! that "today", the year in ids, training age, overdue archiving and effective dates
//! are the store's, not UTC's. Release builds read nothing else: only debug builds (the
//! test suite) may fix the time with `DOCKET_NOW`.

use crate::error::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// The store's default zone: the seed's company is in China.
pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

/// An IANA zone name, or a message saying it is not one.
pub fn zone(name: &str) -> std::result::Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        t!(
            "clock-not-iana-time-zone",
            name = name,
            DEFAULT_ZONE = DEFAULT_ZONE
        )
    })
}

/// Now, in `tz`.
pub fn now(tz: Tz) -> Result<DateTime<Tz>> {
    Ok(machine_time()?.with_timezone(&tz))
}

#[cfg(not(debug_assertions))]
fn machine_time() -> Result<DateTime<Utc>> {
    Ok(Utc::now())
}

/// Debug builds only: `DOCKET_NOW` (RFC 3339) fixes the clock for the tests.
#[cfg(debug_assertions)]
fn machine_time() -> Result<DateTime<Utc>> {
    match std::env::var("DOCKET_NOW") {
        Ok(s) => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|_| {
                crate::error::Error::usage(
                    t!("clock-docket-now-not-rfc", s = s),
                    Some(t!("clock-e-g-docket-now").to_string()),
                )
            }),
        Err(_) => Ok(Utc::now()),
    }
}

/// How times are written in entries and version files: seconds, with the zone's offset.
pub fn stamp(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Read a stamp back; `None` when it is not RFC 3339.
pub fn parse(stamp: &str) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::parse_from_rfc3339(stamp).ok()
}

/// A warning when the last entry is dated ahead of this machine's clock by more than
/// `skew` seconds. The act is still written, dated by this machine: an entry dated ahead
/// never stops anyone's work, and `verify` names it (or, should this machine's clock be
/// the one that is wrong, this act).
pub fn behind(now: &DateTime<Tz>, last: Option<&str>, skew: i64) -> Option<String> {
    let last_t = last.and_then(parse)?;
    (*now + chrono::Duration::seconds(skew) < last_t).then(|| {
        t!(
            "clock-machine-s-clock-says",
            stamp = stamp(now),
            unwrap_or_default = last.unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_carry_the_zone_offset() {
        let tz = zone("Asia/Shanghai").unwrap();
        let t = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z")
            .unwrap()
            .with_timezone(&tz);
        assert_eq!(stamp(&t), "2027-01-01T07:30:00+08:00");
        assert!(zone("Mars/Olympus").is_err());
    }

    #[test]
    fn a_clock_behind_the_log_is_refused() {
        let tz = zone("UTC").unwrap();
        let t = DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
            .unwrap()
            .with_timezone(&tz);
        assert!(behind(&t, Some("2026-03-01T17:00:00+08:00"), 0).is_none());
        assert!(behind(&t, Some("2026-03-01T17:00:01+08:00"), 0).is_some());
        assert!(behind(&t, Some("2026-03-01T17:00:01+08:00"), 1).is_none());
        assert!(behind(&t, None, 0).is_none());
    }
}
