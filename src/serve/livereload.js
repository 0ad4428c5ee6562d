// ssg live reload: injected by `ssg serve` only, never by `ssg build`.
(() => {
  const scrollKey = "ssg-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(",").map(Number);
    const restore = () => window.scrollTo(x, y);
    restore();
    window.addEventListener("load", restore, { once: true });
  }

  // The output file this page was served from, as the server names outputs.
  const outputFile = () => {
    let p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (p === "" || p.endsWith("/")) return p + "index.html";
    const last = p.split("/").pop();
    return last.includes(".") ? p : p + "/index.html";
  };

  let overlay = null;
  const showError = (text) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "ssg-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.94);color:#ffd7d7;" +
        "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.documentElement.appendChild(overlay);
    }
    overlay.textContent = "ssg: the last save did not build\n\n" + text +
      "\n\nFix the file and save again; this page updates by itself.";
  };
  const hideError = () => { if (overlay) { overlay.remove(); overlay = null; } };

  const reloadCss = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("ssg-reload", Date.now().toString());
      const fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.addEventListener("load", () => link.remove(), { once: true });
      link.after(fresh);
    }
  };

  const reload = () => {
    sessionStorage.setItem(scrollKey, window.scrollX + "," + window.scrollY);
    location.reload();
  };

  let delay = 250;
  const connect = () => {
    // Which page this tab shows: the server lets a tab it just reloaded
    // come back with the new page before it renders the rest of the site.
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host +
      "/__ssg/livereload?page=" + encodeURIComponent(outputFile()));
    ws.onopen = () => { delay = 250; };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === "error") { showError(msg.message); return; }
      if (msg.type !== "reload") return;
      const hadError = overlay !== null;
      hideError();
      const changed = msg.paths || [];
      const here = outputFile();
      if (changed.length && changed.every((p) => p.endsWith(".css"))) { reloadCss(); return; }
      if (hadError || changed.includes(here) || changed.includes("404.html") || changed.some((p) => !/\.(html|xml|txt)$/.test(p))) {
        reload();
      }
    };
    ws.onclose = () => { setTimeout(connect, delay); delay = Math.min(delay * 2, 4000); };
  };
  connect();
})();
