//! How long the Markdown renderer takes on the shapes that have made it
//! slow before (deep nesting, long runs of one construct, many headings
//! named alike), each repeated until the page is tens of kilobytes.
//!
//!     cargo run --release --example markdown_bench -- [REPEATS]
//!
//! Prints each shape's time, slowest last. The unit tests hold the
//! renderer to counts (ids tried per heading) and to well-formed output;
//! the time itself is measured here, where a slow machine cannot fail a
//! test run. A shape that takes seconds at the default 3,000 repeats is
//! a regression worth a look: they all render in milliseconds.

use std::time::{Duration, Instant};

use ssg::markdown::{MarkdownOptions, PageLinks, render};

/// Each shape, repeated: what `proptests::markdown` combines at random.
const SHAPES: [&str; 15] = [
    "> ",
    "- ",
    "1. ",
    "  ",
    "*",
    "_",
    "[",
    "](",
    "`",
    "<",
    "[^1]",
    "\\",
    "# same\n",
    "| a |\n|---|\n",
    "x <!-- more -->",
];

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("REPEATS is a number"))
        .unwrap_or(3_000);
    let page = PageLinks {
        source: "blog/post.md",
        path: "/blog/post/",
        resolve: &|_| None,
        base_path: "",
        authoring: None,
        pictures: None,
    };
    let options = MarkdownOptions::default();
    let mut times: Vec<(Duration, &str, usize)> = SHAPES
        .iter()
        .map(|shape| {
            let text = format!("{}x\n", shape.repeat(repeats));
            let started = Instant::now();
            render(&text, options, &page);
            (started.elapsed(), *shape, text.len())
        })
        .collect();
    times.sort();
    for (took, shape, bytes) in times {
        println!("{:>10.1?}  {bytes:>7} bytes  {shape:?}", took);
    }
}
