// A "Copy" button on every code block of a page. Line numbers are drawn by
// CSS, so the code's text is exactly what the reader sees, without them.
(function () {
  "use strict";
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-http previews (a LAN address) have no clipboard API.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function show(button, label) {
    button.textContent = label;
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  document.querySelectorAll(".content pre > code").forEach(function (code) {
    var pre = code.parentElement;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code to clipboard");
    button.addEventListener("click", function () {
      copy(code.textContent.replace(/\n$/, "")).then(
        function () { show(button, "Copied"); },
        function () { show(button, "Press Ctrl+C"); }
      );
    });
    pre.classList.add("has-copy");
    pre.insertBefore(button, code);
  });
})();
