// Search page: Pagefind over the built site. Progressive enhancement: without
// this script the form still lands here and the category lists still work.
// A classic script (not a module) so that, opened from disk where browsers refuse
// to load the index, it can still say so instead of failing silently.
"use strict";
(() => {
  const form = document.getElementById("search-form");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const root = new URL("../", document.currentScript.src); // this file is in assets/
  let pagefind = null;

  // A big catalog's index comes in parts (each Pagefind run holds a bounded number of
  // pages); the list names the parts after the first, which are merged into it.
  async function engine() {
    if (!pagefind) {
      const folder = new URL("pagefind/", root);
      const [listing, found] = await Promise.all([
        fetch(new URL("catalogpress-parts.json", folder)),
        import(new URL("pagefind.js", folder).href),
      ]);
      if (!listing.ok) throw new Error(`search index parts: HTTP ${listing.status}`);
      const { parts } = await listing.json();
      await found.options({ baseUrl: root.pathname });
      await found.init();
      // The parts load side by side (one after another, 16 parts kept a first search
      // waiting a second longer); Pagefind keeps them in the order they are named.
      await Promise.all(
        parts.map((part) =>
          found.mergeIndex(new URL(part, folder).pathname, { baseUrl: root.pathname }),
        ),
      );
      pagefind = found;
    }
    return pagefind;
  }

  // Pagefind excerpts are HTML with <mark> around matches: keep the text and the
  // marks only, built as DOM nodes, so nothing from the index is ever parsed as markup.
  function excerptNodes(html) {
    const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
    const out = document.createElement("p");
    for (const node of doc.body.firstChild.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  // What the result is (a service, its rate sheet, a PDF...) and, for a service that
  // is not active, its status, so nothing retired or proposed reads as orderable.
  function labels(result) {
    const line = document.createElement("p");
    line.className = "result-labels";
    for (const [text, kind] of [[result.meta.type, "type"], [result.meta.status, "status"]]) {
      if (!text) continue;
      const tag = document.createElement("span");
      tag.className = `tag tag-${kind}${kind === "status" ? ` tag-${text.toLowerCase()}` : ""}`;
      tag.textContent = text;
      line.append(tag, " ");
    }
    return line;
  }

  function chosenFilters() {
    const filters = {};
    for (const select of form.querySelectorAll("select")) {
      if (select.value) filters[select.name] = select.value;
    }
    return filters;
  }

  async function run() {
    const query = form.elements.q.value.trim();
    const filters = chosenFilters();
    list.replaceChildren();
    if (!query && Object.keys(filters).length === 0) {
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    const search = await (await engine()).search(query || null, { filters });
    const found = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
    // A retired service stays findable (agencies still ask about one), but after
    // everything that can still be used, in Pagefind's order otherwise.
    const retired = (result) => result.meta.status === "Retired";
    const results = [...found.filter((r) => !retired(r)), ...found.filter(retired)];
    for (const result of results) {
      const item = document.createElement("li");
      const heading = document.createElement("h2");
      const link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.meta.title || result.url;
      heading.append(link);
      item.append(heading, labels(result));
      // Without search words (filters only) there is no excerpt: show the summary instead.
      const text = result.excerpt ? excerptNodes(result.excerpt) : document.createElement("p");
      if (!result.excerpt) text.textContent = result.meta.summary || "";
      item.append(text);
      list.append(item);
    }
    const count = search.results.length;
    const about = query ? ` for “${query}”` : "";
    status.textContent = count === 0
      ? `No results${about}. Try fewer or different words, or browse by category.`
      : `${count} result${count === 1 ? "" : "s"}${about}${count > 50 ? ", showing the first 50" : ""}.`;
  }

  function fillFromAddress() {
    const params = new URLSearchParams(window.location.search);
    form.elements.q.value = params.get("q") || "";
    for (const select of form.querySelectorAll("select")) {
      const wanted = params.get(select.name) || "";
      if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    history.replaceState(null, "", `?${params}`);
    run().catch(showError);
  });

  function showError(error) {
    status.textContent = window.location.protocol === "file:"
      ? "Search works when the site is published on a web server, not opened from a disk. " +
        "Browse by category below."
      : "Search is not available right now. Browse by category below.";
    console.error(error);
  }

  fillFromAddress();
  run().catch(showError);
})();
