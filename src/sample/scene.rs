//! The story of one event: who did what to which resource, where and when, so that the
//! fields the Activity Tracker envelope names get values that belong together.

use serde_json::{Value, json};

use super::rng::Rng;
use crate::catalog::{Action, Catalog, EventType, Service};

/// Location segments are drawn from the catalog: mostly regions, then zones, aliases, `global`.
use crate::vocab::GLOBAL;

const PEOPLE: &[(&str, &str)] = &[
    ("IBMid-550004ABCD", "ana.silva@example.com"),
    ("IBMid-6620019XYZ", "kenji.watanabe@example.com"),
    ("IBMid-270001QWER", "fatima.haddad@example.com"),
    ("IBMid-310007ZXCV", "lars.nilsson@example.com"),
];
const SERVICE_IDS: &[&str] = &["deploy-pipeline", "nightly-backup", "image-scanner"];
const NAMESPACES: &[&str] = &["payments", "checkout", "platform", "data-science", "web"];
const REPOSITORIES: &[&str] = &["api", "worker", "frontend", "ingest", "scheduler"];
const AGENTS: &[&str] = &[
    "ibmcloud-cli/2.30.0 (darwin; arm64)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36",
    "terraform-provider-ibm/1.70.0",
    "Go-http-client/2.0",
];

/// Who acted.
#[derive(Debug, Clone)]
struct Initiator {
    id: String,
    name: String,
    type_uri: &'static str,
    credential: &'static str,
    address: String,
    agent: &'static str,
}

/// The resource acted on.
#[derive(Debug, Clone)]
struct Resource {
    /// The CRN's resource-type segment.
    kind: String,
    /// The CRN's resource segment (also the target name).
    name: String,
}

/// Everything the realistic values of one event are drawn from.
#[derive(Debug, Clone)]
pub(crate) struct Scene<'c> {
    pub(crate) action: &'c Action,
    service_name: &'c str,
    display_name: &'c str,
    /// The action name without its service: `object.verb`.
    object: &'c str,
    verb: &'c str,
    /// The location segment of `logSourceCRN`: a region, zone, alias or `global`.
    pub(crate) location: String,
    account: String,
    instance: String,
    initiator: Initiator,
    resource: Resource,
    digest: String,
    time: String,
}

impl<'c> Scene<'c> {
    /// A new scene for an event of `action`.
    pub(crate) fn new(catalog: &'c Catalog, action: &'c Action, rng: &mut Rng) -> Self {
        let service = catalog.service(action.service);
        let service_name = service.map_or("", |s| s.name.as_str());
        let relative = action
            .name
            .strip_prefix(service_name)
            .and_then(|r| r.strip_prefix('.'))
            .unwrap_or(&action.name);
        let (object, verb) = relative.rsplit_once('.').unwrap_or((relative, ""));
        let location = location(catalog, rng);
        let region = catalog
            .resolve(&location)
            .map_or(GLOBAL, |p| p.region.as_str())
            .to_owned();
        let digest = rng.hex(64);
        let resource = resource(catalog, service, object, &region, &digest, rng);
        Self {
            action,
            service_name,
            display_name: service.map_or(service_name, |s| s.display_name.as_str()),
            object,
            verb,
            location,
            account: rng.hex(32),
            instance: rng.uuid(),
            initiator: initiator(rng),
            resource,
            digest,
            time: timestamp(rng),
        }
    }

    /// The CRN of the emitting instance.
    pub(crate) fn log_source_crn(&self, location: &str) -> String {
        format!(
            "crn:v1:bluemix:public:{}:{location}:a/{}:{}::",
            self.service_name, self.account, self.instance
        )
    }

    fn target_crn(&self) -> String {
        format!(
            "crn:v1:bluemix:public:{}:{}:a/{}:{}:{}:{}",
            self.service_name,
            self.location,
            self.account,
            self.instance,
            self.resource.kind,
            self.resource.name
        )
    }

    /// A realistic value for a field the Activity Tracker envelope (or a common custom field)
    /// names; `None` for a path it does not know. `event` holds the fields set so far.
    pub(crate) fn value(&self, path: &str, event: &Value, rng: &mut Rng) -> Option<Value> {
        let outcome = event
            .get("outcome")
            .and_then(Value::as_str)
            .unwrap_or("success");
        let text = |s: &str| Some(Value::String(s.to_owned()));
        match path {
            "action" => text(&self.action.name),
            "outcome" => text(match rng.below(20) {
                0..=15 => "success",
                16..=18 => "failure",
                _ => "pending",
            }),
            "reason.reasonCode" => Some(json!(reason_code(outcome, self.verb, rng))),
            "reason.reasonType" => {
                let code = event.pointer("/reason/reasonCode").and_then(Value::as_u64);
                text(reason_type(code.unwrap_or(200)))
            }
            "reason.reasonForFailure" => text(rng.word(&[
                "The caller does not have the required permission",
                "The resource was not found",
                "The request conflicts with the current state of the resource",
            ])),
            "severity" => text(severity(outcome, self.verb)),
            "eventTime" => text(&self.time),
            "dataEvent" => Some(Value::Bool(self.action.event_type == EventType::Data)),
            "initiator.id" | "initiator.authnId" => text(&self.initiator.id),
            "initiator.name" | "initiator.authnName" => text(&self.initiator.name),
            "initiator.typeURI" => text(self.initiator.type_uri),
            "initiator.credential.type" => text(self.initiator.credential),
            "initiator.host.address" => text(&self.initiator.address),
            "initiator.host.addressType" => text("IPv4"),
            "initiator.host.agent" => text(self.initiator.agent),
            "target.id" => text(&self.target_crn()),
            "target.name" | "target.alias" => text(&self.resource.name),
            "target.typeURI" => text(&format!("{}/{}", self.service_name, self.object)),
            "target.resourceGroupId" => text(&format!(
                "crn:v1:bluemix:public:resource-controller::a/{}::resource-group:{}",
                self.account,
                self.instance.replace('-', "")
            )),
            "target.host.address" => text(&format!(
                "{}.{}.cloud.ibm.com",
                self.service_name, self.location
            )),
            "observer.name" => text("ActivityTracker"),
            "logSourceCRN" => text(&self.log_source_crn(&self.location)),
            "message" => text(&self.message(outcome)),
            "requestData" => Some(self.request_data(rng)),
            "responseData" => Some(self.response_data(outcome)),
            "saveServiceCopy" => Some(Value::Bool(true)),
            "correlationId" | "id" => text(&rng.uuid()),
            "tags" => Some(json!([
                "env:production",
                format!("team:{}", rng.word(NAMESPACES))
            ])),
            _ => self.custom(path, rng),
        }
    }

    /// Common custom fields, by their last segment.
    fn custom(&self, path: &str, rng: &mut Rng) -> Option<Value> {
        let last = path.rsplit('.').next().unwrap_or(path);
        let value = match last {
            "repository" => format!(
                "us.icr.io/{}/{}",
                rng.word(NAMESPACES),
                rng.word(REPOSITORIES)
            ),
            "name" => self.resource.name.clone(),
            "signatureMethod" => "Red Hat Signing".to_owned(),
            "signatureObject" => "image".to_owned(),
            _ => return None,
        };
        Some(Value::String(value))
    }

    /// `<display name>: <description>`, with ` -failure` on failure.
    fn message(&self, outcome: &str) -> String {
        let description = self.action.description.lines().next().unwrap_or_default();
        let description: String = description.chars().take(120).collect();
        if outcome == "failure" {
            let trimmed = description.trim_end_matches(['.', '。']);
            format!("{}: {trimmed} -failure", self.display_name)
        } else {
            format!("{}: {description}", self.display_name)
        }
    }

    fn request_data(&self, rng: &mut Rng) -> Value {
        let method = match self.verb {
            "read" | "get" | "list" | "inspect" | "pull" => "GET",
            "delete" | "untag" | "bulkdelete" => "DELETE",
            "set" | "write" | "update" | "configure" => "PUT",
            _ => "POST",
        };
        json!({
            "requestId": rng.uuid(),
            "method": method,
            "url": format!(
                "https://{}.{}.cloud.ibm.com/api/v1/{}/{}",
                self.service_name,
                self.location,
                self.object,
                self.resource.name
            ),
            "userAgent": self.initiator.agent,
            "instanceId": self.instance,
        })
    }

    fn response_data(&self, outcome: &str) -> Value {
        json!({
            "resource": self.resource.name,
            "digest": format!("sha256:{}", self.digest),
            "state": if outcome == "failure" { "unchanged" } else { "done" },
        })
    }
}

/// A location segment: 60% regions, 20% zones, 5% aliases, 15% `global`.
fn location(catalog: &Catalog, rng: &mut Rng) -> String {
    let regions = catalog.regions();
    let Some(region) = rng.pick(regions) else {
        return GLOBAL.to_owned();
    };
    let roll = rng.below(100);
    let choice = match roll {
        0..=59 => Some(&region.name),
        60..=79 => rng.pick(&region.zones),
        80..=84 => rng.pick(&region.aliases),
        _ => None,
    };
    match choice {
        Some(name) => name.clone(),
        None if roll < 85 => region.name.clone(),
        None => GLOBAL.to_owned(),
    }
}

fn initiator(rng: &mut Rng) -> Initiator {
    let address = format!(
        "{}.{}.{}.{}",
        rng.between(1, 223),
        rng.between(0, 255),
        rng.between(0, 255),
        rng.between(1, 254)
    );
    let agent = rng.word(AGENTS);
    if rng.percent(75) {
        let (id, name) = rng
            .pick(PEOPLE)
            .copied()
            .unwrap_or(("IBMid-0", "user@example.com"));
        Initiator {
            id: id.to_owned(),
            name: name.to_owned(),
            type_uri: "service/security/account/user",
            credential: if rng.percent(70) { "token" } else { "apikey" },
            address,
            agent,
        }
    } else {
        Initiator {
            id: format!("iam-ServiceId-{}", rng.uuid()),
            name: rng.word(SERVICE_IDS).to_owned(),
            type_uri: "service/security/account/serviceid",
            credential: "apikey",
            address,
            agent,
        }
    }
}

/// The resource: an image in a registry domain of the event's region when the service has
/// registry domains, otherwise an object named after the action's object type.
fn resource(
    catalog: &Catalog,
    service: Option<&Service>,
    object: &str,
    region: &str,
    digest: &str,
    rng: &mut Rng,
) -> Resource {
    let domains = service.map(|s| s.domains.as_slice()).unwrap_or_default();
    let in_region = domains.iter().find(|d| {
        let resolved = catalog
            .resolve(&d.region)
            .map_or(d.region.as_str(), |p| p.region.as_str());
        resolved == region
    });
    let Some(domain) = in_region.or_else(|| domains.first()) else {
        let kind = object.split('.').next().unwrap_or(object).to_owned();
        return Resource {
            name: format!("{kind}-{}", rng.hex(8)),
            kind,
        };
    };
    let repository = format!(
        "{}/{}/{}",
        domain.domain,
        rng.word(NAMESPACES),
        rng.word(REPOSITORIES)
    );
    let name = if rng.percent(50) {
        format!("{repository}@sha256:{digest}")
    } else {
        format!(
            "{repository}:{}.{}.{}",
            rng.below(4),
            rng.below(20),
            rng.below(10)
        )
    };
    Resource {
        kind: "image".to_owned(),
        name,
    }
}

fn timestamp(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:02}+0000",
        rng.between(2025, 2026),
        rng.between(1, 12),
        rng.between(1, 28),
        rng.between(0, 23),
        rng.between(0, 59),
        rng.between(0, 59),
        rng.between(0, 99)
    )
}

fn reason_code(outcome: &str, verb: &str, rng: &mut Rng) -> u64 {
    match outcome {
        "failure" => *rng.pick(&[400, 403, 404, 409, 500]).unwrap_or(&500),
        "pending" => 202,
        _ if verb == "create" => 201,
        _ if verb == "delete" => 204,
        _ => 200,
    }
}

fn reason_type(code: u64) -> &'static str {
    match code {
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        _ => "OK",
    }
}

fn severity(outcome: &str, verb: &str) -> &'static str {
    match (outcome, verb) {
        ("failure", "delete" | "revoke" | "set" | "configure") => "critical",
        ("failure", _) | (_, "delete" | "set" | "update" | "revoke" | "configure") => "warning",
        _ => "normal",
    }
}
