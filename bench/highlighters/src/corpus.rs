//! The code to highlight: fenced blocks of Markdown files and whole source
//! files, each with the language word a blog author would write.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::engines::Engine;

pub struct Block {
    /// The fence's language word, or the one the file extension stands for.
    pub lang: String,
    pub code: String,
    pub source: PathBuf,
}

/// Every block under `folders`, in a stable order.
pub fn read(folders: &[PathBuf]) -> Result<Vec<Block>, String> {
    let mut files = Vec::new();
    for folder in folders {
        walk(folder, &mut files).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    files.sort();
    let mut blocks = Vec::new();
    for file in files {
        let text = match fs::read_to_string(&file) {
            Ok(text) => text,
            // Binary or non-UTF-8 files are no blog's code block.
            Err(_) => continue,
        };
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "md" {
            fenced_blocks(&text, &file, &mut blocks);
        } else if let Some(lang) = language_of_extension(ext) {
            blocks.push(Block {
                lang: lang.to_string(),
                code: text,
                source: file,
            });
        }
    }
    Ok(blocks)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if dir.is_file() {
        files.push(dir.to_path_buf());
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The fence words blog authors use for the languages of the samples.
fn language_of_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "rs" => "rust",
        "py" => "python",
        "js" | "mjs" => "javascript",
        "ts" => "typescript",
        "go" => "go",
        "sh" | "bash" => "bash",
        "c" | "h" => "c",
        "java" => "java",
        "json" => "json",
        "yml" | "yaml" => "yaml",
        "toml" => "toml",
        "sql" => "sql",
        // The rest of the README's fence words, for real code of each.
        "cpp" | "cc" | "hpp" => "cpp",
        "cs" => "csharp",
        "css" => "css",
        "diff" | "patch" => "diff",
        "dockerfile" => "dockerfile",
        "ex" | "exs" => "elixir",
        "hs" => "haskell",
        "html" => "html",
        "kt" => "kotlin",
        "lua" => "lua",
        "mk" => "makefile",
        // `.md` files give their fenced blocks; this names a Markdown sample.
        "markdown" => "markdown",
        "php" => "php",
        "ps1" => "powershell",
        "rb" => "ruby",
        "scala" => "scala",
        "console" => "shell",
        "swift" => "swift",
        "xml" => "xml",
        _ => return None,
    })
}

/// Fenced blocks (``` only, as gen_corpus.py writes them) with a language.
fn fenced_blocks(text: &str, file: &Path, blocks: &mut Vec<Block>) {
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match open.take() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    let lang = info.split([',', ' ', '{']).next().unwrap_or("").trim();
                    open = Some((lang.to_string(), String::new()));
                }
            }
            Some((lang, mut code)) => {
                if line.starts_with("```") {
                    if !lang.is_empty() {
                        blocks.push(Block {
                            lang,
                            code,
                            source: file.to_path_buf(),
                        });
                    }
                } else {
                    code.push_str(line);
                    code.push('\n');
                    open = Some((lang, code));
                }
            }
        }
    }
}

pub fn languages(blocks: &[Block]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for b in blocks {
        *counts.entry(&b.lang).or_default() += b.code.lines().count();
    }
    counts.iter().map(|(l, n)| format!("{l}({n})")).collect()
}

/// `OUT/ENGINE-LANG.html`: the first block of each language as `engine`
/// renders it, inside a page that loads `OUT/ENGINE.css`.
pub fn write_samples(
    out: &Path,
    engine_name: &str,
    engine: &dyn Engine,
    blocks: &[Block],
) -> std::io::Result<()> {
    fs::create_dir_all(out)?;
    fs::write(out.join(format!("{engine_name}.css")), engine.stylesheet())?;
    let mut seen = std::collections::BTreeSet::new();
    for block in blocks {
        if !seen.insert(block.lang.as_str()) {
            continue;
        }
        let body = engine
            .highlight(&block.lang, &block.code)
            .unwrap_or_else(|| format!("<pre>(no grammar for {})</pre>", block.lang));
        let page = format!(
            "<!doctype html><meta charset=utf-8><link rel=stylesheet href=\"{engine_name}.css\">\
             <style>body{{margin:0;background:#282a36}}pre{{margin:0;padding:8px;font:13px/1.35 monospace}}\
             h1{{font:13px sans-serif;color:#f8f8f2;margin:4px 8px}}</style>\
             <h1>{engine_name} — {} — {}</h1>{body}",
            block.lang,
            block
                .source
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(""),
        );
        fs::write(out.join(format!("{engine_name}-{}.html", block.lang)), page)?;
    }
    Ok(())
}
