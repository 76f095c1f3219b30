//! The editor files in `editors/`: the TextMate grammar tokenises the shipped rules as their
//! author reads them, and names every keyword of the `.rules` grammar and every base type.
//!
//! The grammar is run by a small TextMate interpreter (match rules with captures, begin and end
//! rules, includes), line by line as editors run it. Its regular expressions avoid look-around,
//! so the `regex` crate compiles every one of them as Oniguruma does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;

use regex::Regex;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn grammar() -> Value {
    let path = Path::new(ROOT).join("editors/vscode/syntaxes/rules.tmLanguage.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One rule of the grammar, its includes resolved.
enum Rule {
    Match {
        regex: Regex,
        name: Option<String>,
        captures: Vec<(usize, String)>,
    },
    Span {
        begin: Regex,
        end: Regex,
        name: Option<String>,
        inner: Vec<Rule>,
    },
}

fn rules(patterns: &Value, repository: &Value) -> Vec<Rule> {
    let mut out = Vec::new();
    for pattern in patterns.as_array().unwrap() {
        out.extend(rule(pattern, repository));
    }
    out
}

fn rule(pattern: &Value, repository: &Value) -> Vec<Rule> {
    if let Some(include) = pattern["include"].as_str() {
        let key = include.strip_prefix('#').expect("a repository include");
        return rule(&repository[key], repository);
    }
    let name = pattern["name"].as_str().map(str::to_owned);
    if let Some(regex) = pattern["match"].as_str() {
        let captures = pattern["captures"]
            .as_object()
            .map(|c| {
                c.iter()
                    .map(|(k, v)| (k.parse().unwrap(), v["name"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        return vec![Rule::Match {
            regex: Regex::new(regex).unwrap_or_else(|e| panic!("{regex}: {e}")),
            name,
            captures,
        }];
    }
    if let Some(begin) = pattern["begin"].as_str() {
        let inner = if pattern["patterns"].is_array() {
            rules(&pattern["patterns"], repository)
        } else {
            Vec::new()
        };
        return vec![Rule::Span {
            begin: Regex::new(begin).unwrap(),
            end: Regex::new(pattern["end"].as_str().unwrap()).unwrap(),
            name,
            inner,
        }];
    }
    rules(&pattern["patterns"], repository)
}

/// The scopes of each byte of each line of `text`, outermost first and separated by spaces;
/// also whether a begin rule is still open at the end.
fn tokenise(grammar: &[Rule], text: &str) -> (Vec<Vec<Option<String>>>, bool) {
    let mut open: Vec<&Rule> = Vec::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut scopes: Vec<Option<String>> = vec![None; line.len()];
        let mut at = 0;
        while at <= line.len() {
            let (patterns, end) = match open.last() {
                Some(Rule::Span { inner, end, .. }) => (inner.as_slice(), Some(end)),
                _ => (grammar, None),
            };
            // Scopes nest: a name inside an open span is written after the span's.
            let names: Vec<&str> = open
                .iter()
                .filter_map(|r| match r {
                    Rule::Span { name, .. } => name.as_deref(),
                    Rule::Match { .. } => None,
                })
                .collect();
            let outer = (!names.is_empty()).then(|| names.join(" "));
            let within = |name: &str| match &outer {
                Some(outer) => format!("{outer} {name}"),
                None => name.to_owned(),
            };
            // The earliest match wins; at a tie the end of the open span, then the first rule.
            let mut best: Option<(usize, usize, Option<&Rule>)> = None;
            if let Some(end) = end {
                if let Some(m) = end.find_at(line, at) {
                    best = Some((m.start(), m.end(), None));
                }
            }
            for rule in patterns {
                let regex = match rule {
                    Rule::Match { regex, .. } => regex,
                    Rule::Span { begin, .. } => begin,
                };
                if let Some(m) = regex.find_at(line, at) {
                    if best.is_none_or(|(start, _, _)| m.start() < start) {
                        best = Some((m.start(), m.end(), Some(rule)));
                    }
                }
            }
            let Some((start, stop, found)) = best else {
                for scope in scopes.iter_mut().skip(at) {
                    scope.clone_from(&outer);
                }
                break;
            };
            for scope in scopes.iter_mut().take(start).skip(at) {
                scope.clone_from(&outer);
            }
            match found {
                None => {
                    for scope in scopes.iter_mut().take(stop).skip(start) {
                        scope.clone_from(&outer);
                    }
                    open.pop();
                }
                Some(Rule::Match {
                    regex,
                    name,
                    captures,
                }) => {
                    for scope in scopes.iter_mut().take(stop).skip(start) {
                        *scope = name.as_deref().map(within).or_else(|| outer.clone());
                    }
                    let groups = regex.captures_at(line, start).unwrap();
                    for (index, capture) in captures {
                        if let Some(group) = groups.get(*index) {
                            for scope in scopes.iter_mut().take(group.end()).skip(group.start()) {
                                *scope = Some(within(capture));
                            }
                        }
                    }
                }
                Some(span @ Rule::Span { name, .. }) => {
                    for scope in scopes.iter_mut().take(stop).skip(start) {
                        *scope = name.as_deref().map(within).or_else(|| outer.clone());
                    }
                    open.push(span);
                }
            }
            if stop == start {
                // An empty match (`$`): the line is done.
                if found.is_none() {
                    continue;
                }
                break;
            }
            at = stop;
        }
        lines.push(scopes);
    }
    (lines, !open.is_empty())
}

fn scope_at(scopes: &[Option<String>], at: usize) -> &str {
    scopes[at].as_deref().unwrap_or("")
}

#[test]
fn the_textmate_grammar_tokenises_the_shipped_rules() {
    let grammar = grammar();
    let compiled = rules(&grammar["patterns"], &grammar["repository"]);
    let keyword = Regex::new(r"^\s*([a-z]+)\b").unwrap();
    let string = Regex::new(r#""(?:[^"\\]|\\.)*""#).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(Path::new(ROOT).join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (lines, unclosed) = tokenise(&compiled, &text);
        assert!(
            !unclosed,
            "{}: a comment or string runs to the end",
            path.display()
        );
        for (number, (line, scopes)) in text.lines().zip(&lines).enumerate() {
            let place = format!("{}:{}: {line}", path.display(), number + 1);
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                let start = line.len() - trimmed.len();
                assert!(
                    (start..line.len()).all(|i| scope_at(scopes, i).starts_with("comment.")),
                    "{place}"
                );
                continue;
            }
            let regex = line.contains("matches");
            if let Some(code) = line
                .find("//")
                .filter(|&i| !line[..i].contains('"') && !regex)
            {
                assert!(scope_at(scopes, code).starts_with("comment."), "{place}");
            }
            for m in string.find_iter(line) {
                if line[..m.start()].contains("//") || regex {
                    continue;
                }
                assert!(
                    (m.start()..m.end()).all(|i| scope_at(scopes, i).starts_with("string.quoted")),
                    "{place}: {}",
                    m.as_str()
                );
            }
            if let Some(first) = keyword.captures(line).and_then(|c| c.get(1)) {
                let word = first.as_str();
                let words = [
                    "service",
                    "group",
                    "fields",
                    "use",
                    "type",
                    "schema",
                    "envelope",
                    "when",
                    "locate",
                    "domain",
                    "locations",
                    "region",
                    "geography",
                    "zones",
                    "aliases",
                    "target",
                    "route",
                    "types",
                    "actions",
                    "default",
                    "collect",
                    "require",
                ];
                if words.contains(&word) && line[first.end()..].starts_with(' ') {
                    assert_eq!(
                        scope_at(scopes, first.start()),
                        "keyword.other.rules",
                        "{place}"
                    );
                }
                if ["management", "data", "action"].contains(&word)
                    && line[first.end()..].starts_with(' ')
                {
                    let scope = scope_at(scopes, first.start());
                    assert_eq!(scope, "storage.modifier.rules", "{place}");
                    // The action's name after its flag.
                    let name = first.end() + 1;
                    assert!(scope_at(scopes, name).starts_with("entity.name"), "{place}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked} lines");
}

#[test]
fn the_textmate_grammar_names_every_keyword_and_base_type() {
    let grammar = grammar();
    let keywords = grammar["repository"]["keywords"]["match"].as_str().unwrap();
    let pest = std::fs::read_to_string(Path::new(ROOT).join("grammar/rules.pest")).unwrap();
    let declared = Regex::new(r#"(?m)^kw_[a-z_]+\s*=\s*@\{\s*"([a-z]+)""#).unwrap();
    let mut count = 0;
    for keyword in declared.captures_iter(&pest) {
        let word = &keyword[1];
        assert!(
            keywords.contains(&format!("|{word}|"))
                || keywords.contains(&format!("(?:{word}|"))
                || keywords.contains(&format!("|{word})")),
            "`{word}` is not highlighted"
        );
        count += 1;
    }
    assert!(count > 30, "{count} keywords in the pest grammar");
    let types = grammar["repository"]["types"]["match"].as_str().unwrap();
    for (name, _) in rulec::catalog::BaseType::ALL {
        assert!(
            types.contains(name),
            "base type `{name}` is not highlighted"
        );
    }
}
