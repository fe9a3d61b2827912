// Offline search of the course: the index is search-index.js, loaded by a <script> tag (a browser
// refuses fetch() from file://, a folder or a USB stick). `fold` and `tokens` are those of
// courseware/render/search.py, so that what a learner types is folded as the index was.
(function () {
  "use strict";
  var data = window.coursewareSearch;
  var form = document.querySelector("form.search-form");
  if (!data || !form) { return; }
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var FOLD = {"ß": "ss", "ς": "σ", "ı": "i", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "æ": "ae", "œ": "oe",
    "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "ـ": ""};
  var ARTICLES = ["وال", "بال", "كال", "فال", "لل", "ال"];
  var terms = Object.keys(data.terms);
  // Scripts written without spaces between words: two characters inside a longer run are a word.
  var UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\p{Mn}\p{Cf}]/gu, "").replace(/[ßςıøđðłþæœٱىیةکـ]/g, function (c) { return FOLD[c]; });
  }
  function stem(word) {
    for (var i = 0; i < ARTICLES.length; i += 1) {
      if (word.indexOf(ARTICLES[i]) === 0 && word.length - ARTICLES[i].length >= 2) { return word.slice(ARTICLES[i].length); }
    }
    return word;
  }
  function tokens(text) {
    return (fold(text).match(/[\p{L}\p{N}\p{M}]+/gu) || []).map(stem);
  }

  // Each word typed must be in a section: as a whole word (best), the start of one (a word being
  // typed, an ending), or inside one (a compound, a script written without spaces); words in the
  // section's heading count double. Ties keep the course's order.
  function search(query) {
    var words = tokens(query).filter(function (w, i, all) { return (w.length > 1 || all.length === 1) && all.indexOf(w) === i; });
    if (!words.length) { return []; }
    var scores = null;
    words.forEach(function (word) {
      var found = {};
      terms.forEach(function (term) {
        var weight = term === word ? 3 : term.indexOf(word) === 0 ? 2 : (word.length > 2 || UNSPACED.test(word)) && term.indexOf(word) > 0 ? 1 : 0;
        if (!weight) { return; }
        data.terms[term].forEach(function (doc) { found[doc] = Math.max(found[doc] || 0, weight); });
      });
      var next = {};
      Object.keys(found).forEach(function (doc) {
        if (scores === null || doc in scores) { next[doc] = (scores ? scores[doc] : 0) + found[doc] * (heading(doc, word) ? 2 : 1); }
      });
      scores = next;
    });
    return Object.keys(scores).map(Number).sort(function (a, b) { return scores[b] - scores[a] || a - b; });
  }
  var headings = null;
  function heading(doc, word) {
    headings = headings || data.docs.map(function (d) { return tokens(d[1] + " " + d[2]); });
    return headings[doc].some(function (t) { return t.indexOf(word) === 0; });
  }

  function show(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var found = search(query);
    status.textContent = found.length ? form.getAttribute("data-count").replace("{count}", String(found.length)) : form.getAttribute("data-none");
    found.slice(0, 50).forEach(function (n) {
      var doc = data.docs[n];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = doc[0];
      link.textContent = doc[2] ? doc[1] + " › " + doc[2] : doc[1];
      var snippet = document.createElement("p");
      snippet.textContent = doc[3];
      item.appendChild(link);
      item.appendChild(snippet);
      list.appendChild(item);
    });
  }

  // The button's click as well as submit: a frame sandboxed without allow-forms (Kolibri's HTML5
  // apps) never fires submit, and a prevented click also stops Enter's implicit submission.
  function searched(event) {
    event.preventDefault();
    show(input.value);
  }
  var go = form.querySelector("button[type=submit]");
  if (go) { go.addEventListener("click", searched); }
  form.addEventListener("submit", searched);
  input.addEventListener("input", function () { show(input.value); });
  // search.html?q=words (a bookmark), or words already in the field (typed before this script
  // ran, or kept by the browser on the way back from a result): searched at once.
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked && !input.value) { input.value = asked; }
  if (input.value) { show(input.value); }
  input.addEventListener("change", function () {
    try { window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (e) { /* file:// may refuse it */ }
  });
})();
