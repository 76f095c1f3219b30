//! Catalog scaling: synthetic catalogs of 100, 1,000, 10,000 and 100,000 actions.
//!
//! For each size: the time to compile the `.rules` text into a catalog (parse and check;
//! timed once instead of sampled when one compile takes over two seconds),
//! the heap the compiled catalog keeps (counted by the global allocator of this binary), and
//! the per-event cost of deciding generated events against it, valid events alone and with
//! 10% invalid ones. The catalogs are the shipped envelope and regions plus synthetic services
//! of 200 actions each, whose fields share a few types, enums and patterns (three distinct
//! regexes in all), as real catalogs share them.
//!
//! `cargo bench --bench scaling -- --warm-up-time 1 --measurement-time 3`

use std::alloc::System;
use std::hint::black_box;
use std::time::Instant;

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use rulec::artifact::{self, ArtifactFormat};
use rulec::sample::{self, SampleOptions};
use rulec::{Catalog, Engine, Evaluator, Source};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use synthetic::synthetic;

#[path = "support/synthetic.rs"]
mod synthetic;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];
/// A compile slower than this is timed once, not sampled, to keep the run short.
const SLOW_COMPILE_MS: f64 = 2_000.0;

fn compile(sources: Vec<Source>) -> Option<Catalog> {
    match Catalog::compile(sources) {
        Ok(catalog) => Some(catalog),
        Err(diagnostics) => {
            eprintln!("the synthetic catalog does not compile: {diagnostics}");
            None
        }
    }
}

/// The engine of the compiled catalog, the heap it holds (the bytes its drop frees, counted by
/// the global allocator of this binary: the catalog and its evaluation plan), and how long the
/// compile took.
fn retained(actions: usize) -> Option<(Engine, i128, f64)> {
    let sources = synthetic(actions);
    let start = Instant::now();
    let catalog = compile(sources)?;
    let once = start.elapsed().as_secs_f64() * 1e3;
    let engine = Engine::new(catalog);
    // The clone is what the benchmarks use; dropping the built one measures what it held.
    let kept = engine.clone();
    let region = Region::new(GLOBAL);
    drop(engine);
    let change = region.change();
    let held = change.bytes_deallocated as i128 - change.bytes_allocated as i128;
    Some((kept, held, once))
}

/// The size of the catalog's JSON artifact and the fastest of three loads of it.
fn load_time(catalog: &Catalog) -> String {
    let Ok(text) = artifact::write(catalog, String::new(), ArtifactFormat::Json) else {
        return "the artifact cannot be written".into();
    };
    let fastest = (0..3)
        .map(|_| {
            let start = Instant::now();
            let loaded = artifact::read(text.as_bytes());
            let ms = start.elapsed().as_secs_f64() * 1e3;
            black_box(loaded.is_ok());
            ms
        })
        .fold(f64::INFINITY, f64::min);
    format!(
        "artifact {:.1} MiB, loaded in {fastest:.1} ms",
        mib(text.len() as i128)
    )
}

#[expect(
    clippy::cast_precision_loss,
    reason = "heap sizes are far below 2^52 bytes"
)]
fn mib(bytes: i128) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn scaling(c: &mut Criterion) {
    let mut catalogs = Vec::new();
    for actions in SIZES {
        let Some((catalog, held, once)) = retained(actions) else {
            return;
        };
        println!(
            "scaling/retained/{actions}: {:.2} MiB ({held} bytes, {} bytes per action); first compile {once:.1} ms; {}",
            mib(held),
            held / i128::try_from(actions).unwrap_or(1),
            load_time(catalog.catalog())
        );
        catalogs.push((actions, catalog, once));
    }

    let mut group = c.benchmark_group("scaling_compile");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for (actions, _, once) in &catalogs {
        if *once > SLOW_COMPILE_MS {
            println!(
                "scaling_compile/{actions}: one run only, {once:.0} ms (over {SLOW_COMPILE_MS} ms, too slow for 10 samples)"
            );
            continue;
        }
        let sources = synthetic(*actions);
        group.bench_with_input(
            BenchmarkId::from_parameter(actions),
            &sources,
            |b, sources| {
                b.iter_batched(
                    || sources.clone(),
                    |s| black_box(compile(s)),
                    BatchSize::PerIteration,
                );
            },
        );
    }
    group.finish();

    interleaved(&catalogs);

    let mut group = c.benchmark_group("scaling_evaluate");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for (actions, engine, _) in &catalogs {
        let evaluator = Evaluator::new(engine);
        for (name, invalid_share) in [("valid", 0.0), ("mixed", 0.1)] {
            let options = SampleOptions {
                count: 2_000,
                invalid_share,
                seed: 20_261_120,
            };
            let corpus: Vec<String> = sample::events(engine.catalog(), &options).collect();
            group.throughput(Throughput::Elements(corpus.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, actions), &corpus, |b, corpus| {
                b.iter(|| {
                    for (i, event) in corpus.iter().enumerate() {
                        black_box(evaluator.evaluate(event.as_bytes(), i as u64));
                    }
                });
            });
        }
    }
    group.finish();
}

/// Rounds of [`interleaved`].
const ROUNDS: usize = 15;

/// The per-event cost of valid events at each size, the sizes measured in alternation for
/// [`ROUNDS`] rounds and the fastest round of each kept: steadier than separate means on a
/// noisy machine, so the growth from 100 to 100,000 actions can be read off.
fn interleaved(catalogs: &[(usize, Engine, f64)]) {
    let options = SampleOptions {
        count: 2_000,
        invalid_share: 0.0,
        seed: 20_261_120,
    };
    let corpora: Vec<Vec<String>> = catalogs
        .iter()
        .map(|(_, engine, _)| sample::events(engine.catalog(), &options).collect())
        .collect();
    let mut best = vec![f64::INFINITY; catalogs.len()];
    for _ in 0..ROUNDS {
        for (((_, engine, _), corpus), best) in catalogs.iter().zip(&corpora).zip(&mut best) {
            let evaluator = Evaluator::new(engine);
            let start = Instant::now();
            for (i, event) in corpus.iter().enumerate() {
                black_box(evaluator.evaluate(event.as_bytes(), i as u64));
            }
            let ns = start.elapsed().as_secs_f64() * 1e9
                / f64::from(u32::try_from(corpus.len().max(1)).unwrap_or(u32::MAX));
            *best = best.min(ns);
        }
    }
    let first = best.first().copied().unwrap_or_default();
    for ((actions, _, _), ns) in catalogs.iter().zip(&best) {
        println!(
            "scaling/interleaved/valid/{actions}: {ns:.0} ns/event (fastest of {ROUNDS} rounds), {:+.0} ns from the smallest",
            ns - first
        );
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
