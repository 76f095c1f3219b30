//! Coverage files for CI tools: LCOV and Cobertura, line by line in the `.rules` files.
//!
//! A line is hit when a case exercised some item declared on it; a line that declares several
//! items (a field with enum members, say) reports each as a branch, so a partly exercised line
//! shows as partial.

use std::fmt::Write as _;
use std::path::Path;

use rulec::suite::FileLines;

use super::{grouped, xml};

/// The coverage as an LCOV tracefile: one record per file.
pub(super) fn lcov(files: &[FileLines]) -> String {
    let mut out = String::from("TN:rulec\n");
    for file in files {
        let _ = writeln!(out, "SF:{}", file.file);
        let (mut hit, mut branches, mut taken) = (0, 0, 0);
        for line in &file.lines {
            let _ = writeln!(out, "DA:{},{}", line.number, line.covered);
            hit += usize::from(line.covered > 0);
            if line.items > 1 {
                for branch in 0..line.items {
                    let covered = usize::from(branch < line.covered);
                    let _ = writeln!(out, "BRDA:{},0,{branch},{covered}", line.number);
                }
                branches += line.items;
                taken += line.covered;
            }
        }
        let _ = write!(
            out,
            "BRF:{branches}\nBRH:{taken}\nLF:{}\nLH:{hit}\nend_of_record\n",
            file.lines.len()
        );
    }
    out
}

/// Lines hit, lines, branches taken and branches of some files.
#[derive(Default)]
struct Counts {
    hit: usize,
    lines: usize,
    taken: usize,
    branches: usize,
}

impl Counts {
    fn of<'a>(files: impl IntoIterator<Item = &'a FileLines>) -> Self {
        let mut counts = Counts::default();
        for line in files.into_iter().flat_map(|f| &f.lines) {
            counts.lines += 1;
            counts.hit += usize::from(line.covered > 0);
            if line.items > 1 {
                counts.branches += line.items;
                counts.taken += line.covered;
            }
        }
        counts
    }

    /// `line-rate` and `branch-rate`, each 1 when there is nothing to count.
    fn rates(&self) -> String {
        let rate = |part: usize, whole: usize| {
            // Line counts stay far below 2^52: the conversions are exact.
            #[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^52")]
            let rate = if whole == 0 {
                1.0
            } else {
                part as f64 / whole as f64
            };
            format!("{rate:.4}")
        };
        format!(
            "line-rate=\"{}\" branch-rate=\"{}\"",
            rate(self.hit, self.lines),
            rate(self.taken, self.branches)
        )
    }
}

/// The coverage as Cobertura XML: a package per directory, a class per file; `timestamp` in
/// milliseconds since the Unix epoch.
pub(super) fn cobertura(files: &[FileLines], timestamp: u128) -> String {
    let total = Counts::of(files);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n<coverage {} lines-covered=\"{}\" lines-valid=\"{}\" branches-covered=\"{}\" branches-valid=\"{}\" complexity=\"0\" version=\"rulec {}\" timestamp=\"{timestamp}\">\n  <sources>\n    <source>.</source>\n  </sources>\n  <packages>\n",
        total.rates(),
        total.hit,
        total.lines,
        total.taken,
        total.branches,
        env!("CARGO_PKG_VERSION"),
    );
    let directory = |file: &FileLines| {
        Path::new(&file.file)
            .parent()
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into())
    };
    let packages = grouped(files, directory);
    for (name, members) in &packages {
        let counts = Counts::of(members.iter().copied());
        let _ = writeln!(
            out,
            "    <package name=\"{}\" {} complexity=\"0\">\n      <classes>",
            xml(name),
            counts.rates()
        );
        for file in members {
            let class = Path::new(&file.file)
                .file_name()
                .map_or_else(|| file.file.clone(), |n| n.to_string_lossy().into_owned());
            let _ = writeln!(
                out,
                "        <class name=\"{}\" filename=\"{}\" {} complexity=\"0\">\n          <methods/>\n          <lines>",
                xml(&class),
                xml(&file.file),
                Counts::of([*file]).rates()
            );
            for line in &file.lines {
                let _ = write!(
                    out,
                    "            <line number=\"{}\" hits=\"{}\"",
                    line.number, line.covered
                );
                if line.items > 1 {
                    let percent = line.covered * 100 / line.items;
                    let _ = write!(
                        out,
                        " branch=\"true\" condition-coverage=\"{percent}% ({}/{})\"",
                        line.covered, line.items
                    );
                } else {
                    out.push_str(" branch=\"false\"");
                }
                out.push_str("/>\n");
            }
            out.push_str("          </lines>\n        </class>\n");
        }
        out.push_str("      </classes>\n    </package>\n");
    }
    out.push_str("  </packages>\n</coverage>\n");
    out
}
