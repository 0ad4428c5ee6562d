// The header's search box: results as you type, from the site's search
// index (ssg builds it when `[search] enabled = true`). The index's client
// is loaded on the first keystroke, and it fetches only the parts of the
// index the typed words need. Without JavaScript, or on Enter, the form
// opens /search/?q=…, the full results page.
const form = document.querySelector("form.site-search");
const input = form?.querySelector("input[name=q]");
const list = form?.querySelector(".site-search-results");
let client = null;
let timer = null;

const SHOWN = 8;

function item(result) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.title || result.url;
  const excerpt = document.createElement("p");
  // The client's excerpt is the page's text, escaped, with <mark> around matches.
  excerpt.innerHTML = result.excerpt;
  li.append(link, excerpt);
  return li;
}

function line(className, text, href) {
  const li = document.createElement("li");
  li.className = className;
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    li.append(link);
  } else {
    li.textContent = text;
  }
  return li;
}

async function show() {
  const query = input.value.trim();
  if (query === "") {
    list.hidden = true;
    list.replaceChildren();
    return;
  }
  client ??= import(form.dataset.searchIndex).catch((error) => {
    // Not there yet (`ssg serve` still building): the next keystroke tries again.
    client = null;
    throw error;
  });
  const found = await (await client).search(query);
  const results = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
  // A later keystroke replaced this search.
  if (input.value.trim() !== query) return;
  const items = results.map(item);
  if (items.length === 0) {
    items.push(line("site-search-none", "No results"));
  } else if (found.total > SHOWN) {
    const all = `${form.action}?q=${encodeURIComponent(query)}`;
    items.push(line("site-search-all", `All ${found.total} results`, all));
  }
  list.replaceChildren(...items);
  list.hidden = false;
}

if (input && list) {
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(show, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") list.hidden = true;
  });
  document.addEventListener("click", (e) => {
    if (!form.contains(e.target)) list.hidden = true;
  });
}
