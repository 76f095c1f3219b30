//! Explanations of the `rules::` codes about syntax, names, services and actions.

/// Code and Markdown explanation.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    ("rules::syntax", SYNTAX),
    ("rules::malformed_action", MALFORMED_ACTION),
    ("rules::malformed_name", MALFORMED_NAME),
    ("rules::confusable_character", CONFUSABLE_CHARACTER),
    ("rules::duplicate_action", DUPLICATE_ACTION),
    ("rules::duplicate_declaration", DUPLICATE_DECLARATION),
    ("rules::unknown_action", UNKNOWN_ACTION),
    ("rules::missing_event_type", MISSING_EVENT_TYPE),
    ("rules::conflicting_event_policy", CONFLICTING_EVENT_POLICY),
];

const SYNTAX: &str = r#"
## What it means

The text does not follow the grammar of `.rules` files: a keyword, a name, a string or a
brace is missing or out of place. The message says what the parser expected at the first
point it could not continue, and the label shows what it found there instead.

## Why it matters

A file that does not parse contributes nothing to the catalog. While any file has a syntax
error, rulec also holds back "unknown ..." and "unused ..." reports, because names declared
after the error are not seen: fix syntax errors first, then check again.

## Wrong

Every action needs a description string after its name:

```rules
service container-registry "Container Registry" {
  group images "Actions that generate events for images" {
    management image.tag
    data image.push "Push an image to Container Registry."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  group images "Actions that generate events for images" {
    management image.tag "Add a tag that refers to a pre-existing Container Registry image."
    data image.push "Push an image to Container Registry."
  }
}
```
"#;

const MALFORMED_ACTION: &str = r#"
## What it means

An action declared inside `service NAME { ... }` is written relative to its service, as
`object.verb`: exactly two parts separated by one `.`, using letters, digits, `-` and `_`.
Its full name, `service.object.verb`, is formed from the service. This code reports a `,`
typed for a `.`, an empty part, the service name written out again, or a wrong number of
parts.

## Why it matters

Activity Tracker events carry the full action name, `container-registry.image.push`. An
action declared under a malformed name can never match an event, so every event of that
action would be rejected as `eval::unknown_action`.

## Wrong

The IBM Cloudant documentation lists this action with a `,` where the first `.` belongs:

```rules
service cloudantnosqldb "IBM Cloudant" {
  data cloudantnosqldb,replicator-design-document.write "Write a _design document to the _replicator database."
}
```

## Corrected

Inside `service cloudantnosqldb` the service part is implied:

```rules
service cloudantnosqldb "IBM Cloudant" {
  data replicator-design-document.write "Write a _design document to the _replicator database."
}
```
"#;

const MALFORMED_NAME: &str = r#"
## What it means

A name contains a character it cannot have. Group, type, schema, target and route names use
ASCII letters, digits, `-` and `_`; service names are the lowercase CRN service name
(letters, digits and `-`, with one `.` for a two-part name such as `is.vpc`); regions, zones
and aliases are lowercase with `-`. A field path must not have an empty segment (`a..b`).

## Why it matters

Names end up in CRNs, in decisions and in generated documentation, and they are compared
exactly. A name with stray punctuation is almost always a typo that would make references
fail later.

## Wrong

A group name with a `.`:

```rules
service container-registry "Container Registry" {
  group retention.policies "Actions that generate events for retention policies" {
    management retention.list "List the image retention policies for your account."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  group retention-policies "Actions that generate events for retention policies" {
    management retention.list "List the image retention policies for your account."
  }
}
```
"#;

const CONFUSABLE_CHARACTER: &str = r#"
## What it means

A name contains a Unicode character that looks like an ASCII one: a typographic hyphen
(U+2010) or an en dash for `-`, a Cyrillic `а` for `a`, a no-break space. Such characters
usually arrive by copying names from a web page or a word processor. The message names the
character and its code point.

## Why it matters

The name looks right but is a different string: events, which use the ASCII name, never
match it. This is the hardest kind of typo to see, so rulec refuses it outright.

## Wrong

The service name below contains U+2010 HYPHEN, not `-` (they look the same):

```rules
service container‐registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."
}
```

## Corrected

Type the name again in ASCII:

```rules
service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."
}
```
"#;

const DUPLICATE_ACTION: &str = r#"
## What it means

The same action (by its full name, `service.object.verb`) is declared twice: in two groups,
twice in one group, or in two files of the same catalog. All the files a check reads form
one catalog, so a service may be split across files, but each action is declared once. The
report points at both declarations.

## Why it matters

An action has one event type (management or data), one description and one group; two
declarations could disagree on all of them, and the documentation would list the action
twice.

## Wrong

```rules
service container-registry "Container Registry" {
  group images "Actions that generate events for images" {
    data image.pull "Pull an image from Container Registry."
  }
  group signing "Actions that generate events for signing images" {
    data signature.read "Read a signature from an image in Container Registry."
    data image.pull "Pull a signed image from Container Registry."
  }
}
```

## Corrected

Keep one declaration:

```rules
service container-registry "Container Registry" {
  group images "Actions that generate events for images" {
    data image.pull "Pull an image from Container Registry."
  }
  group signing "Actions that generate events for signing images" {
    data signature.read "Read a signature from an image in Container Registry."
  }
}
```
"#;

const DUPLICATE_DECLARATION: &str = r#"
## What it means

A name other than an action is declared twice: a service, type, schema, region (or zone or
alias), target, route, group of one service, location override, domain or the
`default targets` line. It is also reported when a declaration takes a built-in name: a
type named like a built-in type (`string`, `crn`, ...) or a location named `global` or `*`.

## Why it matters

References must resolve to exactly one declaration; with two, rulec cannot know which one
you meant, and the second would silently replace or merge with the first.

## Wrong

```rules
region eu-de "Frankfurt" { zones eu-de-1, eu-de-2, eu-de-3 }
region eu-de "Frankfurt" { aliases eu-central }
```

## Corrected

Declare it once, with everything it has:

```rules
region eu-de "Frankfurt" {
  zones eu-de-1, eu-de-2, eu-de-3
  aliases eu-central
}
```
"#;

const UNKNOWN_ACTION: &str = r#"
## What it means

A `fields` block, a `when` condition or a route's `actions` filter refers to an action that
no service declares, or uses a `*` pattern that matches no declared action. Inside a service,
references are relative (`image.push`); at the top level they are full names
(`container-registry.image.push`). The help suggests the closest declared action.

## Why it matters

The constraints written for a misspelt action apply to nothing: events of the real action
go unchecked, and nobody notices until a bad event gets through.

## Wrong

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.psuh {
    requestData.RequestParameters.name: string "The name of the image."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    requestData.RequestParameters.name: string "The name of the image."
  }
}
```
"#;

const MISSING_EVENT_TYPE: &str = r#"
## What it means

An action declared with `action NAME "..."` takes the event type of its group, and its group
does not give one. Every action is either a management event or a data event: write
`management NAME` or `data NAME`, or give the group a default after its caption.

## Why it matters

The event type decides whether an instance collects the event at all (data events are often
off by default) and whether the event's `dataEvent` flag is right. An action without one
cannot be evaluated.

## Wrong

```rules
service container-registry "Container Registry" {
  group auth "Actions that generate events for your authorization" {
    action auth.get "Check whether the use of public connections is prevented for image pushes or pulls in your account."
  }
}
```

## Corrected

The group gives its actions the `management` event type:

```rules
service container-registry "Container Registry" {
  group auth "Actions that generate events for your authorization" management {
    action auth.get "Check whether the use of public connections is prevented for image pushes or pulls in your account."
  }
}
```
"#;

const CONFLICTING_EVENT_POLICY: &str = r#"
## What it means

A service's event-type policy contradicts itself: `require` lists an event type that
`collect` does not, an event type is listed twice on one line, or a service has two
`collect` (or two `require`) lines. `collect` lists the event types collected by default;
`require` lists those an instance cannot turn off, so every required type is also collected.

## Why it matters

The policy decides which events are dropped as `data-events-disabled` or
`management-events-disabled`. A required type that is not collected has no consistent
meaning, and the service's configuration API would refuse it.

## Wrong

```rules
service cloudantnosqldb "IBM Cloudant" {
  collect data
  require management

  management database.create "Create a database."
}
```

## Corrected

```rules
service cloudantnosqldb "IBM Cloudant" {
  collect management, data
  require management

  management database.create "Create a database."
}
```
"#;
