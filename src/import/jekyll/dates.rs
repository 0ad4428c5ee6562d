//! Jekyll's dates: what `Time.parse(text).localtime` gives under the site's
//! `timezone` (Jekyll sets `TZ` to it). A date with an offset is moved into
//! that zone, a date without one is read in it — and the URL's `:year`,
//! `:month` and `:day` come from the moved date, so a post written
//! `2019-03-02 23:30:00 -0800` in a New York site is dated March 3.
//!
//! The zone's rules come from the system's tz database (the TZif files under
//! `/usr/share/zoneinfo`, as Ruby reads them), so no copy of it is built in.
//!
//! Also the date a post's file name starts with (`2019-03-02-title.md`),
//! which is what makes a file in `_posts/` a post.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset as _, TimeZone as _, Utc};

/// A tz database zone: its transitions and the UTC offset after each.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Seconds since the epoch (UTC) → index into `offsets`.
    transitions: Vec<(i64, usize)>,
    /// Seconds east of UTC.
    offsets: Vec<i32>,
}

impl Zone {
    /// UTC, for a site without `timezone`.
    pub fn utc() -> Zone {
        Zone {
            transitions: Vec::new(),
            offsets: vec![0],
        }
    }

    /// Reads `name` (`America/New_York`) from `$TZDIR` or `/usr/share/zoneinfo`.
    pub fn load(name: &str) -> Result<Zone, String> {
        if name.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(format!("unknown time zone {name:?}"));
        }
        let dir = std::env::var_os("TZDIR").unwrap_or_else(|| "/usr/share/zoneinfo".into());
        let path = std::path::Path::new(&dir).join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("time zone {name:?} not found in {} ({e})", path.display()))?;
        Zone::parse(&bytes).ok_or_else(|| format!("{}: not a TZif file", path.display()))
    }

    /// Parses a TZif file (RFC 8536), taking the 64-bit data of version 2+.
    pub fn parse(bytes: &[u8]) -> Option<Zone> {
        let header = |at: usize| -> Option<[usize; 6]> {
            if bytes.get(at..at + 4)? != b"TZif" {
                return None;
            }
            let mut counts = [0; 6];
            for (i, c) in counts.iter_mut().enumerate() {
                let start = at + 20 + 4 * i;
                let word: [u8; 4] = bytes.get(start..start + 4)?.try_into().ok()?;
                *c = u32::from_be_bytes(word) as usize;
            }
            Some(counts)
        };
        let counts = header(0)?;
        let version = *bytes.get(4)?;
        let (at, counts, time_size) = if version >= b'2' {
            let [isut, isstd, leap, time, typ, chars] = counts;
            let v1 = time * 5 + typ * 6 + chars + leap * 8 + isstd + isut;
            (44 + v1, header(44 + v1)?, 8)
        } else {
            (0, counts, 4)
        };
        let [_, _, _, timecnt, typecnt, _] = counts;
        let mut pos = at + 44;
        let mut times = Vec::with_capacity(timecnt);
        for _ in 0..timecnt {
            let raw = bytes.get(pos..pos + time_size)?;
            let t = if time_size == 8 {
                i64::from_be_bytes(raw.try_into().ok()?)
            } else {
                i64::from(i32::from_be_bytes(raw.try_into().ok()?))
            };
            times.push(t);
            pos += time_size;
        }
        let indices = bytes.get(pos..pos + timecnt)?;
        pos += timecnt;
        let mut offsets = Vec::with_capacity(typecnt);
        for i in 0..typecnt {
            let raw: [u8; 4] = bytes.get(pos + 6 * i..pos + 6 * i + 4)?.try_into().ok()?;
            offsets.push(i32::from_be_bytes(raw));
        }
        if offsets.is_empty() || indices.iter().any(|&i| usize::from(i) >= offsets.len()) {
            return None;
        }
        let transitions = times
            .into_iter()
            .zip(indices.iter().map(|&i| usize::from(i)))
            .collect();
        Some(Zone {
            transitions,
            offsets,
        })
    }

    /// The offset in force at `utc` seconds. Past the last transition the
    /// last offset holds (Debian's tzdata lists transitions up to 2037).
    fn offset_at(&self, utc: i64) -> i32 {
        let after = self.transitions.partition_point(|(t, _)| *t <= utc);
        match after.checked_sub(1) {
            Some(i) => self.offsets[self.transitions[i].1],
            None => self.offsets[0],
        }
    }

    /// The offset of a wall-clock time in this zone: the first offset that
    /// maps back to itself (a time skipped by a spring-forward takes the
    /// offset before the change, as Ruby does).
    fn offset_of_local(&self, local: NaiveDateTime) -> i32 {
        let seconds = local.and_utc().timestamp();
        let mut candidates = self.offsets.clone();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .iter()
            .rev()
            .copied()
            .find(|&off| self.offset_at(seconds - i64::from(off)) == off)
            .unwrap_or_else(|| self.offset_at(seconds - i64::from(self.offsets[0])))
    }
}

/// A date as Jekyll holds it: wall-clock time in the site's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDate {
    pub local: NaiveDateTime,
    pub offset: FixedOffset,
    /// `false` for a bare `YYYY-MM-DD`.
    pub has_time: bool,
}

impl LocalDate {
    /// As ssg's `date` key reads it: `2019-03-02`, or RFC 3339 with the offset.
    pub fn to_ssg(&self) -> String {
        if self.has_time {
            match self.offset.from_local_datetime(&self.local).single() {
                Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                None => self.local.format("%Y-%m-%dT%H:%M:%S").to_string(),
            }
        } else {
            self.local.format("%Y-%m-%d").to_string()
        }
    }
}

/// Reads a front matter or file name date in `zone`; `None` when Jekyll's
/// forms (`YYYY-MM-DD`, then ` HH:MM[:SS[.frac]]` or `THH:MM…`, then an
/// optional `Z`, `UTC`, `±HHMM` or `±HH:MM`) do not fit.
pub fn parse(text: &str, zone: &Zone) -> Option<LocalDate> {
    let text = text.trim();
    if let Some(date) = parse_day(text) {
        let local = date.and_hms_opt(0, 0, 0)?;
        return Some(in_zone(local, zone, false));
    }
    let (stamp, mut offset) = split_offset(text)?;
    let mut stamp = stamp.trim_end().replacen('T', " ", 1);
    // `2023-01-29 18:30:22 2023 -0800` (a year typed twice): Ruby's
    // Time.parse, which Jekyll calls, reads the date and time, drops the
    // rest, offset too, and takes the time in the site's zone.
    if let Some((first, year)) = stamp.rsplit_once(' ')
        && first.contains(':')
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
    {
        stamp = first.to_string();
        offset = None;
    }
    let naive = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(&stamp, fmt).ok())?;
    match offset {
        None => Some(in_zone(naive, zone, true)),
        Some(off) => {
            let instant: DateTime<FixedOffset> = off.from_local_datetime(&naive).single()?;
            let utc = instant.timestamp();
            let site = FixedOffset::east_opt(zone.offset_at(utc))?;
            Some(LocalDate {
                local: instant.with_timezone(&site).naive_local(),
                offset: site,
                has_time: true,
            })
        }
    }
}

/// `YYYY-MM-DD`, also with one-digit months and days (`2019-3-2`), as
/// Jekyll's file name pattern allows.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn in_zone(local: NaiveDateTime, zone: &Zone, has_time: bool) -> LocalDate {
    let seconds = zone.offset_of_local(local);
    LocalDate {
        local,
        offset: FixedOffset::east_opt(seconds).unwrap_or_else(|| Utc.fix()),
        has_time,
    }
}

/// Splits a trailing zone off a date-time: `Ok((stamp, None))` without one.
fn split_offset(text: &str) -> Option<(&str, Option<FixedOffset>)> {
    for suffix in ["Z", "UTC", "GMT"] {
        if let Some(stamp) = text.strip_suffix(suffix) {
            return Some((stamp, FixedOffset::east_opt(0)));
        }
    }
    let sign_at = text.rfind(['+', '-'])?;
    let (stamp, zone) = text.split_at(sign_at);
    // The date's own hyphens come before the time's colon.
    if !stamp.contains(':') && !stamp.contains(' ') && !stamp.contains('T') {
        return Some((text, None));
    }
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some((text, None));
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    let mut seconds = hours * 3600 + minutes * 60;
    if zone.starts_with('-') {
        seconds = -seconds;
    }
    Some((stamp, Some(FixedOffset::east_opt(seconds)?)))
}

/// `2019-03-02-title` → (`2019-03-02`, `title`), as Jekyll's post names.
pub fn split_dated_name(basename: &str) -> Option<(String, String)> {
    let mut parts = basename.splitn(4, '-');
    let (y, m, d, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let date = format!("{y}-{m}-{d}");
    let digits =
        |s: &str, lo, hi| (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    (digits(y, 2, 4) && digits(m, 1, 2) && digits(d, 1, 2)).then(|| (date, rest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_typed_twice_is_read_as_ruby_reads_it() {
        let date = parse("2023-01-29 18:30:22 2023 -0800", &Zone::utc()).unwrap();
        assert_eq!(date.to_ssg(), "2023-01-29T18:30:22+00:00");
    }

    #[test]
    fn dated_names() {
        assert_eq!(
            split_dated_name("2019-03-02-welcome-to-jekyll"),
            Some(("2019-03-02".into(), "welcome-to-jekyll".into()))
        );
        assert_eq!(
            split_dated_name("2019-3-2-x"),
            Some(("2019-3-2".into(), "x".into()))
        );
        assert_eq!(split_dated_name("about"), None);
        assert_eq!(split_dated_name("2019-03-x"), None);
    }

    fn new_york() -> Zone {
        Zone::load("America/New_York").expect("tzdata is installed")
    }

    #[test]
    fn offsets_move_the_date_into_the_sites_zone() {
        let d = parse("2019-03-02 23:30:00 -0800", &new_york()).unwrap();
        assert_eq!(d.local.to_string(), "2019-03-03 02:30:00");
        assert_eq!(d.to_ssg(), "2019-03-03T02:30:00-05:00");
        let d = parse("2019-03-02 10:00:00 +0100", &Zone::utc()).unwrap();
        assert_eq!(d.to_ssg(), "2019-03-02T09:00:00+00:00");
        let d = parse("2019-07-02T10:00:00Z", &new_york()).unwrap();
        assert_eq!(d.to_ssg(), "2019-07-02T06:00:00-04:00");
    }

    #[test]
    fn dates_without_offset_are_read_in_the_zone() {
        let d = parse("2019-03-02 23:30", &new_york()).unwrap();
        assert_eq!(d.to_ssg(), "2019-03-02T23:30:00-05:00");
        let d = parse("2019-03-02", &new_york()).unwrap();
        assert_eq!(
            (d.to_ssg().as_str(), d.offset.local_minus_utc()),
            ("2019-03-02", -5 * 3600)
        );
        let summer = parse("2019-07-04 12:00:00", &new_york()).unwrap();
        assert_eq!(summer.offset.local_minus_utc(), -4 * 3600);
        assert_eq!(
            parse("2019-3-2", &Zone::utc()).unwrap().to_ssg(),
            "2019-03-02"
        );
    }

    #[test]
    fn nonsense_is_none() {
        for bad in [
            "2019-13-45",
            "yesterday",
            "2019-03-02 25:00",
            "2019-03-02 10:00 +01",
        ] {
            assert_eq!(parse(bad, &Zone::utc()), None, "{bad}");
        }
    }
}
