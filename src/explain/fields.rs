//! Explanations of the `rules::` codes about types, schemas and field declarations.

/// Code and Markdown explanation.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    ("rules::unknown_type", UNKNOWN_TYPE),
    ("rules::unknown_schema", UNKNOWN_SCHEMA),
    ("rules::invalid_regex", INVALID_REGEX),
    ("rules::regex_too_large", REGEX_TOO_LARGE),
    ("rules::empty_enum", EMPTY_ENUM),
    ("rules::duplicate_enum_member", DUPLICATE_ENUM_MEMBER),
    ("rules::invalid_constraint", INVALID_CONSTRAINT),
    ("rules::conflicting_field", CONFLICTING_FIELD),
    ("rules::unused_type", UNUSED_TYPE),
    ("rules::unused_schema", UNUSED_SCHEMA),
];

const UNKNOWN_TYPE: &str = r#"
## What it means

A field or a `type` declaration names a type that is neither built in nor declared. The
built-in types are `string`, `bool`, `integer`, `number`, `object`, `array`, `timestamp` and
`crn`; others are declared with `type NAME = ...` anywhere in the catalog. A type defined in
terms of itself is reported the same way. The help suggests the closest known type.

## Why it matters

Without a type the field cannot be checked at all, so rulec refuses the catalog rather than
accept any value.

## Wrong

```rules
service container-registry "Container Registry" {
  management account-vulnerability-report.list "View the Vulnerability Advisor reports for images in your account."

  fields account-vulnerability-report.list {
    requestData.RequestParameters.repository?: strng "The name of the repository."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  management account-vulnerability-report.list "View the Vulnerability Advisor reports for images in your account."

  fields account-vulnerability-report.list {
    requestData.RequestParameters.repository?: string "The name of the repository."
  }
}
```
"#;

const UNKNOWN_SCHEMA: &str = r#"
## What it means

A field block includes a schema with `use NAME`, and no `schema NAME { ... }` of that name is
declared anywhere in the catalog. The help suggests the closest declared schema.

## Why it matters

The fields of the schema were meant to apply to the block's actions; with a misspelt name
none of them is checked.

## Wrong

```rules
schema image_fields {
  requestData.RequestParameters.name?: string "The name of the image."
}

service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read { use image_field }
}
```

## Corrected

```rules
schema image_fields {
  requestData.RequestParameters.name?: string "The name of the image."
}

service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read { use image_fields }
}
```
"#;

const INVALID_REGEX: &str = r#"
## What it means

A `matches /.../` pattern is not a valid regular expression for the Rust `regex` crate, which
rulec uses to check events. That syntax has no look-around (`(?=...)`, `(?!...)`) and no
backreferences (`\1`); a `/` inside the pattern is written `\/`. The label quotes the
`regex` crate's reason.

## Why it matters

The `regex` crate matches in time linear in the input, whatever the pattern, so a
hostile event cannot make evaluation slow. Patterns written for other engines must be
rewritten without the features that would break that guarantee.

## Wrong

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    target.id: string matches /@sha256:(?=[0-9a-f]{64}$)/ "The CRN of the image, by digest."
  }
}
```

## Corrected

Match the characters instead of looking ahead at them:

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    target.id: string matches /@sha256:[0-9a-f]{64}$/ "The CRN of the image, by digest."
  }
}
```
"#;

const REGEX_TOO_LARGE: &str = r#"
## What it means

A `matches` pattern is valid, but compiles to a program larger than rulec's limit (1 MiB).
Large counted repetitions multiply the size of what they repeat, and Unicode classes such as
`\w` and `\d` are large: `\w{1,5000}` is five thousand copies of every Unicode word
character.

## Why it matters

Every pattern is compiled when the catalog is loaded and kept in memory by every process
that evaluates events; the limit keeps loading fast and memory bounded.

## Wrong

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    requestData.RequestParameters.tag: string matches /^\w{1,5000}$/ "The tag of the image."
  }
}
```

## Corrected

An ASCII class and the real bound (image tags have at most 128 characters):

```rules
service container-registry "Container Registry" {
  data image.push "Push an image to Container Registry."

  fields image.push {
    requestData.RequestParameters.tag: string matches /^[A-Za-z0-9_.-]{1,128}$/ "The tag of the image."
  }
}
```
"#;

const EMPTY_ENUM: &str = r#"
## What it means

An `enum { }` lists no members. An enum accepts exactly the strings it lists, so an empty
one accepts nothing.

## Why it matters

Every event that carries the field would be rejected with `eval::enum_mismatch`. The list
was probably left to be filled in later.

## Wrong

```rules
service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status?: enum { } "The overall vulnerability assessment status."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status?: enum { OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE, UNSCANNED } "The overall vulnerability assessment status."
  }
}
```
"#;

const DUPLICATE_ENUM_MEMBER: &str = r#"
## What it means

An enum lists the same member twice. Members are compared exactly, case included, so `OK`
and `ok` are two members, but `WARN` and `WARN` are one.

## Why it matters

A repeated member is harmless to evaluation but usually hides a mistake: a member that was
meant to be another value, or two copies that could later be given different levels
(`WARN warn`).

## Wrong

```rules
type vulnerability_status = enum { OK, WARN, FAIL, UNSUPPORTED, WARN, INCOMPLETE, UNSCANNED }

service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status?: vulnerability_status "The overall vulnerability assessment status."
  }
}
```

## Corrected

```rules
type vulnerability_status = enum { OK, WARN, FAIL, UNSUPPORTED, INCOMPLETE, UNSCANNED }

service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status?: vulnerability_status "The overall vulnerability assessment status."
  }
}
```
"#;

const INVALID_CONSTRAINT: &str = r#"
## What it means

A clause cannot apply where it is written: `matches` on a field that is not a string,
`matches ... allow` (which would check nothing), `quoted` on a string type, `missing` on a
`type` declaration or on an optional (`?`) field, a clause written twice, an enum member
marked `error`, or `action in { ... }` given a `*` pattern.

## Why it matters

Each of these either does nothing or contradicts the rest of the declaration; rulec refuses
them so that every clause in a catalog means what it says.

## Wrong

`?` already says the field may be missing, so `missing warn` contradicts it:

```rules
service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status?: string missing warn "The overall vulnerability assessment status."
  }
}
```

## Corrected

A required field whose absence is only a warning:

```rules
service container-registry "Container Registry" {
  management image-vulnerability-status.read "View the Vulnerability Advisor security status for an image."

  fields image-vulnerability-status.read {
    responseData.status: string missing warn "The overall vulnerability assessment status."
  }
}
```
"#;

const CONFLICTING_FIELD: &str = r#"
## What it means

For one action, the same field path is declared twice with different types or constraints
(by the envelope, two `fields` blocks, or a schema and a block), or a field is declared
inside another field that is not an `object` (`reason.reasonCode` when `reason` is a
`string`). The report points at both declarations and names the action.

## Why it matters

An event has one value at a path; two different rules for it mean one of them is wrong, and
an event would be rejected by whichever rule it breaks.

## Wrong

```rules
service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."
  data image.push "Push an image to Container Registry."

  fields image.pull, image.push {
    requestData.RequestParameters.size?: integer "The size of the image in bytes."
  }

  fields image.pull {
    requestData.RequestParameters.size?: string "The size of the image, as text."
  }
}
```

## Corrected

```rules
service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."
  data image.push "Push an image to Container Registry."

  fields image.pull, image.push {
    requestData.RequestParameters.size?: integer "The size of the image in bytes."
  }
}
```
"#;

const UNUSED_TYPE: &str = r#"
## What it means

A `type NAME = ...` declaration is not used by any field or other type. This is a warning:
the catalog still compiles.

## Why it matters

An unused type is usually a field that was meant to use it and names something else, so its
constraints are not applied. If it really is unused, removing it keeps the catalog short.

## Wrong

```rules
type digest_ref = string matches /@sha256:[0-9a-f]{64}$/

service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."

  fields image.pull {
    target.id: string "The CRN of the image."
  }
}
```

## Corrected

```rules
type digest_ref = string matches /@sha256:[0-9a-f]{64}$/

service container-registry "Container Registry" {
  data image.pull "Pull an image from Container Registry."

  fields image.pull {
    target.id: digest_ref "The CRN of the image."
  }
}
```
"#;

const UNUSED_SCHEMA: &str = r#"
## What it means

A `schema NAME { ... }` is not included by any field block with `use NAME`. This is a
warning: the catalog still compiles.

## Why it matters

The schema's fields are checked only in the blocks that `use` it; an unused schema usually
means a forgotten `use`, so those fields go unchecked.

## Wrong

```rules
schema repository_fields {
  requestData.RequestParameters.repository?: string "The name of the repository."
}

service container-registry "Container Registry" {
  management account-vulnerability-report.list "View the Vulnerability Advisor reports for images in your account."
}
```

## Corrected

```rules
schema repository_fields {
  requestData.RequestParameters.repository?: string "The name of the repository."
}

service container-registry "Container Registry" {
  management account-vulnerability-report.list "View the Vulnerability Advisor reports for images in your account."

  fields account-vulnerability-report.list { use repository_fields }
}
```
"#;
