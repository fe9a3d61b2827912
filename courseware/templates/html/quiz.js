// Scores the lesson quiz in the browser: no network, no storage. The answer key is the JSON in
// <script type="application/json" class="quiz-key"> written by courseware.
(function () {
  "use strict";
  var loaded = Date.now();
  function normal(text) {
    return text.normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }
  document.querySelectorAll("section.quiz").forEach(function (section) {
    var form = section.querySelector("form.quiz-form");
    var keyNode = section.querySelector("script.quiz-key");
    if (!form || !keyNode) { return; }
    var key = JSON.parse(keyNode.textContent);
    var result = form.querySelector(".result");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var items = form.querySelectorAll("fieldset.item");
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
    });
    form.addEventListener("input", function (event) {
      var fieldset = event.target.closest("fieldset.item");
      if (fieldset && !fieldset.dataset.started) { fieldset.dataset.started = String(Date.now()); }
    });
  });
})();
