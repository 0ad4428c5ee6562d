// The header's search box: results as you type, from the site's Pagefind
// index (ssg builds it when `[search] enabled = true`). Pagefind's script
// is loaded on the first keystroke, and it fetches only the index chunks
// the typed words need. Without JavaScript, or on Enter, the form opens
// /search/?q=…, the full results page.
const form = document.querySelector("form.site-search");
const input = form?.querySelector("input[name=q]");
const list = form?.querySelector(".site-search-results");
let pagefind = null;

const SHOWN = 8;

function item(result) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta?.title || result.url;
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is the page's text, escaped, with <mark> around matches.
  excerpt.innerHTML = result.excerpt;
  li.append(link, excerpt);
  return li;
}

async function show() {
  const query = input.value.trim();
  if (query === "") {
    list.hidden = true;
    list.replaceChildren();
    return;
  }
  pagefind ??= import(form.dataset.pagefind).catch((error) => {
    // Not there yet (`ssg serve` still building): the next keystroke tries again.
    pagefind = null;
    throw error;
  });
  const search = await (await pagefind).debouncedSearch(query, {}, 150);
  // null: a later keystroke replaced this search.
  if (search === null) return;
  const results = await Promise.all(search.results.slice(0, SHOWN).map((r) => r.data()));
  if (input.value.trim() !== query) return;
  const items = results.map(item);
  if (items.length === 0) {
    const none = document.createElement("li");
    none.className = "site-search-none";
    none.textContent = "No results";
    items.push(none);
  } else if (search.results.length > SHOWN) {
    const more = document.createElement("li");
    const link = document.createElement("a");
    link.href = `${form.action}?q=${encodeURIComponent(query)}`;
    link.textContent = `All ${search.results.length} results`;
    more.append(link);
    items.push(more);
  }
  list.replaceChildren(...items);
  list.hidden = false;
}

if (input && list) {
  input.addEventListener("input", show);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") list.hidden = true;
  });
  document.addEventListener("click", (e) => {
    if (!form.contains(e.target)) list.hidden = true;
  });
}
