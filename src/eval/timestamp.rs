//! The `timestamp` type: Activity Tracker's `eventTime` (docs/domain.md §1.1, decision §10.2).
//!
//! `YYYY-MM-DDTHH:mm:ss`, then 0 to 6 fractional digits after a `.`, then an offset: `+0000`
//! (Activity Tracker), `±hh:mm` (CADF), or `Z`. A lowercase `t` or a missing offset is refused.

/// Why a string is not a timestamp, in words for a violation message.
pub(crate) fn problem(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let number = |range: std::ops::Range<usize>| {
        b.get(range).map_or(0, |s| {
            s.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
        })
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return Some("the date is not YYYY-MM-DD");
    }
    match b.get(10) {
        Some(b'T') => {}
        Some(b't') => return Some("the `T` between date and time must be uppercase"),
        _ => return Some("the date must be followed by `T` and the time"),
    }
    if !(digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return Some("the time is not HH:mm:ss");
    }
    let (month, day) = (number(5..7), number(8..10));
    let (hour, minute, second) = (number(11..13), number(14..16), number(17..19));
    let year = number(0..4);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&month)
        || !(1..=days).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Some("a date or time field is out of range");
    }
    let mut rest = b.get(19..).unwrap_or_default();
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=6).contains(&n) {
            return Some("the fraction of a second has 1 to 6 digits");
        }
        rest = fraction.get(n..).unwrap_or_default();
    }
    let (sign, hours, minutes) = match rest {
        b"Z" => return None,
        [sign, h1, h2, m1, m2] | [sign, h1, h2, b':', m1, m2] => (*sign, [*h1, *h2], [*m1, *m2]),
        [] => return Some("the UTC offset is missing (write `+0000`, `+00:00` or `Z`)"),
        _ => return Some("the UTC offset is not `+0000`, `±hh:mm` or `Z`"),
    };
    let two = |[a, b]: [u8; 2]| {
        (a.is_ascii_digit() && b.is_ascii_digit())
            .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };
    match (sign, two(hours), two(minutes)) {
        (b'+' | b'-', Some(h), Some(m)) if h <= 23 && m <= 59 => None,
        (b'+' | b'-', Some(_), Some(_)) => Some("the UTC offset is out of range (at most ±23:59)"),
        _ => Some("the UTC offset is not `+0000`, `±hh:mm` or `Z`"),
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_the_activity_tracker_forms() {
        for ok in [
            "2017-10-19T19:07:50.32+0000",
            "2017-10-19T19:07:50+0000",
            "2017-10-19T19:07:50.123456+0000",
            "2017-10-19T19:07:50.1+00:00",
            "2017-10-19T19:07:50Z",
            "2017-10-19T21:07:50-05:30",
            "2024-02-29T19:07:50+0000",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn refuses_sloppy_forms() {
        for bad in [
            "2017-10-19t19:07:50.32+0000",
            "2017-10-19T19:07:50.32",
            "2017-10-19T19:07:50.1234567+0000",
            "2017-10-19 19:07:50+0000",
            "2017-13-19T19:07:50+0000",
            "19/10/2017",
            "2017-10-19T19:07:50.+0000",
            "2017-10-19T19:07:50+00",
            "2023-02-29T19:07:50+0000",
            "2017-04-31T19:07:50+0000",
            "2017-10-19T19:07:50+9999",
            "2017-10-19T19:07:50-99:99",
            "2017-10-19T19:07:50+25:00",
            "2017-10-19T19:07:50+0060",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
