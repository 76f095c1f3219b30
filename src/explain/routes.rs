//! Explanations of the `rules::` codes about locations, targets and routes.

/// Code and Markdown explanation.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    ("rules::unknown_location", UNKNOWN_LOCATION),
    ("rules::unknown_target", UNKNOWN_TARGET),
    ("rules::unknown_target_type", UNKNOWN_TARGET_TYPE),
    ("rules::shadowed_route_rule", SHADOWED_ROUTE_RULE),
    ("rules::uncovered_location", UNCOVERED_LOCATION),
    ("rules::limit_exceeded", LIMIT_EXCEEDED),
];

const UNKNOWN_LOCATION: &str = r#"
## What it means

A route rule, a `locate` override, a `domain` line or a `locations` table names a location
that is not declared. Locations are declared with `region NAME "display name"`, as a zone or
an alias inside a region's block, or are built in: `global` (Activity Tracker's location for
global events) and, in route rules, `*`. The help suggests the closest declared location.

## Why it matters

Locations decide where events are routed. A misspelt location in a route rule matches no
event, and a misspelt override moves events nowhere, so events silently go to the wrong
targets.

## Wrong

```rules
region au-syd "Sydney"
region jp-tok "Tokyo"

service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."

  locate au-syd -> jp-tk
}
```

## Corrected

```rules
region au-syd "Sydney"
region jp-tok "Tokyo"

service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."

  locate au-syd -> jp-tok
}
```
"#;

const UNKNOWN_TARGET: &str = r#"
## What it means

A route rule or the `default targets` line names a target that is not declared with
`target NAME TYPE`. To discard the events a rule matches, write `drop` instead of targets.
The help suggests the closest declared target.

## Why it matters

Events the rule matches would not reach the target you meant, for example the archive that
compliance depends on.

## Wrong

```rules
target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route everything {
  * -> logs, archve
}
```

## Corrected

```rules
target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route everything {
  * -> logs, archive
}
```
"#;

const UNKNOWN_TARGET_TYPE: &str = r#"
## What it means

A `target NAME TYPE` line gives a type that Activity Tracker Event Routing does not have.
The types are `cloud_object_storage`, `event_streams`, `cloud_logs` and `app_config`. The
help suggests the closest one.

## Why it matters

The target type says where Event Routing can deliver events; a target of an unknown type
could never be created in an account, so the routes that use it could not be either.

## Wrong

```rules
target archive cloud_object_store "Cloud Object Storage bucket that archives audit events"
```

## Corrected

```rules
target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
```
"#;

const SHADOWED_ROUTE_RULE: &str = r#"
## What it means

Within a route, the first rule whose locations match an event wins. This rule comes after
rules that already match every location it lists (often a `*` catch-all placed too early),
so no event can ever reach it. This is a warning: the catalog still compiles. The report
points at the rule and at the earlier rule that matches first.

## Why it matters

The targets of the unreachable rule never receive anything. Here, events from `eu-de`
would never reach the archive.

## Wrong

```rules
region eu-de "Frankfurt"

target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route regional {
  * -> logs
  eu-de -> logs, archive
}
```

## Corrected

Put the specific rule first and the catch-all last:

```rules
region eu-de "Frankfurt"

target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route regional {
  eu-de -> logs, archive
  * -> logs
}
```
"#;

const UNCOVERED_LOCATION: &str = r#"
## What it means

A declared region is not matched by any route rule (neither by its name nor by `*`), and
there are no `default targets`. This is a warning: the catalog still compiles.

## Why it matters

Every event from that region is dropped with `no-matching-route`. For audit events, that is
usually a compliance gap rather than a choice; if it is a choice, say so with a
`REGION -> drop` rule.

## Wrong

```rules
region eu-de "Frankfurt"
region us-south "Dallas"

target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route europe {
  eu-de -> logs
}
```

## Corrected

Declare where the other events go:

```rules
region eu-de "Frankfurt"
region us-south "Dallas"

target logs cloud_logs "IBM Cloud Logs instance for searching audit events"

route europe {
  eu-de -> logs
}

default targets logs
```
"#;

const LIMIT_EXCEEDED: &str = r#"
## What it means

The routing declarations exceed a limit of Activity Tracker Event Routing: at most 30 routes
and 16 targets per account, 1 to 10 rules per route, 8 locations and 3 targets per rule, 2
default targets, and route names of at most 180 characters. This is a warning: rulec can
evaluate the catalog, but the account could not be configured this way.

## Why it matters

rulec's decisions are meant to match what Event Routing does. A configuration the service
would refuse cannot be deployed, so the decisions would describe routing that never happens.

## Wrong

Four targets in one rule:

```rules
target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target siem event_streams "Event Streams topic read by the security team's SIEM"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"
target config app_config "App Configuration instance"

route everything {
  * -> archive, siem, logs, config
}
```

## Corrected

Every matching route fires, so a second route delivers to the fourth target:

```rules
target archive cloud_object_storage "Cloud Object Storage bucket that archives audit events"
target siem event_streams "Event Streams topic read by the security team's SIEM"
target logs cloud_logs "IBM Cloud Logs instance for searching audit events"
target config app_config "App Configuration instance"

route everything {
  * -> archive, siem, logs
}

route configuration {
  * -> config
}
```
"#;
