//! Where an event is located: the `logSourceCRN` location, zone and alias resolved, then the
//! service's overrides (docs/domain.md §10.4).

use super::crn::Crn;
use super::decision::{Violation, ViolationLevel};
use super::rules::Shape;
use super::trace::Trace;
use crate::catalog::{Catalog, Service};
use crate::codes::eval;

/// The location an event is routed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    /// `global`, or a region id.
    pub(crate) location: &'a str,
    /// The zone the CRN named, unless an override moved the event elsewhere.
    pub(crate) zone: Option<&'a str>,
}

use crate::vocab::GLOBAL;

/// Locates an event by its `logSourceCRN` value, or records why it is unroutable; `written`
/// receives the CRN's location segment as the event gives it, whenever the CRN parses.
pub(crate) fn locate<'a>(
    catalog: &'a Catalog,
    service: &'a Service,
    log_source_crn: Shape<'a>,
    out: &mut Vec<Violation>,
    written: &mut Option<&'a str>,
    trace: Option<&mut Trace>,
) -> Option<Place<'a>> {
    let unroutable = |message: String, help: &str| Violation {
        code: eval::UNROUTABLE,
        path: "/logSourceCRN".into(),
        level: ViolationLevel::Error,
        message,
        help: Some(help.to_owned()),
    };
    let text = match log_source_crn {
        Shape::String(text) => text,
        other => {
            let message = match other {
                Shape::Absent | Shape::Null => {
                    "no `logSourceCRN` to locate the event by".to_owned()
                }
                other => format!(
                    "`logSourceCRN` is {}, not a CRN string",
                    super::validate::describe(other)
                ),
            };
            out.push(unroutable(
                message,
                "the location segment of `logSourceCRN` decides where the event is routed",
            ));
            return None;
        }
    };
    let Some(crn) = Crn::parse(text) else {
        out.push(unroutable(
            Crn::problem(text),
            "the producer sends the CRN of its instance, `crn:v1:<cname>:<ctype>:<service>:<location>:<scope>:<instance>:<type>:<resource>`, whose location segment routes the event",
        ));
        return None;
    };
    let raw = crn.location();
    *written = Some(raw);
    let (region, zone) = if raw == GLOBAL {
        (GLOBAL, None)
    } else if let Some(place) = catalog.resolve(raw) {
        (place.region.as_str(), place.zone.then_some(raw))
    } else if raw.is_empty() {
        if applied_override(service, "", None).is_some() {
            ("", None)
        } else {
            out.push(unroutable(
                format!(
                    "the location segment of `logSourceCRN` is empty, and `{}` does not say where such events are located",
                    service.name
                ),
                "a global service's catalog says `locate empty -> global`; otherwise the sixth segment of the CRN names the region, zone or `global`",
            ));
            return None;
        }
    } else if super::crn::is_placeholder(raw) {
        out.push(unroutable(
            format!("the location segment of `logSourceCRN` is a template placeholder, `{raw}`"),
            "the producer fills in the region, zone or `global` its instance runs in",
        ));
        return None;
    } else {
        let help = catalog.suggest_location(raw).map_or_else(
            || "events are routable only from locations where Activity Tracker Event Routing runs; declare the region in the rules if it does".into(),
            |c| format!("did you mean `{c}`?"),
        );
        out.push(unroutable(
            format!("unknown location `{raw}` in `logSourceCRN`"),
            &help,
        ));
        return None;
    };
    let over = applied_override(service, region, zone);
    if let Some(trace) = trace {
        trace.location = Some(region.to_owned());
        trace.override_applied = over;
    }
    match over.and_then(|i| service.overrides.get(i)) {
        Some((_, to)) => Some(Place {
            location: to,
            zone: None,
        }),
        None => Some(Place {
            location: region,
            zone,
        }),
    }
}

/// Where the service's overrides move an event located in `region` (and `zone`): the zone's
/// override first, then the region's; `None` when neither is overridden.
pub(crate) fn moved<'s>(service: &'s Service, region: &str, zone: Option<&str>) -> Option<&'s str> {
    let over = applied_override(service, region, zone)?;
    service.overrides.get(over).map(|(_, to)| to.as_str())
}

/// The index of the override that applies to `region` (and `zone`), if any.
fn applied_override(service: &Service, region: &str, zone: Option<&str>) -> Option<usize> {
    let find = |from: &str| service.overrides.iter().position(|(f, _)| f == from);
    zone.and_then(find).or_else(|| find(region))
}
