//! Explanations of the codes a host meets loading a catalog: `load::`, `artifact::` and `io::`.
//! Each example is a command and its fix.

/// Code and Markdown explanation.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    ("load::invalid_rules", INVALID_RULES),
    ("artifact::foreign", FOREIGN),
    ("artifact::newer", NEWER),
    ("artifact::older", OLDER),
    ("artifact::corrupt", CORRUPT),
    ("io::unreadable", UNREADABLE),
    ("io::not_utf8", NOT_UTF8),
    ("io::no_rules", NO_RULES),
    ("io::too_large", RULES_TOO_LARGE),
    ("artifact::too_large", ARTIFACT_TOO_LARGE),
    ("limit::declarations", DECLARATIONS),
];

const INVALID_RULES: &str = r"
## What it means

A catalog was loaded from `.rules` files (by `rulec eval --rules`, or by `Catalog::load` in
a host application) and the files have errors. The report lists each error with its own
`rules::` code. Warnings do not stop a load; errors do.

## Why it matters

A catalog with errors is never half-loaded: evaluating events against part of the rules
would give decisions that look right and are not.

## Wrong

```console
$ rulec eval --rules rules events.ndjson
load::invalid_rules

  × the rules have 1 error
  help: run `rulec check` on the rules for the full report
```

## Corrected

Find and fix the errors with `rulec check`, then evaluate again (in CI, run `rulec check`
first, or evaluate against an artifact that `rulec compile` wrote from checked rules):

```console
$ rulec check rules
checked 5 files: 2 services, 97 actions, 0 errors, 0 warnings
$ rulec eval --rules rules events.ndjson
```
";

const FOREIGN: &str = r"
## What it means

`--rules` (or `Catalog::load`) was given a file that does not end in `.rules`, so rulec read
it as a compiled catalog artifact, and it is not one: it is not JSON or YAML, or it lacks
`format: rulec-catalog`.

## Why it matters

Only artifacts written by `rulec compile` carry the checked catalog and the hashes that
prove it was not altered; rulec will not guess at other files.

## Wrong

The events file given as the catalog:

```console
$ rulec eval --rules events.ndjson events.ndjson
artifact::foreign

  × not a rulec catalog artifact: it is not JSON or YAML with `format: rulec-catalog`
```

## Corrected

Pass the `.rules` directory, or an artifact compiled from it:

```console
$ rulec compile rules -o catalog.json
$ rulec eval --rules catalog.json events.ndjson
```
";

const NEWER: &str = r"
## What it means

The artifact's `format_version` is newer than the newest this rulec reads: it was written
by a newer rulec. The message gives both versions.

## Why it matters

A newer format may hold rules this version does not know how to apply; loading it anyway
could silently skip them.

## Wrong

```console
$ rulec eval --rules catalog.json events.ndjson
artifact::newer

  × the artifact has format version 3; this rulec (0.1.0) reads up to 2
```

## Corrected

Upgrade rulec where events are evaluated, or compile the rules again with the rulec you
have:

```console
$ rulec compile rules -o catalog.json
$ rulec eval --rules catalog.json events.ndjson
```
";

const OLDER: &str = r"
## What it means

The artifact's `format_version` is older than the oldest this rulec reads. Version 1 stored
every action's fields inline; version 2 stores each distinct field list once, which keeps
artifacts and loaded catalogs small when many actions share their fields.

## Why it matters

Reading an old layout with new code could misread it; the rules are recompiled instead, and
the result is checked again.

## Wrong

```console
$ rulec eval --rules catalog-v1.json events.ndjson
artifact::older

  × the artifact has format version 1; this rulec (0.1.0) reads versions 2 to 2
```

## Corrected

Compile the rules again with the rulec you have:

```console
$ rulec compile rules -o catalog.json
$ rulec eval --rules catalog.json events.ndjson
```
";

const CORRUPT: &str = r"
## What it means

The file says it is a rulec artifact, but its catalog does not match its `catalog_hash`, or
does not fit the artifact format: it was edited by hand, truncated, or damaged in transit.

## Why it matters

The hash is what guarantees that the catalog being applied is the one `rulec check`
approved. An edited artifact could carry rules that were never checked.

## Wrong

```console
$ rulec eval --rules catalog.json events.ndjson
artifact::corrupt

  × the artifact is corrupt: its content does not match its `catalog_hash`
```

## Corrected

Change the `.rules` files, not the artifact, and compile again:

```console
$ rulec compile rules -o catalog.json
$ rulec eval --rules catalog.json events.ndjson
```
";

const UNREADABLE: &str = r"
## What it means

A path given to `rulec check`, `rulec compile` or `rulec eval` (or to `Catalog::load`) does
not exist or cannot be read. The message includes the operating system's reason.

## Why it matters

rulec exits with code 2, distinct from the code 1 of rules with errors, so that CI can tell
a misconfigured job from a failing check.

## Wrong

A typo in the directory name:

```console
$ rulec check rule
io::unreadable

  × cannot read `rule`: No such file or directory (os error 2)
```

## Corrected

```console
$ rulec check rules
```
";

const NOT_UTF8: &str = r"
## What it means

A `.rules` file is not valid UTF-8, usually because an editor saved it as Latin-1,
Windows-1252 or UTF-16. The message gives the line, and the byte within the line, of the
first invalid byte.

## Why it matters

Descriptions and names are compared and printed as Unicode text; rulec does not guess an
encoding, because a wrong guess would change names without any error.

## Wrong

```console
$ rulec check rules
io::not_utf8

  × `rules/cloudant.rules` is not valid UTF-8 (line 12, byte 40 of the line)
```

## Corrected

Convert the file to UTF-8 (here from Latin-1), then check again:

```console
$ iconv -f latin1 -t utf-8 rules/cloudant.rules > cloudant.rules.utf8
$ mv cloudant.rules.utf8 rules/cloudant.rules
$ rulec check rules
```
";

const NO_RULES: &str = r"
## What it means

A directory given as a path holds no file ending in `.rules`, even in its subdirectories.

## Why it matters

An empty catalog would check clean and route nothing; rulec refuses it so that a wrong path
in CI fails loudly instead of passing.

## Wrong

The files are named `*.rule`:

```console
$ rulec check catalog
io::no_rules

  × no `.rules` files in `catalog`
```

## Corrected

Name the files `*.rules` (or point at the directory that holds them):

```console
$ mv catalog/routes.rule catalog/routes.rules
$ rulec check catalog
```
";

const RULES_TOO_LARGE: &str = r"
## What it means

A `.rules` file is larger than 8 MiB (`rulec::limits::MAX_RULES_FILE_BYTES`). rulec refuses it
before reading it.

## Why it matters

Hand-written catalogs are a few kilobytes; a file this large is almost always a mistake (a
log or a binary given by accident) or an attempt to make CI run out of memory.

## Wrong

```console
$ rulec check rules/everything.rules
io::too_large

  × `rules/everything.rules` is 12582912 bytes, more than the limit of 8388608
```

## Corrected

Split a large generated catalog into several files in one directory; they form one catalog:

```console
$ rulec check rules/
```
";

const ARTIFACT_TOO_LARGE: &str = r"
## What it means

A file given as a compiled catalog is larger than 256 MiB
(`rulec::limits::MAX_ARTIFACT_BYTES`); it is refused before it is parsed.

## Why it matters

A compiled catalog of 100,000 actions takes a few megabytes. A larger file is not the
artifact you meant, and parsing it could exhaust memory.

## Wrong

```console
$ rulec eval --rules events-archive.json events.ndjson
artifact::too_large

  × the artifact is 1073741824 bytes, more than the limit of 268435456
```

## Corrected

Point `--rules` at the artifact `rulec compile` wrote, or at the `.rules` directory:

```console
$ rulec compile rules -o catalog.json
$ rulec eval --rules catalog.json events.ndjson
```
";

const DECLARATIONS: &str = r"
## What it means

The catalog holds more than 1,000,000 declarations (actions, field lines, types, schemas,
regions, zones, targets, routes and route rules; `rulec::limits::MAX_DECLARATIONS`). The
check stops at the file where the count passes the limit.

## Why it matters

Real catalogs hold hundreds of actions. A catalog this large is generated by mistake (a loop
that repeats declarations) or meant to exhaust CI; checking it would take the memory and
time of the whole job.

## Wrong

```console
$ rulec check generated/
limit::declarations

  × the catalog has more than 1000000 declarations
```

## Corrected

Generate one catalog per team or per service, and check each:

```console
$ rulec check generated/registry/
```
";
