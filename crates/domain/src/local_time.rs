//! Wall-clock times in a client's time zone: turning "Tuesday 12:30 in Paris" into an instant, refusing the minutes
//! that do not exist (spring forward) and naming both instants of those that happen twice (fall back).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, Zoned};

use crate::Invalid;

/// How to treat a wall-clock time that is skipped or repeated by a daylight-saving change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ambiguity {
    /// Refuse both (the CSV importer: the user must say which one they meant).
    Refuse,
    /// A skipped time moves forward by the gap, a repeated one takes its first instant (dragging a post to another
    /// day keeps its wall-clock time the way a person expects).
    Compatible,
}

/// Why a wall-clock time names no single instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error("{time} does not exist in {zone} (the clocks move forward at that time)")]
    Gap { time: String, zone: String },
    #[error("{time} happens twice in {zone} (at {first} and at {second}); give the offset to say which")]
    Fold { time: String, zone: String, first: String, second: String },
    #[error("unknown time zone '{0}'")]
    Zone(String),
}

impl From<LocalTimeError> for Invalid {
    fn from(e: LocalTimeError) -> Self {
        Invalid::new("time", e.to_string())
    }
}

/// Loads a time zone by its IANA name.
pub fn zone(name: &str) -> Result<TimeZone, LocalTimeError> {
    TimeZone::get(name).map_err(|_| LocalTimeError::Zone(name.to_owned()))
}

/// The instant of `date` at `time` on the wall clocks of `tz`.
pub fn resolve(tz: &TimeZone, date: Date, time: Time, ambiguity: Ambiguity) -> Result<Timestamp, LocalTimeError> {
    let civil = DateTime::from_parts(date, time);
    let zone_name = tz.iana_name().unwrap_or("the time zone").to_owned();
    let ambiguous = tz.to_ambiguous_timestamp(civil);
    match (ambiguous.offset(), ambiguity) {
        (AmbiguousOffset::Unambiguous { offset }, _) => {
            offset.to_timestamp(civil).map_err(|_| LocalTimeError::Gap { time: civil.to_string(), zone: zone_name })
        }
        (AmbiguousOffset::Gap { .. }, Ambiguity::Refuse) => {
            Err(LocalTimeError::Gap { time: format_civil(civil), zone: zone_name })
        }
        (AmbiguousOffset::Fold { before, after }, Ambiguity::Refuse) => Err(LocalTimeError::Fold {
            time: format_civil(civil),
            zone: zone_name,
            first: format!("{}", before),
            second: format!("{}", after),
        }),
        (_, Ambiguity::Compatible) => {
            ambiguous.compatible().map_err(|_| LocalTimeError::Gap { time: format_civil(civil), zone: zone_name })
        }
    }
}

fn format_civil(civil: DateTime) -> String {
    civil.strftime("%Y-%m-%d %H:%M").to_string()
}

/// `instant` on the wall clocks of `tz`.
pub fn in_zone(instant: Timestamp, tz: &TimeZone) -> Zoned {
    instant.to_zoned(tz.clone())
}

/// The instants where the local day `date` starts and the next one starts (23, 24 or 25 hours apart).
pub fn day_bounds(tz: &TimeZone, date: Date) -> (Timestamp, Timestamp) {
    let start = |d: Date| {
        d.to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or_else(|_| {
            // Only reachable at the edges of the representable range; fall back to UTC midnight.
            d.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
        })
    };
    let next = date.tomorrow().unwrap_or(date);
    (start(date), start(next))
}

/// The short name of the zone's offset at `instant` (`CET`, `CEST`, `EST`), for labels next to times.
pub fn abbreviation(tz: &TimeZone, instant: Timestamp) -> String {
    tz.to_offset_info(instant).abbreviation().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn paris() -> TimeZone {
        zone("Europe/Paris").unwrap()
    }

    #[test]
    fn a_summer_time_in_paris_is_two_hours_ahead_of_utc() {
        let at = resolve(&paris(), date(2026, 7, 14), time(12, 30, 0, 0), Ambiguity::Refuse).unwrap();
        assert_eq!(at.to_string(), "2026-07-14T10:30:00Z");
        assert_eq!(abbreviation(&paris(), at), "CEST");
    }

    #[test]
    fn the_skipped_hour_of_spring_forward_is_refused_or_moved_forward() {
        // 29 March 2026: clocks jump from 02:00 to 03:00 in Paris.
        let err = resolve(&paris(), date(2026, 3, 29), time(2, 30, 0, 0), Ambiguity::Refuse).unwrap_err();
        assert!(matches!(err, LocalTimeError::Gap { .. }), "{err}");
        assert!(err.to_string().contains("2026-03-29 02:30"), "{err}");
        let moved = resolve(&paris(), date(2026, 3, 29), time(2, 30, 0, 0), Ambiguity::Compatible).unwrap();
        assert_eq!(moved.to_string(), "2026-03-29T01:30:00Z"); // 03:30 CEST
    }

    #[test]
    fn the_repeated_hour_of_fall_back_names_both_instants() {
        // 1 November 2026 in New York: 01:30 happens at -04:00 then at -05:00.
        let ny = zone("America/New_York").unwrap();
        let err = resolve(&ny, date(2026, 11, 1), time(1, 30, 0, 0), Ambiguity::Refuse).unwrap_err();
        match &err {
            LocalTimeError::Fold { first, second, .. } => assert_eq!((first.as_str(), second.as_str()), ("-04", "-05")),
            other => panic!("expected a fold, got {other}"),
        }
        let first = resolve(&ny, date(2026, 11, 1), time(1, 30, 0, 0), Ambiguity::Compatible).unwrap();
        assert_eq!(first.to_string(), "2026-11-01T05:30:00Z");
    }

    #[test]
    fn days_around_the_changes_last_23_and_25_hours() {
        let (a, b) = day_bounds(&paris(), date(2026, 3, 29));
        assert_eq!(b.duration_since(a).as_hours(), 23);
        let (a, b) = day_bounds(&paris(), date(2026, 10, 25));
        assert_eq!(b.duration_since(a).as_hours(), 25);
        let (a, b) = day_bounds(&paris(), date(2026, 7, 1));
        assert_eq!(b.duration_since(a).as_hours(), 24);
    }
}
