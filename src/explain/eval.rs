//! Explanations of the `eval::` codes: each example is a catalog, an event that breaks it and
//! the event fixed.

/// Code and Markdown explanation.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    ("eval::invalid_json", INVALID_JSON),
    ("eval::unknown_action", UNKNOWN_ACTION),
    ("eval::missing_field", MISSING_FIELD),
    ("eval::type_mismatch", TYPE_MISMATCH),
    ("eval::enum_mismatch", ENUM_MISMATCH),
    ("eval::discouraged_value", DISCOURAGED_VALUE),
    ("eval::pattern_mismatch", PATTERN_MISMATCH),
    ("eval::data_flag_mismatch", DATA_FLAG_MISMATCH),
    ("eval::unroutable", UNROUTABLE),
    ("eval::duplicate_key", DUPLICATE_KEY),
    ("eval::event_too_large", EVENT_TOO_LARGE),
    ("eval::internal", INTERNAL),
];

const INVALID_JSON: &str = r#"
## What it means

An input is not JSON, or is JSON but not an object (a string, a number, an array inside an
array). `rulec eval` reads NDJSON (one event per line), a single JSON object, or a JSON array
of objects; each event must be one object. The violation's path is `""`: the whole event.

## Why it matters

Nothing can be checked or routed without the event's fields. The event is rejected rather
than skipped, so that it is counted, reported and, with `--dead-letter`, kept for
inspection; a stream never loses events silently.

## Wrong

A trailing comma, which JSON does not allow:

```text
{"action": "container-registry.image.push", "dataEvent": true,}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true}
```
"#;

const UNKNOWN_ACTION: &str = r#"
## What it means

The event's `action` is not declared by any service of the catalog. Names are compared
exactly; the help suggests the closest declared action, and recognises a `,` typed for a `.`
and Unicode look-alike characters. Evaluation stops here: without the action, rulec does not
know which fields to check or whether it is a management or a data event.

## Why it matters

Either the producer misspells the action, or the catalog is missing an action the service
emits. Both need fixing: in the second case, declare the action in the service's `.rules`
file.

## Wrong

With this catalog:

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

the event misspells `push`:

```json
{"action": "container-registry.image.psuh", "dataEvent": true}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true}
```
"#;

const MISSING_FIELD: &str = r#"
## What it means

A field that the envelope, the action's `fields` or a `when` block whose condition holds
declares as required (no `?`) is absent from the event. Its level is the field's `missing`
level: an error by default, a warning with `missing warn`. A field required by a `when`
block says so in the message ("required when ...").

## Why it matters

Consumers of audit events (SIEM rules, compliance reports) rely on the required fields; an
event without them cannot answer who did what to which resource.

## Wrong

With this catalog:

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    requestData.RequestParameters.name: string "The name of the image."
  }
}
```

the event has no image name:

```json
{"action": "container-registry.image.push", "dataEvent": true, "requestData": {}}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true,
 "requestData": {"RequestParameters": {"name": "us.icr.io/payments/api:1.4.2"}}}
```
"#;

const TYPE_MISMATCH: &str = r#"
## What it means

A field has a value of the wrong JSON type: a number where a string is declared, a string
that is not a valid `timestamp` or `crn`, and so on. A bool, number, object or array written
as a JSON string (`"true"`, `"200"`) is reported at the field's `quoted` level: an error by
default, a warning with `quoted warn`, accepted with `quoted allow`.

## Why it matters

Consumers that filter or aggregate on a field (`reason.reasonCode >= 400`) break or silently
miss events when its type varies between producers.

## Wrong

With this catalog:

```rules
envelope {
  reason.reasonCode: integer "HTTP status code"
}

service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

the status code is sent as a string:

```json
{"action": "container-registry.image.push", "dataEvent": true, "reason": {"reasonCode": "200"}}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true, "reason": {"reasonCode": 200}}
```
"#;

const ENUM_MISMATCH: &str = r#"
## What it means

A field declared as an `enum { ... }` has a value that is not one of its members. Members
are compared exactly, case included; the help points out a value that differs only in case,
or suggests the closest member.

## Why it matters

Enum fields are the ones consumers match on (`outcome == "failure"`); a value outside the
list falls through every such match.

## Wrong

With this catalog:

```rules
envelope {
  outcome: enum { success, pending, failure } "The outcome of the action; lowercase only"
}

service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

the outcome is capitalised:

```json
{"action": "container-registry.image.push", "dataEvent": true, "outcome": "Success"}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true, "outcome": "success"}
```
"#;

const DISCOURAGED_VALUE: &str = r#"
## What it means

A field's value is an enum member marked `warn`: the rules accept it, with a warning. This
is how a catalog keeps accepting a legacy value while producers move away from it. The
event is not rejected.

## Why it matters

The value still works today, but it is on its way out, and consumers may treat it
differently from the preferred members the help lists.

## Wrong

With this catalog, `unknown` is a legacy outcome:

```rules
envelope {
  outcome: enum { success, pending, failure, unknown warn } "The outcome of the action"
}

service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

```json
{"action": "container-registry.image.push", "dataEvent": true, "outcome": "unknown"}
```

## Corrected

Send the outcome the action really had:

```json
{"action": "container-registry.image.push", "dataEvent": true, "outcome": "failure"}
```
"#;

const PATTERN_MISMATCH: &str = r#"
## What it means

A string field does not match one of its `matches /.../` patterns. Patterns are unanchored
(write `^` and `$` to match the whole value). The level is the pattern's: an error by
default, a warning with `matches /.../ warn`. The help is the field's description.

## Why it matters

Patterns encode the format consumers depend on, such as a digest that pins exactly which
image was pushed, rather than a tag that can later point elsewhere.

## Wrong

With this catalog:

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    target.id: string matches /@sha256:[0-9a-f]{64}$/ "The CRN of the image, by digest."
  }
}
```

the target names the image by tag:

```json
{"action": "container-registry.image.push", "dataEvent": true,
 "target": {"id": "crn:v1:bluemix:public:container-registry:us-south:a/2c17c4e5587783961ce4a0aa415054e7::image:us.icr.io/payments/api:1.4.2"}}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true,
 "target": {"id": "crn:v1:bluemix:public:container-registry:us-south:a/2c17c4e5587783961ce4a0aa415054e7::image:us.icr.io/payments/api@sha256:9f2c6b8e4d1a7c3b5e0f9a8d7c6b5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a"}}
```
"#;

const DATA_FLAG_MISMATCH: &str = r#"
## What it means

The event's `dataEvent` flag (a bool, or the string `"true"` or `"false"`) disagrees with
the event type the catalog gives its action: `true` for a `management` action, or `false`
for a `data` action. A missing `dataEvent` is left to the envelope's rule for that field.

## Why it matters

Instances choose which event types they collect, and Activity Tracker filters on this flag.
A data event flagged as management bypasses a customer's choice to turn data events off, and
a management event flagged as data is lost wherever data events are off.

## Wrong

With this catalog:

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

the producer flags a data event as a management event:

```json
{"action": "container-registry.image.push", "dataEvent": false}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true}
```

If the producer is right and the catalog is wrong, change the action's flag in the
`.rules` file instead.
"#;

const UNROUTABLE: &str = r#"
## What it means

The event cannot be located: `logSourceCRN` is missing or is not a CRN, its location segment
(the sixth) is empty, or it names a location the catalog does not declare. Zones resolve to
their region and aliases to the current name; `global` is always known. The help suggests
the closest declared location.

## Why it matters

Activity Tracker Event Routing routes every event by that location; an event without one
cannot be delivered to any target, so it is rejected rather than dropped unnoticed.

## Wrong

With this catalog:

```rules
region us-south "Dallas"

target logs cloud_logs "IBM Cloud Logs instance for searching audit events"
default targets logs

service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."
}
```

the location segment is misspelt:

```json
{"action": "container-registry.image.push", "dataEvent": true,
 "logSourceCRN": "crn:v1:bluemix:public:container-registry:us-soth:a/2c17c4e5587783961ce4a0aa415054e7:::"}
```

## Corrected

```json
{"action": "container-registry.image.push", "dataEvent": true,
 "logSourceCRN": "crn:v1:bluemix:public:container-registry:us-south:a/2c17c4e5587783961ce4a0aa415054e7:::"}
```
"#;

const DUPLICATE_KEY: &str = r#"
## What it means

An object in the event has the same key twice. JSON allows it on paper, but readers disagree
on which value wins: some keep the first, most the last, some refuse the document. The
violation's path points at the second occurrence.

## Why it matters

Two readers of the same event could see two different events: rulec could check one value
while a consumer acts on the other, which is a way to slip a bad value past validation.
rulec rejects the event instead of picking a value.

## Wrong

```json
{"action": "container-registry.image.push", "dataEvent": false, "dataEvent": true}
```

## Corrected

Send each key once:

```json
{"action": "container-registry.image.push", "dataEvent": true}
```
"#;

const EVENT_TOO_LARGE: &str = r#"
## What it means

An event is larger than the size limit of `rulec eval` (1 MiB unless `--max-event-bytes`
says otherwise; the library's `MAX_EVENT_BYTES`). The event is rejected without being
parsed.

## Why it matters

The limit bounds the memory and time one event can take, so a runaway producer (a whole
response body in `responseData`, a loop that nests an event in itself) cannot stall the
stream for every other event. Activity Tracker itself truncates or refuses oversized events.

## Wrong

```console
$ rulec eval --rules rules events.ndjson
{"index":0,"verdict":"reject","violations":[{"code":"eval::event_too_large","path":"","level":"error","message":"the event is 2097152 bytes, more than the limit of 1048576","help":"split or trim the event at its producer, or raise the limit (`--max-event-bytes`)"}]}
```

## Corrected

Trim the event at its producer (keep identifiers in `requestData` and `responseData`, not
whole payloads). If events this large are expected, raise the limit:

```console
$ rulec eval --rules rules --max-event-bytes 4194304 events.ndjson
```
"#;

const INTERNAL: &str = r#"
## What it means

rulec decided an event but could not serialise its decision to JSON. This is a bug in
rulec, not a problem with your event or your rules. The event is reported as rejected so
that it is not lost.

## Why it matters

The decision printed is not the real one. Please report it, with the event and the catalog
that produced it, so that it can be fixed.

## Wrong

A decision like this one in the output of `rulec eval`:

```json
{"index":0,"verdict":"reject","violations":[{"code":"eval::internal","path":"","level":"error","message":"cannot serialise the decision: ..."}]}
```

## Corrected

There is nothing to correct in the event. Save the input that produced the decision (with
`--dead-letter`), check that it reproduces, and attach both files to a bug report:

```console
$ rulec eval --rules rules --dead-letter rejected.ndjson events.ndjson
$ rulec eval --rules rules rejected.ndjson
```
"#;
