//! Cloud Resource Names: `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<type>:<resource>`.

use super::json::shorten;

/// A CRN split into its ten segments (trailing ones may be empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crn<'a> {
    segments: [&'a str; 10],
}

impl<'a> Crn<'a> {
    /// Parses a CRN; `None` unless it has the `crn:v1:` prefix, ten segments, and a cname,
    /// ctype and service name (docs/domain.md §1.3). The resource segment may contain `:`.
    #[must_use]
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut segments = [""; 10];
        let mut colons = memchr::memchr_iter(b':', text.as_bytes());
        let mut start = 0;
        let (last, first) = segments.split_last_mut()?;
        for segment in first {
            let end = colons.next()?;
            *segment = text.get(start..end)?;
            start = end + 1;
        }
        *last = text.get(start..)?;
        let valid = segments[0] == "crn"
            && segments[1] == "v1"
            && !segments[2].is_empty()
            && !segments[3].is_empty()
            && !segments[4].is_empty();
        valid.then_some(Self { segments })
    }

    /// What keeps `text` from being a CRN, in words, when [`Crn::parse`] refuses it: a
    /// placeholder left from a template (`<ATR_CRN>`, `${CRN}`), a missing `crn:` prefix,
    /// another version, the wrong number of segments, or an empty name segment.
    #[must_use]
    pub fn problem(text: &str) -> String {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return "`logSourceCRN` is empty".into();
        }
        if is_placeholder(trimmed) {
            return format!(
                "`logSourceCRN` is a template placeholder, `{}`, not a CRN",
                shorten(trimmed)
            );
        }
        let Some(rest) = trimmed.strip_prefix("crn:") else {
            return format!(
                "`logSourceCRN` does not start with `crn:`: `{}`",
                shorten(text)
            );
        };
        if !rest.starts_with("v1:") {
            let version = rest.split(':').next().unwrap_or_default();
            return format!(
                "`logSourceCRN` has version `{}`; CRNs are `crn:v1:...`",
                shorten(version)
            );
        }
        let segments = text.split(':').count();
        if segments < 10 {
            return format!(
                "`logSourceCRN` has {segments} segments, a CRN has 10: `{}`",
                shorten(text)
            );
        }
        let names = ["cname", "ctype", "service name"];
        let parts: Vec<&str> = text.split(':').collect();
        let empty = names
            .iter()
            .zip(parts.iter().skip(2))
            .find(|(_, part)| part.is_empty())
            .map_or("name", |(name, _)| name);
        format!(
            "the {empty} segment of `logSourceCRN` is empty: `{}`",
            shorten(text)
        )
    }

    /// The service name segment.
    #[must_use]
    pub fn service(&self) -> &'a str {
        self.segments[4]
    }

    /// The location segment: a region, a zone, `global`, or empty.
    #[must_use]
    pub fn location(&self) -> &'a str {
        self.segments[5]
    }
}

/// Whether a text is a template's placeholder rather than a value: `<ATR_CRN>`,
/// `${LOG_SOURCE_CRN}`, `{{crn}}`.
pub(crate) fn is_placeholder(text: &str) -> bool {
    let wrapped = |open: &str, close: &str| {
        text.strip_prefix(open)
            .and_then(|t| t.strip_suffix(close))
            .is_some_and(|inner| !inner.is_empty() && !inner.contains(':'))
    };
    wrapped("<", ">") || wrapped("${", "}") || wrapped("{{", "}}") || wrapped("{", "}")
}

#[cfg(test)]
mod tests {
    use super::Crn;

    #[test]
    fn says_what_keeps_a_text_from_being_a_crn() {
        let cases = [
            ("<ATR_CRN>", "a template placeholder, `<ATR_CRN>`"),
            ("${LOG_SOURCE_CRN}", "a template placeholder"),
            ("arn:aws:s3:::bucket", "does not start with `crn:`"),
            ("crn:v2:bluemix:public:x:us-south:a/1:::", "version `v2`"),
            (
                "crn:v1:bluemix:public:x:us-south",
                "has 6 segments, a CRN has 10",
            ),
            ("crn:v1::public:x:us-south:a/1:::", "the cname segment"),
            (
                "crn:v1:bluemix:public::us-south:a/1:::",
                "the service name segment",
            ),
            ("  ", "is empty"),
        ];
        for (text, expected) in cases {
            assert_eq!(Crn::parse(text), None, "{text}");
            let problem = Crn::problem(text);
            assert!(problem.contains(expected), "{text}: {problem}");
        }
    }

    #[test]
    fn reads_the_location_segment() {
        let crn = Crn::parse(
            "crn:v1:bluemix:public:container-registry:us-south:a/123::image:us.icr.io/ns/app@sha256:ab",
        );
        assert_eq!(crn.map(|c| c.location()), Some("us-south"));
    }

    #[test]
    fn accepts_empty_trailing_segments_and_staging() {
        let crn = Crn::parse("crn:v1:staging:public:cloudantnosqldb:eu-de-1:a/1:guid::");
        assert_eq!(
            crn.map(|c| (c.service(), c.location())),
            Some(("cloudantnosqldb", "eu-de-1"))
        );
    }

    #[test]
    fn refuses_short_or_foreign_names() {
        assert_eq!(Crn::parse("crn:v1:bluemix:public:x:us-south"), None);
        assert_eq!(Crn::parse("arn:aws:s3:::bucket:a:b:c:d"), None);
        assert_eq!(Crn::parse(""), None);
    }
}
