/* presswork web edition: search over the prebuilt index (js/search-index.js), in the browser.
   Without JavaScript the page keeps saying that search needs it. */
(function () {
  "use strict";
  var data = window.PressworkSearch;
  var form = document.getElementById("search");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !form || !input || !status || !list) {
    return;
  }
  var LIMIT = 100;
  var keys = Object.keys(data.words).sort();

  /* The same folding as the index's (presswork/web/search.py): marks dropped, lower case, letters and digits. */
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function wordsOf(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  /* Passages holding a word that begins with `prefix`. */
  function holding(prefix) {
    var low = 0, high = keys.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (keys[mid] < prefix) { low = mid + 1; } else { high = mid; }
    }
    var found = new Set();
    for (var i = low; i < keys.length && keys[i].startsWith(prefix); i++) {
      data.words[keys[i]].forEach(function (n) { found.add(n); });
    }
    return found;
  }

  function search(terms) {
    var hits = null;
    terms.forEach(function (term) {
      var these = holding(term);
      hits = hits === null ? these : new Set(Array.from(hits).filter(function (n) { return these.has(n); }));
    });
    return Array.from(hits || []).sort(function (a, b) { return a - b; });
  }

  /* The passage's text around its first matching word, the matching words marked. */
  function snippet(text, terms) {
    var parts = text.split(/([\p{L}\p{N}\p{M}]+)/u);
    var first = parts.findIndex(function (part) { return matches(part, terms); });
    var start = Math.max(0, first - 24), end = Math.min(parts.length, first + 40);
    var p = document.createElement("p");
    if (start > 0) { p.append("… "); }
    parts.slice(start, end).forEach(function (part) {
      if (matches(part, terms)) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        p.append(mark);
      } else {
        p.append(part);
      }
    });
    if (end < parts.length) { p.append(" …"); }
    return p;
  }
  function matches(part, terms) {
    var folded = fold(part);
    return folded.length > 0 && terms.some(function (term) { return folded.startsWith(term); });
  }

  function show(query) {
    var terms = Array.from(new Set(wordsOf(query)));
    list.replaceChildren();
    if (!terms.length) {
      status.textContent = status.dataset.ready;
      return;
    }
    var hits = search(terms);
    status.textContent = hits.length ? status.dataset.found.replace("{n}", String(hits.length)) : status.dataset.none;
    hits.slice(0, LIMIT).forEach(function (n) {
      var passage = data.passages[n], page = data.pages[passage[0]];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = page[0] + "#" + encodeURIComponent(passage[1]);
      link.textContent = page[1];
      item.append(link, snippet(passage[2], terms));
      list.append(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    try {
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    } catch (e) {
      /* some browsers refuse to change the address of a page opened from disk: search all the same */
    }
    show(input.value);
  });
  input.value = new URLSearchParams(window.location.search).get("q") || "";
  show(input.value);
})();
