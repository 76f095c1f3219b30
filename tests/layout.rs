//! The layout shows the data flow: no file of the library imports, directly or through others,
//! a file that imports it back, and the catalog (the IR) never reaches into the evaluator.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file of the library (not the binary), with its text before its tests.
fn library_files() -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("bin") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                let code: Vec<&str> = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect();
                out.insert(path, code.join("\n"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// The module path of a file: `src/eval/fast/mod.rs` is `eval::fast`.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).unwrap().with_extension("");
    let mut segments: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|s| s == "mod" || s == "lib") {
        segments.pop();
    }
    segments
}

/// The files each file imports: every `crate::a::b` and `super::x` path it names (grouped
/// imports included), resolved to the longest prefix that is a module file.
fn imports() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = library_files();
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .keys()
        .map(|f| (module_of(&root, f), f.clone()))
        .collect();
    let resolve = |segments: &[String]| {
        (1..=segments.len())
            .rev()
            .find_map(|n| modules.get(&segments[..n]).cloned())
    };
    let path = regex::Regex::new(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)").unwrap();
    let group =
        regex::Regex::new(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)*)::\{([^}]*)\}").unwrap();
    let mut graph = BTreeMap::new();
    for (file, text) in &files {
        let own = module_of(&root, file);
        let parent: Vec<String> = own[..own.len().saturating_sub(1)].to_vec();
        let base = |anchor: &str| {
            if anchor == "crate" {
                Vec::new()
            } else {
                parent.clone()
            }
        };
        let mut targets = BTreeSet::new();
        for found in path.captures_iter(text) {
            let mut segments = base(&found[1]);
            segments.extend(found[2].split("::").skip(1).map(str::to_owned));
            targets.extend(resolve(&segments));
        }
        for found in group.captures_iter(text) {
            let mut prefix = base(&found[1]);
            prefix.extend(found[2].split("::").skip(1).map(str::to_owned));
            for item in found[3].split(',') {
                let mut segments = prefix.clone();
                segments.extend(item.trim().split("::").map(|s| s.trim().to_owned()));
                targets.extend(resolve(&segments));
            }
        }
        targets.remove(file);
        graph.insert(file.clone(), targets);
    }
    graph
}

/// A cycle through `start`, if there is one: the files in order.
fn cycle_through(
    graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    start: &Path,
) -> Option<Vec<PathBuf>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((file, trail)) = stack.pop() {
        for next in graph.get(&file).into_iter().flatten() {
            if next == start {
                return Some(trail);
            }
            if seen.insert(next.clone()) {
                let mut longer = trail.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_file_of_the_library_is_in_an_import_cycle() {
    let graph = imports();
    assert!(graph.len() > 40, "only {} files read", graph.len());
    let cycles: Vec<Vec<PathBuf>> = graph
        .keys()
        .filter_map(|file| cycle_through(&graph, file))
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_catalog_does_not_reach_into_the_evaluator() {
    let graph = imports();
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/eval");
    for (file, targets) in graph
        .iter()
        .filter(|(f, _)| f.components().any(|c| c.as_os_str() == "catalog"))
    {
        let into_eval: Vec<_> = targets.iter().filter(|t| t.starts_with(&eval)).collect();
        assert!(
            into_eval.is_empty(),
            "{} imports {into_eval:?}",
            file.display()
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let a = PathBuf::from("a.rs");
    let b = PathBuf::from("b.rs");
    let graph = BTreeMap::from([
        (a.clone(), BTreeSet::from([b.clone()])),
        (b.clone(), BTreeSet::from([a.clone()])),
    ]);
    assert_eq!(cycle_through(&graph, &a), Some(vec![a, b]));
}
