// ssg's search client. It reads the index `ssg build` writes beside this
// file (meta.json, words-*.bin, pages-*.json: the format is described in
// ssg's src/search/bundle.rs) and searches it in the browser, no server.
//
//   import { search } from "/search-index/search.js";
//   const { total, results } = await search("deploy bucket");
//   const first = await results[0].data();
//   // { url, title, excerpt (escaped HTML, matches in <mark>), section }
//
// `mountResults(element)` is the /search/ page: a box, `?q=` searched at
// once, results ten at a time.
//
// A query's words must all be in a page for it to be a result; each word
// is also matched as the start of longer ones ("deplo" finds "deploy"),
// which count for less. Pages rank by BM25 (weights computed at build time,
// here multiplied by each word's rarity).

const INDEX = new URL("./", import.meta.url);
const SITE_PATH = new URL("../", INDEX).pathname;
const FORMAT = 1;

// As the indexer splits text (src/search/words.rs), so a word is looked
// up as it was indexed.
const MAX_WORD_CHARS = 40;
const LETTER_OR_DIGIT = /^[\p{Alphabetic}\p{N}]$/u;

// A word the query only begins counts this much of a whole one.
const PREFIX_SHARE = 0.5;
// Word files a typed prefix of three or more characters may fetch beyond
// the first (a shorter one is looked up in the first only).
const PREFIX_EXTRA_FILES = 2;

/** Whether `c` is written without spaces between words: Han, kana, Hangul. */
function isCjk(c) {
  const n = c.codePointAt(0);
  return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) ||
    (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xf900 && n <= 0xfaff) ||
    (n >= 0xac00 && n <= 0xd7af) || (n >= 0x20000 && n <= 0x2ffff);
}

/**
 * `c` without its accents where it is a Latin letter written with them
 * (é → e), as the indexer folds it: one character for one, so a page's
 * text folded keeps its offsets.
 */
function fold(c) {
  const n = c.codePointAt(0);
  if (!((n >= 0xc0 && n <= 0x24f) || (n >= 0x1e00 && n <= 0x1eff))) return c;
  const parts = c.normalize("NFD");
  return /^[A-Za-z][\u0300-\u036f]+$/.test(parts) ? parts[0] : c;
}

/** `text` with every character folded; the same length. */
const foldText = (text) => Array.from(text, fold).join("");

/** The words of `text`, in order, by the indexer's rule. */
export function words(text) {
  const found = [];
  let word = "";
  let chars = 0;
  let last = null;
  let run = 0;
  const endWord = () => {
    if (chars > 1 && chars <= MAX_WORD_CHARS) found.push(word);
    word = "";
    chars = 0;
  };
  const endRun = () => {
    if (run === 1) found.push(last);
    last = null;
    run = 0;
  };
  for (const c of text) {
    if (isCjk(c)) {
      endWord();
      if (last !== null) found.push(last + c);
      last = c;
      run += 1;
      continue;
    }
    endRun();
    if (LETTER_OR_DIGIT.test(c)) {
      for (const lower of c.toLowerCase()) word += fold(lower);
      chars += 1;
    } else {
      endWord();
    }
  }
  endRun();
  endWord();
  return found;
}

/** Orders strings by code point, as the indexer sorted its words. */
function compare(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(j);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

async function fetchOk(name, options) {
  const response = await fetch(new URL(name, INDEX), options);
  if (!response.ok) throw new Error(`search index: ${name}: HTTP ${response.status}`);
  return response;
}

let meta = null;
function loadMeta() {
  // Revalidated on every visit: the one file not named by its content.
  meta ??= fetchOk("meta.json", { cache: "no-cache" })
    .then((r) => r.json())
    .then((m) => {
      if (m.format !== FORMAT) throw new Error(`search index: format ${m.format}, this client reads ${FORMAT}`);
      return m;
    })
    .catch((error) => {
      meta = null;
      throw error;
    });
  return meta;
}

const wordFiles = new Map();
function loadWordFile(name) {
  if (!wordFiles.has(name)) {
    const loaded = fetchOk(name).then((r) => r.arrayBuffer()).then(decodeWordFile);
    loaded.catch(() => wordFiles.delete(name));
    wordFiles.set(name, loaded);
  }
  return wordFiles.get(name);
}

/** The LEB128 varint at `at` in `bytes`: `[value, where the next thing starts]`. */
function varintAt(bytes, at) {
  let value = 0;
  let scale = 1;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return [value, at];
}

/** A word file's words, each with the number of its pages and where their list is. */
function decodeWordFile(buffer) {
  const bytes = new Uint8Array(buffer);
  const decoder = new TextDecoder();
  const entries = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at++];
    const word = decoder.decode(bytes.subarray(at, at + length));
    let count;
    let size;
    [count, at] = varintAt(bytes, at + length);
    [size, at] = varintAt(bytes, at);
    entries.push({ word, count, bytes: bytes.subarray(at, at + size) });
    at += size;
  }
  return entries;
}

/** Calls `each(page, weight)` for every page of a word's list. */
function forEachPosting(entry, each) {
  const bytes = entry.bytes;
  let at = 0;
  let page = 0;
  while (at < bytes.length) {
    let delta;
    [delta, at] = varintAt(bytes, at);
    page += delta;
    each(page, bytes[at++]);
  }
}

/** The word files that may hold `term`, or the words it begins. */
function filesFor(m, term, prefix) {
  const files = m.word_files;
  let low = 0;
  let high = files.length - 1;
  let start = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (compare(files[mid][0], term) <= 0) {
      start = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  const picked = files.length ? [files[start][1]] : [];
  const extra = prefix && [...term].length >= 3 ? PREFIX_EXTRA_FILES : 0;
  for (let i = start + 1; i < files.length && picked.length <= extra; i++) {
    if (!files[i][0].startsWith(term)) break;
    picked.push(files[i][1]);
  }
  return picked;
}

/** Each page holding `term` (or a word it begins) with its score for it. */
async function scoresFor(m, term) {
  const entries = (await Promise.all(filesFor(m, term, true).map(loadWordFile))).flat();
  const scores = new Map();
  for (const entry of entries) {
    const exact = entry.word === term;
    if (!exact && !entry.word.startsWith(term)) continue;
    const rarity = Math.log(1 + (m.pages - entry.count + 0.5) / (entry.count + 0.5));
    const share = exact ? rarity : rarity * PREFIX_SHARE;
    forEachPosting(entry, (page, weight) => {
      const score = share * weight;
      if (score > (scores.get(page) ?? 0)) scores.set(page, score);
    });
  }
  return scores;
}

/**
 * The pages holding every word of `query`, best first: `{ total, results }`,
 * each result `{ page, score, data() }`; `data()` loads what to show.
 */
export async function search(query) {
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return { total: 0, results: [] };
  const m = await loadMeta();
  const perTerm = await Promise.all(terms.map((term) => scoresFor(m, term)));
  perTerm.sort((a, b) => a.size - b.size);
  const [fewest, ...rest] = perTerm;
  const hits = [];
  for (const [page, score] of fewest) {
    let sum = score;
    for (const scores of rest) {
      const s = scores.get(page);
      if (s === undefined) {
        sum = null;
        break;
      }
      sum += s;
    }
    if (sum !== null) hits.push({ page, score: sum });
  }
  hits.sort((a, b) => b.score - a.score || a.page - b.page);
  const results = hits.map((hit) => ({ ...hit, data: () => pageData(m, hit.page, terms) }));
  return { total: results.length, results };
}

const pageFiles = new Map();
function loadPageFile(name) {
  if (!pageFiles.has(name)) {
    const loaded = fetchOk(name).then((r) => r.json());
    loaded.catch(() => pageFiles.delete(name));
    pageFiles.set(name, loaded);
  }
  return pageFiles.get(name);
}

/** A result as shown: `{ url, title, excerpt, section }`. */
async function pageData(m, page, terms) {
  const name = m.page_files[Math.floor(page / m.pages_per_file)];
  const [path, title] = (await loadPageFile(name))[page % m.pages_per_file];
  const url = SITE_PATH + path.replace(/^\//, "");
  return { url, title, ...(await excerptOf(url, terms)) };
}

/** Matches of the query's words in text: whole words and words they begin. */
function matcher(terms) {
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const latin = escaped.filter((t) => !isCjk(t));
  const cjk = escaped.filter((t) => isCjk(t));
  const parts = [];
  if (latin.length) parts.push(`(?<![\\p{Alphabetic}\\p{N}])(?:${latin.join("|")})[\\p{Alphabetic}\\p{N}]*`);
  if (cjk.length) parts.push(cjk.join("|"));
  return new RegExp(parts.join("|"), "giu");
}

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/**
 * About 30 words of `text` around its first match, matches marked; the
 * query's words are matched in the text folded (a query "cafe" marks
 * "café").
 */
function excerptAround(text, pattern) {
  const folded = foldText(text);
  pattern.lastIndex = 0;
  const first = pattern.exec(folded);
  let start = first ? Math.max(0, first.index - 60) : 0;
  let end = Math.min(text.length, start + 200);
  if (start > 0) start = text.indexOf(" ", start) + 1;
  if (end < text.length && text.lastIndexOf(" ", end) > start) end = text.lastIndexOf(" ", end);
  const slice = text.slice(start, end);
  const foldedSlice = folded.slice(start, end);
  let html = start > 0 ? "… " : "";
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(foldedSlice); m !== null; m = pattern.exec(foldedSlice)) {
    if (m[0] === "") break;
    const matched = slice.slice(m.index, m.index + m[0].length);
    html += `${escapeHtml(slice.slice(last, m.index))}<mark>${escapeHtml(matched)}</mark>`;
    last = m.index + m[0].length;
  }
  return html + escapeHtml(slice.slice(last)) + (end < text.length ? " …" : "");
}

const BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,pre,blockquote,figcaption";

/**
 * The excerpt, read from the page itself (which the browser then has for
 * the click), and the section holding the first match, as `{ id, title }`.
 */
async function excerptOf(url, terms) {
  let doc;
  try {
    const response = await fetch(url);
    if (!response.ok) return { excerpt: "", section: null };
    doc = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return { excerpt: "", section: null };
  }
  const root = doc.querySelector("[data-search-body]") ?? doc.querySelector("article") ??
    doc.querySelector("main") ?? doc.body;
  const pattern = matcher(terms);
  let section = null;
  for (const block of root.querySelectorAll(BLOCKS)) {
    const text = block.textContent.replace(/\s+/g, " ").trim();
    const heading = /^H[1-6]$/.test(block.tagName);
    if (heading && block.id) section = { id: block.id, title: text };
    pattern.lastIndex = 0;
    if (!heading && pattern.test(foldText(text))) return { excerpt: excerptAround(text, pattern), section };
  }
  const text = (root.textContent ?? "").replace(/\s+/g, " ").trim();
  return { excerpt: excerptAround(text, pattern), section: null };
}

/** One result as the results page lists it. */
function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const link = document.createElement("a");
  link.className = "search-result-link";
  link.href = data.url;
  link.textContent = data.title || data.url;
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = data.excerpt;
  item.append(link, excerpt);
  if (data.section) {
    const section = document.createElement("a");
    section.className = "search-result-section";
    section.href = `${data.url}#${encodeURIComponent(data.section.id)}`;
    section.textContent = `§ ${data.section.title}`;
    item.append(section);
  }
  return item;
}

/** The /search/ page in `element`: a box, the results of `?q=`, ten at a time. */
export function mountResults(element, { perPage = 10 } = {}) {
  const form = document.createElement("form");
  form.className = "search-page-form";
  form.setAttribute("role", "search");
  const input = document.createElement("input");
  Object.assign(input, { type: "search", name: "q", placeholder: "Search", autocomplete: "off" });
  input.setAttribute("aria-label", "Search this site");
  const message = document.createElement("p");
  message.className = "search-message";
  message.setAttribute("role", "status");
  const list = document.createElement("ol");
  list.className = "search-results";
  const more = document.createElement("button");
  Object.assign(more, { type: "button", className: "search-more", hidden: true, textContent: "More results" });
  form.append(input);
  element.replaceChildren(form, message, list, more);

  let found = null;
  let shown = 0;
  let latest = 0;
  const showMore = async (ticket) => {
    const next = found.results.slice(shown, shown + perPage);
    shown += next.length;
    const items = (await Promise.all(next.map((r) => r.data()))).map(resultItem);
    if (ticket !== latest) return;
    list.append(...items);
    more.hidden = shown >= found.total;
  };
  const run = async (query) => {
    const ticket = ++latest;
    const url = new URL(location.href);
    url.searchParams.set("q", query);
    history.replaceState(null, "", url);
    found = await search(query);
    if (ticket !== latest) return;
    shown = 0;
    list.replaceChildren();
    const quoted = `“${query.trim()}”`;
    message.textContent = query.trim() === "" ? "" : found.total === 0 ? `No results for ${quoted}`
      : `${found.total} result${found.total === 1 ? "" : "s"} for ${quoted}`;
    await showMore(ticket);
  };
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  more.addEventListener("click", () => showMore(latest));
  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    run(q);
  }
}
