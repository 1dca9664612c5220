// Search as you type on the results page: fetch the same server-rendered page for what is in
// the form and swap in its results. Optional: without this script the form works as it is.
"use strict";
(function () {
  const form = document.querySelector("header form.search");
  const main = document.querySelector("main");
  if (!form || !main || !window.fetch || !window.DOMParser) return;
  const box = form.querySelector("input[name=q]");
  let timer = 0;
  let pending = null;

  function target() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim()) params.append(name, value.trim());
    }
    return form.getAttribute("action") + "?" + params.toString();
  }

  async function refresh() {
    if (box.value.trim().length < 2) return;
    const url = target();
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const response = await fetch(url, { signal: pending.signal });
      // Parsed inert (no script runs, nothing loads), then moved in as nodes.
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("main");
      if (!fresh) return;
      main.replaceChildren(...fresh.childNodes);
      document.title = page.title;
      history.replaceState(null, "", url);
    } catch (error) {
      // Aborted by newer typing, or the server is gone: the page stays; Enter still submits.
    }
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
