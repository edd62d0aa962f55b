//! Recurring posting slots of an account ("Tuesday and Thursday at 12:30"): the queue a draft can be dropped into.

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::ids::{AccountId, SlotId};
use crate::local_time::{resolve, Ambiguity};
use crate::Invalid;

/// One weekly slot, on the wall clock of the client's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingSlot {
    pub id: SlotId,
    pub account_id: AccountId,
    pub weekday: Weekday,
    pub time: Time,
}

/// Parses `"tue 12:30"`, `"mardi 12:30"` or `"2 12:30"` (ISO weekday number, Monday = 1).
pub fn parse_slot(value: &str) -> Result<(Weekday, Time), Invalid> {
    let bad = || Invalid::new("slot", format!("'{value}' is not a weekday and a time, like 'tue 12:30'"));
    let mut parts = value.split_whitespace();
    let (day, time) = (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
    if parts.next().is_some() {
        return Err(bad());
    }
    let weekday = parse_weekday(day).ok_or_else(bad)?;
    let time: Time = time.parse().map_err(|_| bad())?;
    Ok((weekday, time.with().second(0).subsec_nanosecond(0).build().map_err(|_| bad())?))
}

fn parse_weekday(value: &str) -> Option<Weekday> {
    let v = value.trim().to_lowercase();
    let days = [
        (Weekday::Monday, ["1", "mon", "monday", "lun", "lundi"]),
        (Weekday::Tuesday, ["2", "tue", "tuesday", "mar", "mardi"]),
        (Weekday::Wednesday, ["3", "wed", "wednesday", "mer", "mercredi"]),
        (Weekday::Thursday, ["4", "thu", "thursday", "jeu", "jeudi"]),
        (Weekday::Friday, ["5", "fri", "friday", "ven", "vendredi"]),
        (Weekday::Saturday, ["6", "sat", "saturday", "sam", "samedi"]),
        (Weekday::Sunday, ["7", "sun", "sunday", "dim", "dimanche"]),
    ];
    days.into_iter().find(|(_, names)| names.contains(&v.as_str())).map(|(d, _)| d)
}

/// The first slot instant strictly after `after` that no post already occupies (`taken`, any order), looking at
/// most eight weeks ahead. Slots are wall-clock times: 12:30 stays 12:30 across a daylight-saving change; a slot in
/// the skipped hour moves forward by the gap.
pub fn next_free_slot(
    slots: &[(Weekday, Time)],
    tz: &TimeZone,
    after: Timestamp,
    taken: &[Timestamp],
) -> Option<Timestamp> {
    if slots.is_empty() {
        return None;
    }
    let start = after.to_zoned(tz.clone()).date();
    for offset in 0..=56_i32 {
        let date = start.checked_add(offset.days()).ok()?;
        let mut today: Vec<Timestamp> = slots
            .iter()
            .filter(|(day, _)| *day == date.weekday())
            .filter_map(|(_, time)| resolve(tz, date, *time, Ambiguity::Compatible).ok())
            .filter(|at| *at > after && !taken.contains(at))
            .collect();
        today.sort();
        if let Some(first) = today.first() {
            return Some(*first);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn slots_parse_in_english_french_and_numbers() {
        assert_eq!(parse_slot("tue 12:30").unwrap(), (Weekday::Tuesday, time(12, 30, 0, 0)));
        assert_eq!(parse_slot("Jeudi 18:05").unwrap(), (Weekday::Thursday, time(18, 5, 0, 0)));
        assert_eq!(parse_slot("7 09:00").unwrap().0, Weekday::Sunday);
        assert!(parse_slot("someday 12:30").is_err());
        assert!(parse_slot("tue 25:00").is_err());
    }

    #[test]
    fn the_next_free_slot_skips_taken_ones_and_keeps_wall_clock_time_across_dst() {
        let slots = [(Weekday::Tuesday, time(12, 30, 0, 0)), (Weekday::Thursday, time(12, 30, 0, 0))];
        // Monday 23 March 2026, 09:00 Paris (CET).
        let after: Timestamp = "2026-03-23T08:00:00Z".parse().unwrap();
        let first = next_free_slot(&slots, &paris(), after, &[]).unwrap();
        assert_eq!(first.to_string(), "2026-03-24T11:30:00Z"); // Tue 12:30 CET
        let second = next_free_slot(&slots, &paris(), after, &[first]).unwrap();
        assert_eq!(second.to_string(), "2026-03-26T11:30:00Z"); // Thu 12:30 CET
                                                                // The Tuesday after the change (29 March) is 12:30 CEST, i.e. 10:30 UTC.
        let third = next_free_slot(&slots, &paris(), after, &[first, second]).unwrap();
        assert_eq!(third.to_string(), "2026-03-31T10:30:00Z");
    }

    #[test]
    fn no_slot_means_no_suggestion() {
        assert_eq!(next_free_slot(&[], &paris(), Timestamp::UNIX_EPOCH, &[]), None);
    }
}
