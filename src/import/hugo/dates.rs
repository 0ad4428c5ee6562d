//! The date forms Hugo accepts in front matter, read into the text ssg
//! reads (`YYYY-MM-DD` or RFC 3339) plus the calendar fields permalink
//! patterns use.
//!
//! Hugo parses a date without an offset in the site's `timeZone`; ssg reads
//! it as UTC. The fields as written (year, month, day) are what Hugo puts in
//! a `:year/:month/:day` URL either way, so URLs come from them, never from
//! a converted instant.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime};

/// A front matter date as Hugo read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HugoDate {
    /// The calendar date as written (in its own offset, or local).
    pub day: NaiveDate,
    /// What ssg's front matter gets.
    pub text: String,
}

impl HugoDate {
    /// Reads the forms Hugo documents: `2006-01-02`, RFC 3339, date-times
    /// with a space or a `T` and with or without seconds, fractions and an
    /// offset (`Z`, `+01:00`, `+0100`), and RFC 1123/822-style dates.
    pub fn parse(written: &str) -> Option<HugoDate> {
        let text = written.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(HugoDate {
                day,
                text: day.format("%Y-%m-%d").to_string(),
            });
        }
        if let Some(dt) = with_offset(text) {
            return Some(HugoDate {
                day: dt.date_naive(),
                text: dt.to_rfc3339(),
            });
        }
        let local = without_offset(text)?;
        Some(HugoDate {
            day: local.date(),
            text: local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        })
    }

    /// `2019-03-02-my-post` → the date and `my-post`, as Hugo's
    /// `:filename` date source reads a file name.
    pub fn from_file_name(stem: &str) -> Option<(HugoDate, &str)> {
        let date = stem.get(..10)?;
        let rest = stem.get(10..)?;
        let rest = rest.strip_prefix(['-', '_']).unwrap_or(rest);
        let parsed = HugoDate::parse(date)?;
        Some((parsed, rest))
    }

    pub fn year(&self) -> i32 {
        self.day.year()
    }
}

fn with_offset(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt);
    }
    let normalized = text.replacen(' ', "T", 1);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f %:z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&normalized, fmt) {
            return Some(dt);
        }
    }
    if let Some(utc) = normalized.strip_suffix('Z').and_then(without_offset_exact) {
        return Some(utc.and_utc().fixed_offset());
    }
    DateTime::parse_from_rfc2822(text).ok()
}

fn without_offset(text: &str) -> Option<NaiveDateTime> {
    without_offset_exact(&text.replacen(' ', "T", 1))
}

fn without_offset_exact(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(text, fmt).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        HugoDate::parse(s).map(|d| d.text).unwrap_or_default()
    }

    #[test]
    fn the_forms_hugo_accepts() {
        assert_eq!(text("2019-03-02"), "2019-03-02");
        assert_eq!(text("2019-03-02T10:00:00Z"), "2019-03-02T10:00:00+00:00");
        assert_eq!(
            text("2021-06-05T18:30:00+02:00"),
            "2021-06-05T18:30:00+02:00"
        );
        assert_eq!(
            text("2021-06-05 18:30:00 +0200"),
            "2021-06-05T18:30:00+02:00"
        );
        assert_eq!(
            text("2021-06-05T18:30:00.5-0700"),
            "2021-06-05T18:30:00.500-07:00"
        );
        assert_eq!(text("2017-08-20 14:00:00"), "2017-08-20T14:00:00");
        assert_eq!(text("2017-08-20T14:00"), "2017-08-20T14:00:00");
        assert_eq!(
            text("Sun, 20 Aug 2017 14:00:00 +0000"),
            "2017-08-20T14:00:00+00:00"
        );
        assert_eq!(HugoDate::parse("yesterday"), None);
        assert_eq!(HugoDate::parse("2019-13-40"), None);
    }

    #[test]
    fn the_written_day_is_kept_whatever_the_offset() {
        let d = HugoDate::parse("2021-06-05T23:30:00-05:00").unwrap();
        assert_eq!(d.day.to_string(), "2021-06-05");
    }

    #[test]
    fn file_names_give_a_date_and_the_rest() {
        let (d, rest) = HugoDate::from_file_name("2020-01-15-filename-dated").unwrap();
        assert_eq!((d.text.as_str(), rest), ("2020-01-15", "filename-dated"));
        assert!(HugoDate::from_file_name("hello").is_none());
        assert!(HugoDate::from_file_name("2020-99-15-x").is_none());
    }
}
