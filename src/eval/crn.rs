//! Cloud Resource Names: `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<type>:<resource>`.

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

#[cfg(test)]
mod tests {
    use super::Crn;

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
