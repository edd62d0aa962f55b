//! When a client is answered: its business hours (`lun-ven 09:00-18:00; sam 10:00-13:00`), the time a target
//! (questions answered within an hour *of business time*) runs out, the business time an answer took, and the
//! duty rota that receives what arrives after hours (`lun-ven 18:00-09:00 alice@agence.fr`).
//!
//! Hours are wall-clock times in the client's time zone: 09:00 stays 09:00 across a daylight-saving change.
//! A span may end at `24:00`, or cross midnight in the rota (`18:00-09:00` runs into the next morning).

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::local_time::{resolve, Ambiguity};
use crate::Invalid;

/// Business hours when a client has not set its own.
pub const DEFAULT_HOURS: &str = "mon-fri 09:00-18:00";

/// How far ahead a deadline is looked for, and how far back business time is counted.
const MAX_DAYS: i32 = 370;

/// One opening on one weekday, in minutes after midnight (`end` up to 1,440 = 24:00; `end` ≤ `start` runs
/// past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub day: Weekday,
    pub start: u16,
    pub end: u16,
}

/// A week of opening hours (empty: never open).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    spans: Vec<Span>,
}

/// Who is on duty when, for one client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rota {
    pub entries: Vec<(WeeklyHours, String)>,
}

impl WeeklyHours {
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The instants `[start, end)` of this week's openings that fall on `date`'s weekday, on `date`.
    fn openings_on(&self, tz: &TimeZone, date: Date) -> Vec<(Timestamp, Timestamp)> {
        let mut out = Vec::new();
        for span in self.spans.iter().filter(|s| s.day == date.weekday()) {
            let Some(start) = instant(tz, date, span.start) else { continue };
            let end_date = if span.end <= span.start { date.tomorrow().ok() } else { Some(date) };
            let end = end_date.and_then(|d| instant(tz, d, span.end));
            if let Some(end) = end.filter(|e| *e > start) {
                out.push((start, end));
            }
        }
        out
    }

    /// Whether `at` falls in an opening.
    pub fn is_open(&self, at: Timestamp, tz: &TimeZone) -> bool {
        let date = at.to_zoned(tz.clone()).date();
        // An opening that started yesterday may run past midnight.
        [date.yesterday().ok(), Some(date)]
            .into_iter()
            .flatten()
            .flat_map(|d| self.openings_on(tz, d))
            .any(|(s, e)| s <= at && at < e)
    }

    /// The business time between two instants, in seconds (0 when `to` is not after `from`).
    pub fn business_seconds(&self, from: Timestamp, to: Timestamp, tz: &TimeZone) -> i64 {
        if to <= from {
            return 0;
        }
        let first = from.to_zoned(tz.clone()).date().yesterday().unwrap_or(from.to_zoned(tz.clone()).date());
        let last = to.to_zoned(tz.clone()).date();
        let mut total = 0;
        let mut date = first;
        for _ in 0..MAX_DAYS {
            if date > last {
                break;
            }
            for (s, e) in self.openings_on(tz, date) {
                let (s, e) = (s.max(from), e.min(to));
                if e > s {
                    total += e.as_second() - s.as_second();
                }
            }
            match date.tomorrow() {
                Ok(d) => date = d,
                Err(_) => break,
            }
        }
        total
    }

    /// When `seconds` of business time have passed after `from`: the deadline of a response target. `None`
    /// when the week has no opening at all.
    pub fn deadline(&self, from: Timestamp, seconds: i64, tz: &TimeZone) -> Option<Timestamp> {
        if self.spans.is_empty() {
            return None;
        }
        let mut left = seconds;
        let mut date = from.to_zoned(tz.clone()).date().yesterday().ok()?;
        for _ in 0..MAX_DAYS {
            let mut openings = self.openings_on(tz, date);
            openings.sort();
            for (s, e) in openings {
                let s = s.max(from);
                if e <= s {
                    continue;
                }
                let available = e.as_second() - s.as_second();
                if available >= left {
                    return s.checked_add(left.seconds()).ok();
                }
                left -= available;
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

impl Rota {
    /// The teammate on duty at `at` (the first matching line), if any.
    pub fn on_duty(&self, at: Timestamp, tz: &TimeZone) -> Option<&str> {
        self.entries.iter().find(|(hours, _)| hours.is_open(at, tz)).map(|(_, who)| who.as_str())
    }
}

fn instant(tz: &TimeZone, date: Date, minutes: u16) -> Option<Timestamp> {
    if minutes >= 1440 {
        let next = date.tomorrow().ok()?;
        return resolve(tz, next, Time::midnight(), Ambiguity::Compatible).ok();
    }
    let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
    resolve(tz, date, time, Ambiguity::Compatible).ok()
}

/// Parses business hours: entries separated by `;` or new lines, each `DAYS HH:MM-HH:MM [HH:MM-HH:MM…]`, days a
/// weekday (`mon`, `lundi`, `lun`…), a range (`mon-fri`, `lun-ven`) or `every day` / `tous`. Spans end after they
/// start (use the rota for nights).
pub fn parse_hours(text: &str) -> Result<WeeklyHours, Invalid> {
    let mut spans = Vec::new();
    for (n, entry) in entries(text) {
        let mut words = entry.split_whitespace();
        let days = words.next().ok_or_else(|| bad("hours", n, entry, "expected days"))?;
        let days = parse_days(days).ok_or_else(|| {
            bad("hours", n, entry, &format!("'{days}' is not a day or a range of days like 'mon-fri'"))
        })?;
        let mut any = false;
        for range in words {
            let (start, end) = parse_range(range)
                .ok_or_else(|| bad("hours", n, entry, &format!("'{range}' is not a time range like '09:00-18:00'")))?;
            if end <= start {
                return Err(bad("hours", n, entry, &format!("'{range}' ends before it starts")));
            }
            spans.extend(days.iter().map(|&day| Span { day, start, end }));
            any = true;
        }
        if !any {
            return Err(bad("hours", n, entry, "expected a time range like '09:00-18:00' after the days"));
        }
    }
    Ok(WeeklyHours { spans })
}

/// Parses a rota: entries `DAYS HH:MM-HH:MM EMAIL`, separated by `;` or new lines; a range may cross midnight.
pub fn parse_rota(text: &str) -> Result<Rota, Invalid> {
    let mut rota = Rota::default();
    for (n, entry) in entries(text) {
        let words: Vec<&str> = entry.split_whitespace().collect();
        let [days, range, email] = words.as_slice() else {
            return Err(bad(
                "rota",
                n,
                entry,
                "expected days, a time range and an e-mail address, like 'mon-fri 18:00-09:00 alice@agence.fr'",
            ));
        };
        let days = parse_days(days)
            .ok_or_else(|| bad("rota", n, entry, &format!("'{days}' is not a day or a range of days")))?;
        let (start, end) =
            parse_range(range).ok_or_else(|| bad("rota", n, entry, &format!("'{range}' is not a time range")))?;
        if !email.contains('@') {
            return Err(bad("rota", n, entry, &format!("'{email}' is not an e-mail address")));
        }
        let spans = days.iter().map(|&day| Span { day, start, end: if end == start { start } else { end } }).collect();
        rota.entries.push((WeeklyHours { spans }, email.to_lowercase()));
    }
    Ok(rota)
}

fn entries(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split([';', '\n']).map(str::trim).filter(|e| !e.is_empty()).enumerate().map(|(i, e)| (i + 1, e))
}

fn bad(field: &str, n: usize, entry: &str, why: &str) -> Invalid {
    Invalid::new(field, format!("entry {n} ('{entry}'): {why}"))
}

fn parse_range(value: &str) -> Option<(u16, u16)> {
    let (a, b) = value.split_once('-')?;
    Some((parse_minutes(a)?, parse_minutes(b)?))
}

fn parse_minutes(value: &str) -> Option<u16> {
    let value = value.trim().replace('h', ":");
    let (h, m) = value.split_once(':').unwrap_or((&value, "0"));
    let h: u16 = h.parse().ok()?;
    let m: u16 = if m.is_empty() { 0 } else { m.parse().ok()? };
    let minutes = h * 60 + m;
    (m < 60 && minutes <= 1440).then_some(minutes)
}

fn parse_days(value: &str) -> Option<Vec<Weekday>> {
    let v = value.to_lowercase();
    if matches!(v.as_str(), "every-day" | "everyday" | "daily" | "tous" | "tlj" | "7/7") {
        return Some(all_days());
    }
    if let Some((a, b)) = v.split_once('-') {
        let (a, b) = (weekday(a)?, weekday(b)?);
        let mut days = vec![a];
        let mut d = a;
        while d != b {
            d = d.next();
            days.push(d);
        }
        return Some(days);
    }
    Some(vec![weekday(&v)?])
}

fn all_days() -> Vec<Weekday> {
    let mut d = Weekday::Monday;
    let mut out = vec![d];
    for _ in 0..6 {
        d = d.next();
        out.push(d);
    }
    out
}

fn weekday(value: &str) -> Option<Weekday> {
    let names = [
        (Weekday::Monday, ["mon", "monday", "lun", "lundi"]),
        (Weekday::Tuesday, ["tue", "tuesday", "mar", "mardi"]),
        (Weekday::Wednesday, ["wed", "wednesday", "mer", "mercredi"]),
        (Weekday::Thursday, ["thu", "thursday", "jeu", "jeudi"]),
        (Weekday::Friday, ["fri", "friday", "ven", "vendredi"]),
        (Weekday::Saturday, ["sat", "saturday", "sam", "samedi"]),
        (Weekday::Sunday, ["sun", "sunday", "dim", "dimanche"]),
    ];
    names.into_iter().find(|(_, n)| n.contains(&value)).map(|(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_question_on_friday_evening_is_due_on_monday_morning() {
        let hours = parse_hours("lun-ven 09:00-18:00").unwrap();
        // Friday 2026-06-12 17:30 Paris (15:30 UTC); one hour of business time: 30 min on Friday, 30 on Monday.
        let due = hours.deadline(at("2026-06-12T15:30:00Z"), 3600, &paris()).unwrap();
        assert_eq!(due, at("2026-06-15T07:30:00Z"));
        assert_eq!(hours.business_seconds(at("2026-06-12T15:30:00Z"), due, &paris()), 3600);
        assert!(!hours.is_open(at("2026-06-13T10:00:00Z"), &paris()), "Saturday is closed");
        assert!(hours.is_open(at("2026-06-15T07:00:00Z"), &paris()), "Monday 09:00 Paris is open");
    }

    #[test]
    fn business_time_follows_the_wall_clock_across_daylight_saving() {
        let hours = parse_hours("tous 09:00-18:00").unwrap();
        // Saturday 2026-03-28 17:00 CET → Sunday 2026-03-29 10:00 CEST: 1 h on Saturday + 1 h on Sunday.
        let from = at("2026-03-28T16:00:00Z");
        let to = at("2026-03-29T08:00:00Z");
        assert_eq!(hours.business_seconds(from, to, &paris()), 7200);
        assert_eq!(hours.deadline(from, 7200, &paris()), Some(to));
    }

    #[test]
    fn several_spans_and_french_names() {
        let hours = parse_hours("lun-ven 09:00-12:00 14:00-18:00; sam 10h-13h").unwrap();
        assert_eq!(hours.spans().len(), 5 * 2 + 1);
        // Monday 11:30 Paris + 1 h → 14:30 (the lunch break does not count).
        assert_eq!(hours.deadline(at("2026-06-15T09:30:00Z"), 3600, &paris()), Some(at("2026-06-15T12:30:00Z")));
        assert!(parse_hours("").unwrap().deadline(at("2026-06-15T09:30:00Z"), 60, &paris()).is_none());
    }

    #[test]
    fn bad_hours_name_the_entry_and_the_problem() {
        for (text, want) in [
            ("lun-ven 9:00-18:00; dimanch 10:00-12:00", "entry 2 ('dimanch 10:00-12:00'): 'dimanch' is not a day"),
            ("mon-fri 18:00-09:00", "ends before it starts"),
            ("mon-fri 09:00-25:00", "'09:00-25:00' is not a time range"),
            ("mon-fri", "expected a time range"),
        ] {
            let e = parse_hours(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
        assert!(parse_rota("mon-fri 18:00-09:00").unwrap_err().to_string().contains("entry 1"));
    }

    #[test]
    fn the_rota_covers_nights_and_weekends() {
        let rota = parse_rota("lun-ven 18:00-09:00 Alice@agence.fr\nsam-dim 00:00-24:00 bob@agence.fr").unwrap();
        // Tuesday 2026-06-16 23:00 Paris and Wednesday 08:00 Paris: Alice (Tuesday's night runs into Wednesday).
        assert_eq!(rota.on_duty(at("2026-06-16T21:00:00Z"), &paris()), Some("alice@agence.fr"));
        assert_eq!(rota.on_duty(at("2026-06-17T06:00:00Z"), &paris()), Some("alice@agence.fr"));
        // Wednesday noon: nobody (business hours); Saturday noon: Bob.
        assert_eq!(rota.on_duty(at("2026-06-17T10:00:00Z"), &paris()), None);
        assert_eq!(rota.on_duty(at("2026-06-20T10:00:00Z"), &paris()), Some("bob@agence.fr"));
    }
}
