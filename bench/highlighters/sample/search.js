// Filters a page's posts as the reader types, without a reload.
import { debounce } from './util.js';

const input = document.querySelector('#search');
const posts = [...document.querySelectorAll('article[data-title]')];

function matches(post, words) {
  const text = `${post.dataset.title} ${post.dataset.tags ?? ''}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

export async function loadIndex(url = '/search.json') {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`search index: ${res.status}`);
  return res.json();
}

input?.addEventListener('input', debounce((event) => {
  const words = event.target.value.trim().toLowerCase().split(/\s+/);
  let shown = 0;
  for (const post of posts) {
    const hit = words[0] === '' || matches(post, words);
    post.hidden = !hit;
    shown += hit ? 1 : 0;
  }
  document.title = `${shown} posts`;
}, 150));
