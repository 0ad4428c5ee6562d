//! Issue 29's measurement: how fast each highlighting engine turns code
//! into class-based HTML, one core, start-up apart from per-line cost.
//!
//! `highlighters [--secs S] [--html OUT] FOLDER...` reads every file under
//! each FOLDER (no network: the folders are the sample): a `.md` file gives
//! its fenced code blocks (the corpus of bench/gen_corpus.py), any other
//! file is one block in the language its extension names. For each engine
//! it prints the time to load its grammar set, the time to highlight the
//! `--warm` folder's code once (which pays each language's lazy grammar
//! work: what `ssg serve` and a one-post rebuild pay), then the rate in
//! lines per second on one thread over the FOLDERs' code, which it has not
//! seen, per language too; and the rate over the same code again, for at
//! least S seconds (an engine's caches of text it has seen then count). Times are this thread's CPU time, not wall time, so other work
//! on a shared machine does not count against an engine. With `--html`, one page per engine and language shows the
//! first block of that language, for the side-by-side screenshots.
//! With `--agree N`, no timing: per fence word, the share of characters
//! syntect and syntaxmate colour alike under bat's themes (src/agree.rs),
//! with the N most frequent differences.

mod agree;
mod corpus;
mod cpu_clock;
mod engines;

#[allow(dead_code)]
#[path = "../../../src/escape.rs"]
mod escape;
mod highlight;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use corpus::Block;
use cpu_clock::Instant;
use engines::Engine;

struct Args {
    folders: Vec<PathBuf>,
    secs: f64,
    html: Option<PathBuf>,
    only: Option<String>,
    warm: Vec<PathBuf>,
    agree: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        folders: Vec::new(),
        secs: 3.0,
        html: None,
        only: None,
        warm: Vec::new(),
        agree: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--secs" => {
                let value = it.next().ok_or("--secs needs a number")?;
                args.secs = value
                    .parse()
                    .map_err(|_| format!("--secs {value}: not a number"))?;
            }
            "--html" => args.html = Some(it.next().ok_or("--html needs a folder")?.into()),
            "--agree" => {
                let value = it
                    .next()
                    .ok_or("--agree needs how many differences to list")?;
                args.agree = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--agree {value}: not a number"))?,
                );
            }
            "--only" => args.only = Some(it.next().ok_or("--only needs an engine name")?),
            "--warm" => args
                .warm
                .push(it.next().ok_or("--warm needs a folder")?.into()),
            _ => args.folders.push(arg.into()),
        }
    }
    if args.folders.is_empty() {
        return Err(
            "usage: highlighters [--agree N] [--secs S] [--html OUT] [--only ENGINE] [--warm FOLDER] FOLDER..."
                .into(),
        );
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let read = |folders: &[PathBuf]| {
        corpus::read(folders).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1);
        })
    };
    let blocks = read(&args.folders);
    if let Some(verbose) = args.agree {
        agree::run(&blocks, verbose);
        return;
    }
    let warm = read(&args.warm);
    let lines: usize = blocks.iter().map(|b| b.code.lines().count()).sum();
    let bytes: usize = blocks.iter().map(|b| b.code.len()).sum();
    println!(
        "{} blocks, {lines} lines, {bytes} bytes; languages (lines): {}",
        blocks.len(),
        corpus::languages(&blocks).join(" ")
    );
    println!(
        "engine          | load ms | warm-up ms | unseen lines/s | again lines/s | html bytes | blocks without a grammar"
    );
    for name in engines::NAMES {
        if args.only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let started = Instant::now();
        let engine = engines::load(name);
        let load = started.elapsed();
        let started = Instant::now();
        pass(engine.as_ref(), &warm, &mut Rates::default());
        let warm_up = started.elapsed();
        measure(name, engine.as_ref(), (load, warm_up), &blocks, args.secs);
        if let Some(out) = &args.html {
            if let Err(e) = corpus::write_samples(out, name, engine.as_ref(), &blocks) {
                eprintln!("{}: {e}", out.display());
                std::process::exit(1);
            }
        }
    }
}

/// Lines and CPU time per language, and the HTML's size.
#[derive(Default)]
struct Rates {
    by_lang: BTreeMap<String, (usize, Duration)>,
    html_bytes: usize,
    missing: usize,
}

impl Rates {
    fn lines_per_sec(lines: usize, time: Duration) -> f64 {
        lines as f64 / time.as_secs_f64().max(1e-9)
    }
    fn total(&self) -> f64 {
        let (lines, time) =
            (self.by_lang.values()).fold((0, Duration::ZERO), |(l, t), (bl, bt)| (l + bl, t + *bt));
        Rates::lines_per_sec(lines, time)
    }
}

/// One engine's rows: one pass over code it has not seen, timed block by
/// block, then passes over the same code until `secs` have gone by.
fn measure(
    name: &str,
    engine: &dyn Engine,
    (load, warm_up): (Duration, Duration),
    blocks: &[Block],
    secs: f64,
) {
    let mut unseen = Rates::default();
    pass(engine, blocks, &mut unseen);
    let mut again = Rates::default();
    let started = Instant::now();
    while again.by_lang.is_empty() || started.elapsed().as_secs_f64() < secs {
        pass(engine, blocks, &mut again);
    }
    println!(
        "{name:<15} | {:>7.1} | {:>10.1} | {:>14.0} | {:>13.0} | {:>10} | {} of {}",
        load.as_secs_f64() * 1e3,
        warm_up.as_secs_f64() * 1e3,
        unseen.total(),
        again.total(),
        unseen.html_bytes,
        unseen.missing,
        blocks.len(),
    );
    let per_lang: Vec<String> = (unseen.by_lang.iter())
        .map(|(lang, (lines, time))| {
            format!("{lang} {:.0}k", Rates::lines_per_sec(*lines, *time) / 1e3)
        })
        .collect();
    println!(
        "                  unseen, per language: {}",
        per_lang.join(", ")
    );
}

/// Highlights every block once, adding its lines and CPU time to `rates`
/// (blocks the engine has no grammar for count apart).
fn pass(engine: &dyn Engine, blocks: &[Block], rates: &mut Rates) {
    for block in blocks {
        let started = Instant::now();
        let html = engine.highlight(&block.lang, &block.code);
        let time = started.elapsed();
        match html {
            Some(html) => {
                rates.html_bytes += html.len();
                let entry = rates.by_lang.entry(block.lang.clone()).or_default();
                entry.0 += block.code.lines().count();
                entry.1 += time;
            }
            None => rates.missing += 1,
        }
    }
}
