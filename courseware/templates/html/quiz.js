// Scores the lesson quiz in the browser, with no network. The answer key is the JSON in
// <script type="application/json" class="quiz-key"> written by courseware. On the site (the body
// has data-store) the checked answers and the score are kept in this browser's localStorage, and
// shown again when the page is opened again; SCORM pages leave that to the LMS.
(function () {
  "use strict";
  var loaded = Date.now();
  var storeKey = document.body.getAttribute("data-store");
  function normal(text) {
    return text.normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }
  // Storage may be refused or full (file:// in some browsers, private mode): the quiz works without it.
  function load() {
    if (!storeKey) { return null; }
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return null; }
  }
  function save(lesson, entry) {
    var all = load();
    if (!all || !lesson) { return; }
    all[lesson] = entry;
    try { window.localStorage.setItem(storeKey, JSON.stringify(all)); } catch (e) { /* not kept: nothing else changes */ }
  }
  document.querySelectorAll("section.quiz").forEach(function (section) {
    var form = section.querySelector("form.quiz-form");
    var keyNode = section.querySelector("script.quiz-key");
    if (!form || !keyNode) { return; }
    var key = JSON.parse(keyNode.textContent);
    var result = form.querySelector(".result");
    var button = form.querySelector("button[type=submit]");
    var items = form.querySelectorAll("fieldset.item");
    var lesson = section.getAttribute("data-lesson");
    var version = section.getAttribute("data-version") || "";
    // `announce`: a learner's check, told to an LMS bridge and kept; else answers restored from storage.
    function check(announce) {
      var right = 0;
      var missing = false;
      items.forEach(function (fieldset, index) {
        var item = key.items[index];
        var ok;
        if (item.kind === "cloze") {
          var input = fieldset.querySelector("input[type=text]");
          if (!input.value.trim()) { missing = true; return; }
          ok = item.accepted.map(normal).indexOf(normal(input.value)) !== -1;
        } else {
          var chosen = fieldset.querySelector("input[type=radio]:checked");
          if (!chosen) { missing = true; return; }
          ok = item.correct.indexOf(Number(chosen.value)) !== -1;
        }
        var feedback = fieldset.querySelector(".feedback");
        feedback.hidden = false;
        feedback.classList.toggle("right", ok);
        feedback.classList.toggle("wrong", !ok);
        feedback.querySelector(".verdict").textContent = ok ? key.labels.correct : key.labels.incorrect;
        if (ok) { right += 1; }
      });
      if (missing) {
        result.textContent = key.labels.unanswered;
        return;
      }
      var share = right / items.length;
      var passed = share >= key.pass - 1e-9;
      result.textContent = key.labels.score + ": " + right + "/" + items.length + " (" + Math.round(share * 100) + "%) · " + (passed ? key.labels.passed : key.labels.not_passed);
      result.dataset.score = String(right);
      result.dataset.passed = String(passed);
      button.textContent = key.labels.retry;
      if (!announce) { return; }
      save(lesson, {v: version, answers: Array.prototype.map.call(items, answerOf), right: right, total: items.length, passed: passed});
      // For an LMS bridge (scorm.js): every answer, scored, with the time it took.
      var now = Date.now();
      var answers = Array.prototype.map.call(items, function (fieldset, index) {
        var item = key.items[index];
        var input = fieldset.querySelector(item.kind === "cloze" ? "input[type=text]" : "input[type=radio]:checked");
        return {
          id: fieldset.dataset.id, objective: fieldset.dataset.objective, kind: item.kind,
          response: item.kind === "cloze" ? input.value.trim() : Number(input.value),
          correct: item.kind === "cloze" ? item.accepted : item.correct,
          right: fieldset.querySelector(".feedback").classList.contains("right"),
          latency: now - (Number(fieldset.dataset.started) || loaded)
        };
      });
      section.dispatchEvent(new CustomEvent("courseware:quiz", {bubbles: true, detail: {answers: answers, right: right, total: items.length, pass: key.pass}}));
    }
    function answerOf(fieldset, index) {
      var input = fieldset.querySelector(key.items[index].kind === "cloze" ? "input[type=text]" : "input[type=radio]:checked");
      return key.items[index].kind === "cloze" ? input.value : Number(input.value);
    }
    // The answers kept from an earlier visit, if they are for this very quiz (its version: a hash of its key).
    function restore() {
      var all = load();
      var kept = all && lesson ? all[lesson] : null;
      if (!kept || kept.v !== version || !Array.isArray(kept.answers) || kept.answers.length !== items.length) { return; }
      var inputs = Array.prototype.map.call(items, function (fieldset, index) {
        var answer = kept.answers[index];
        if (key.items[index].kind === "cloze") { return typeof answer === "string" ? [fieldset.querySelector("input[type=text]"), answer] : null; }
        var radio = fieldset.querySelector("input[type=radio][value='" + Number(answer) + "']");
        return radio ? [radio, true] : null;
      });
      if (inputs.indexOf(null) !== -1) { return; }
      inputs.forEach(function (pair) {
        if (pair[0].type === "radio") { pair[0].checked = true; } else { pair[0].value = pair[1]; }
      });
      check(false);
    }
    // The button's click, not the form's submit: a frame sandboxed without allow-forms (Kolibri's
    // HTML5 apps) never fires submit. A prevented click also stops Enter's implicit submission.
    function checked(event) {
      event.preventDefault();
      check(true);
    }
    if (button) { button.addEventListener("click", checked); }
    form.addEventListener("submit", checked);
    restore();
    form.addEventListener("input", function (event) {
      var fieldset = event.target.closest("fieldset.item");
      if (fieldset && !fieldset.dataset.started) { fieldset.dataset.started = String(Date.now()); }
    });
  });
})();
