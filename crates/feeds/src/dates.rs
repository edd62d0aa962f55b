//! Dates as feeds write them (RFC 822 with odd zones and names, RFC 3339, W3CDTF partial dates, French
//! and English month names, `2024-01-02 10:00:00`…) read leniently into a UTC timestamp.

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::Timestamp;

/// Reads a date written in any of the formats feeds use; `None` when it cannot be understood.
/// A date without a zone is taken as UTC; a date without a time as midnight; a year alone as 1 January.
pub fn parse_date(raw: &str) -> Option<Timestamp> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    if s.as_bytes().iter().take(4).all(u8::is_ascii_digit) && s.len() >= 4 {
        if let Some(ts) = parse_iso(s) {
            return Some(ts);
        }
    }
    parse_words(s)
}

/// Parts found so far; missing ones default when the timestamp is built.
#[derive(Default, Debug)]
struct Parts {
    year: Option<i16>,
    month: Option<i8>,
    day: Option<i8>,
    hour: i8,
    minute: i8,
    second: i8,
    nanos: i32,
    offset_seconds: i32,
}

impl Parts {
    fn build(&self) -> Option<Timestamp> {
        let year = self.year?;
        if !(1..=9999).contains(&year) {
            return None;
        }
        let (hour, minute, second) = match (self.hour, self.minute, self.second) {
            // "24:00" is the end of the day.
            (24, 0, 0) => (23, 59, 59),
            t => t,
        };
        let second = second.min(59); // leap seconds
        let dt = DateTime::new(year, self.month.unwrap_or(1), self.day.unwrap_or(1), hour, minute, second, self.nanos)
            .ok()?;
        let offset = Offset::from_seconds(self.offset_seconds).ok()?;
        offset.to_timestamp(dt).ok()
    }
}

/// Leading ASCII digits of `s`: (value, count, rest).
fn digits(s: &str) -> (u32, usize, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count().min(9);
    let value = s[..n].bytes().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    (value, n, &s[n..])
}

fn small(v: u32) -> Option<i8> {
    i8::try_from(v).ok()
}

/// `YYYY[-MM[-DD]][(T| )HH[:MM[:SS[.f]]]][zone]`, also the compact `YYYYMMDD[THHMMSS]` forms.
fn parse_iso(s: &str) -> Option<Timestamp> {
    let mut p = Parts::default();
    let (year, n, mut rest) = digits(s);
    match n {
        4 => p.year = i16::try_from(year).ok(),
        8 => {
            p.year = i16::try_from(year / 10000).ok();
            p.month = small(year / 100 % 100);
            p.day = small(year % 100);
        }
        _ => return None,
    }
    if n == 4 {
        if let Some(r) = rest.strip_prefix('-') {
            let (month, n, r) = digits(r);
            if n != 2 {
                return None;
            }
            p.month = small(month);
            rest = r;
            if let Some(r) = rest.strip_prefix('-') {
                let (day, n, r) = digits(r);
                if n != 2 {
                    return None;
                }
                p.day = small(day);
                rest = r;
            }
        }
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(['T', 't']).unwrap_or(rest).trim_start();
    let rest = if rest.starts_with(|c: char| c.is_ascii_digit()) { parse_clock(rest, &mut p)? } else { rest };
    let zone = rest.trim();
    if !zone.is_empty() {
        p.offset_seconds = zone_offset(zone)?;
    }
    p.build()
}

/// `HH[:MM[:SS[.fff]]]` or `HHMM[SS]`; returns what follows.
fn parse_clock<'a>(s: &'a str, p: &mut Parts) -> Option<&'a str> {
    let (h, n, mut rest) = digits(s);
    match n {
        1 | 2 => p.hour = small(h)?,
        4 => {
            p.hour = small(h / 100)?;
            p.minute = small(h % 100)?;
        }
        6 => {
            p.hour = small(h / 10000)?;
            p.minute = small(h / 100 % 100)?;
            p.second = small(h % 100)?;
        }
        _ => return None,
    }
    if let Some(r) = rest.strip_prefix(':') {
        let (m, n, r) = digits(r);
        if n == 0 || n > 2 {
            return None;
        }
        p.minute = small(m)?;
        rest = r;
        if let Some(r) = rest.strip_prefix(':') {
            let (sec, n, r) = digits(r);
            if n == 0 || n > 2 {
                return None;
            }
            p.second = small(sec)?;
            rest = r;
        }
    }
    if let Some(r) = rest.strip_prefix(['.', ',']) {
        let (frac, n, r) = digits(r);
        if n > 0 {
            p.nanos = i32::try_from(frac * 10u32.pow(9 - n as u32)).ok()?;
        }
        // digits() stops at 9; skip any further precision
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    if p.hour > 24 || p.minute > 59 || p.second > 60 {
        return None;
    }
    Some(rest)
}

/// A zone: `Z`, `±HH`, `±HHMM`, `±HH:MM`, a name (`GMT`, `EST`, `CEST`…), or a name followed by an offset.
fn zone_offset(zone: &str) -> Option<i32> {
    let zone = zone.trim().trim_matches(|c| c == '(' || c == ')');
    if let Some(sign_at) = zone.find(['+', '-']) {
        let (name, numeric) = zone.split_at(sign_at);
        let base = if name.trim().is_empty() { 0 } else { named_zone(name.trim())? };
        let sign = if numeric.starts_with('-') { -1 } else { 1 };
        let body = &numeric[1..];
        let (v, n, rest) = digits(body);
        let (h, m) = match n {
            1 | 2 => match rest.strip_prefix(':') {
                Some(r) => {
                    let (m, mn, r) = digits(r);
                    if mn != 2 || !r.trim().is_empty() {
                        return None;
                    }
                    (v, m)
                }
                None if rest.trim().is_empty() => (v, 0),
                None => return None,
            },
            3 | 4 if rest.trim().is_empty() => (v / 100, v % 100),
            _ => return None,
        };
        if h > 18 || m > 59 {
            return None;
        }
        return Some(base + sign * i32::try_from(h * 3600 + m * 60).ok()?);
    }
    named_zone(zone)
}

fn named_zone(name: &str) -> Option<i32> {
    let lower = name.to_ascii_lowercase();
    let hours: f32 = match lower.as_str() {
        "z" | "ut" | "utc" | "gmt" | "wet" | "zulu" => 0.0,
        "est" => -5.0,
        "edt" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" => -7.0,
        "akst" => -9.0,
        "akdt" => -8.0,
        "hst" => -10.0,
        "ast" => -4.0,
        "adt" => -3.0,
        "nst" => -3.5,
        "ndt" => -2.5,
        "cet" | "met" | "bst" | "west" | "mez" => 1.0,
        "cest" | "mest" | "eet" | "sast" | "mesz" => 2.0,
        "eest" | "msk" => 3.0,
        "ist" => 5.5,
        "sgt" | "hkt" | "awst" | "pht" => 8.0,
        "jst" | "kst" => 9.0,
        "acst" => 9.5,
        "aest" => 10.0,
        "acdt" => 10.5,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        // RFC 822 military zones (J is not used).
        m if m.len() == 1 => {
            let c = m.as_bytes()[0];
            match c {
                b'a'..=b'i' => f32::from(c - b'a' + 1),
                b'k'..=b'm' => f32::from(c - b'k' + 10),
                b'n'..=b'y' => -f32::from(c - b'n' + 1),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

/// Month names and their abbreviations, English, French, German, Spanish, Italian.
const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("janvier", 1),
    ("januar", 1),
    ("enero", 1),
    ("gennaio", 1),
    ("february", 2),
    ("février", 2),
    ("fevrier", 2),
    ("februar", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("march", 3),
    ("mars", 3),
    ("märz", 3),
    ("maerz", 3),
    ("marzo", 3),
    ("april", 4),
    ("avril", 4),
    ("abril", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("june", 6),
    ("juin", 6),
    ("juni", 6),
    ("junio", 6),
    ("giugno", 6),
    ("july", 7),
    ("juillet", 7),
    ("juli", 7),
    ("julio", 7),
    ("luglio", 7),
    ("august", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("october", 10),
    ("octobre", 10),
    ("oktober", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("november", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("dezember", 12),
    ("diciembre", 12),
    ("dicembre", 12),
];

/// The month a word names: a whole name or an abbreviation of at least three letters, when unambiguous.
fn month_of(word: &str) -> Option<i8> {
    if word.chars().count() < 3 {
        return None;
    }
    let mut found = None;
    for (name, month) in MONTHS {
        if name.starts_with(word) {
            match found {
                Some(m) if m != *month => return None,
                _ => found = Some(*month),
            }
        }
    }
    found
}

/// Words that carry no date information (weekdays, "at", "le"…).
fn is_filler(word: &str) -> bool {
    const FILLERS: &[&str] = &[
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "lun",
        "mer",
        "jeu",
        "ven",
        "sam",
        "dim",
        "lundi",
        "mardi",
        "mar",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "at",
        "le",
        "à",
        "a",
        "on",
        "de",
        "the",
        "of",
        "um",
        "den",
    ];
    FILLERS.contains(&word)
}

/// Free order: `[weekday,] DD Mon YYYY HH:MM[:SS] [zone]`, `Mon DD, YYYY`, `DD-Mon-YY`, French names…
fn parse_words(s: &str) -> Option<Timestamp> {
    let mut p = Parts::default();
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    let mut have_time = false;
    let mut have_zone = false;
    let mut weak_month = false;
    let lower = s.to_lowercase();
    let tokens = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .flat_map(|t| {
            // "02-Jan-2024": dashes separate words here (a leading sign stays with an offset).
            if t.chars().any(|c| c.is_alphabetic()) && !t.starts_with(['+', '-']) && !t.contains(':') {
                t.split('-').collect::<Vec<_>>()
            } else {
                vec![t]
            }
        })
        .filter(|t| !t.is_empty());
    for token in tokens {
        let token = token.trim_end_matches('.');
        if token.is_empty() {
            continue;
        }
        if token.starts_with(|c: char| c.is_ascii_digit()) && token.contains(':') && !have_time {
            let rest = parse_clock(token, &mut p)?;
            have_time = true;
            let rest = rest.trim();
            if !rest.is_empty() {
                p.offset_seconds = zone_offset(rest)?;
                have_zone = true;
            }
            continue;
        }
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            let (v, n, rest) = digits(token);
            let suffix_ok = matches!(rest, "" | "st" | "nd" | "rd" | "th" | "er" | "h" | "e");
            if !suffix_ok {
                // "10h30" (French) is a time.
                if let Some(min) = rest.strip_prefix('h') {
                    let (m, mn, r) = digits(min);
                    if mn == 2 && r.is_empty() && v < 24 {
                        p.hour = small(v)?;
                        p.minute = small(m)?;
                        have_time = true;
                        continue;
                    }
                }
                return None;
            }
            numbers.push((v, n));
            continue;
        }
        if token.starts_with(['+', '-']) {
            if have_zone {
                return None;
            }
            p.offset_seconds = zone_offset(token)?;
            have_zone = true;
            continue;
        }
        if let Some(m) = month_of(token) {
            // "mar" is March, or Tuesday in French ("mar. 02 janv."): a later month name wins over it.
            if p.month.is_none() || weak_month {
                p.month = Some(m);
                weak_month = is_filler(token);
                continue;
            }
        }
        if token == "pm" || token == "p.m" {
            if have_time && p.hour < 12 {
                p.hour += 12;
            }
            continue;
        }
        if token == "am" || token == "a.m" {
            if have_time && p.hour == 12 {
                p.hour = 0;
            }
            continue;
        }
        if is_filler(token) {
            continue;
        }
        if !have_zone {
            if let Some(off) = zone_offset(token) {
                p.offset_seconds = off;
                have_zone = true;
                continue;
            }
        }
        return None;
    }
    p.month?;
    for (v, n) in numbers {
        if n >= 3 && p.year.is_none() {
            p.year = i16::try_from(v).ok();
        } else if n <= 2 && p.day.is_none() && (1..=31).contains(&v) {
            p.day = small(v);
        } else if n <= 2 && p.year.is_none() {
            // two-digit years: 00-49 are 20xx, 50-99 are 19xx (RFC 2822 §4.3)
            p.year = i16::try_from(if v < 50 { 2000 + v } else { 1900 + v }).ok();
        } else {
            return None;
        }
    }
    p.build()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn utc(s: &str) -> String {
        parse_date(s).map(|t| t.to_string()).unwrap_or_else(|| format!("unparsed: {s}"))
    }

    #[test]
    fn rfc_822_dates_with_odd_zones_and_names_are_read() {
        assert_eq!(utc("Sat, 07 Sep 2002 00:00:01 GMT"), "2002-09-07T00:00:01Z");
        assert_eq!(utc("Sat, 07 Sep 2002 00:00:01 +0200"), "2002-09-06T22:00:01Z");
        assert_eq!(utc("Tue, 10 Jun 2003 04:00:00 EDT"), "2003-06-10T08:00:00Z");
        assert_eq!(utc("Thu, 01 Jan 2004 19:48:21 PST"), "2004-01-02T03:48:21Z");
        assert_eq!(utc("Wed, 02 Oct 2002 13:00 -0500"), "2002-10-02T18:00:00Z");
        assert_eq!(utc("Thursday, 01-Jan-04 19:48:21 GMT"), "2004-01-01T19:48:21Z");
        assert_eq!(utc("1 Jan 2004 19:48 UT"), "2004-01-01T19:48:00Z");
        assert_eq!(utc("Mon, 26 January 2004 16:31:00 CEST"), "2004-01-26T14:31:00Z");
        assert_eq!(utc("Sun, 07 Sep 2002 00:00:01 GMT+2"), "2002-09-06T22:00:01Z");
        assert_eq!(utc("Fri, 12 Jan 2024 10:00:00 +01:00"), "2024-01-12T09:00:00Z");
        assert_eq!(utc("Jan 2, 2024 10:00 AM"), "2024-01-02T10:00:00Z");
        assert_eq!(utc("Fri, 12 Jan 2024 10:00:00 Z"), "2024-01-12T10:00:00Z");
    }

    #[test]
    fn french_dates_are_read() {
        assert_eq!(utc("mar., 02 janv. 2024 10:00:00 +0100"), "2024-01-02T09:00:00Z");
        assert_eq!(utc("Lundi 5 février 2024 08:30"), "2024-02-05T08:30:00Z");
        assert_eq!(utc("1er août 2023"), "2023-08-01T00:00:00Z");
        assert_eq!(utc("12 déc. 2023 à 14h05"), "2023-12-12T14:05:00Z");
    }

    #[test]
    fn rfc_3339_and_w3cdtf_partial_dates_are_read() {
        assert_eq!(utc("2003-12-13T18:30:02Z"), "2003-12-13T18:30:02Z");
        assert_eq!(utc("2003-12-13T18:30:02.25+01:00"), "2003-12-13T17:30:02.25Z");
        assert_eq!(utc("2003-12-13T18:30+01:00"), "2003-12-13T17:30:00Z");
        assert_eq!(utc("2003-12-13"), "2003-12-13T00:00:00Z");
        assert_eq!(utc("2003-12"), "2003-12-01T00:00:00Z");
        assert_eq!(utc("2003"), "2003-01-01T00:00:00Z");
        assert_eq!(utc("2024-01-02 10:00:00"), "2024-01-02T10:00:00Z");
        assert_eq!(utc("2024-01-02 10:00:00 +0200"), "2024-01-02T08:00:00Z");
        assert_eq!(utc("20040105T120000Z"), "2004-01-05T12:00:00Z");
        assert_eq!(utc("2004-01-05T12:00:00 EST"), "2004-01-05T17:00:00Z");
    }

    #[test]
    fn nonsense_is_not_a_date() {
        for s in ["", "yesterday", "2003-13-45", "32 Jan 2004", "Jan", "99:99", "Sat, 07 Sep 2002 25:00:00 GMT"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
