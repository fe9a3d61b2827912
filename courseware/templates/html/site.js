// The site around the lessons: the dark-mode toggle, the outline open on a wide screen, and the
// learner's quiz results (kept by quiz.js in this browser's localStorage) beside each lesson.
// Every use of storage is guarded: a browser may refuse it (file://, private mode, full disk).
(function () {
  "use strict";
  var root = document.documentElement;
  var store = document.body.getAttribute("data-store");
  var words = JSON.parse((document.getElementById("site-words") || {}).textContent || "{}");

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem("courseware:probe", "1");
      s.removeItem("courseware:probe");
      return s;
    } catch (e) { return null; }
  }
  var local = storage();

  // Dark mode: the button says whether it is on; the choice is kept for every page and visit.
  var toggle = document.querySelector(".theme-toggle");
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function dark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : Boolean(system && system.matches);
  }
  if (toggle) {
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", String(dark()));
    toggle.addEventListener("click", function () {
      var theme = dark() ? "light" : "dark";
      root.setAttribute("data-theme", theme);
      toggle.setAttribute("aria-pressed", String(theme === "dark"));
      if (local) { try { local.setItem("courseware:theme", theme); } catch (e) { /* kept for this page only */ } }
    });
    if (system && system.addEventListener) {
      system.addEventListener("change", function () { toggle.setAttribute("aria-pressed", String(dark())); });
    }
  }

  // The outline beside the lesson where there is room; a closed one-line disclosure on a phone.
  var outline = document.getElementById("outline");
  if (outline && window.matchMedia && window.matchMedia("(min-width: 64em)").matches) { outline.open = true; }

  // Quiz results on this device, beside each lesson in the outline and on the home page.
  var progress = {};
  if (local && store) {
    try { progress = JSON.parse(local.getItem(store) || "{}") || {}; } catch (e) { progress = {}; }
  }
  var marks = document.querySelectorAll(".progress[data-lesson]");
  var shown = 0;
  marks.forEach(function (mark) {
    var result = progress[mark.getAttribute("data-lesson")];
    if (!result || typeof result.right !== "number") { return; }
    mark.textContent = words.score + ": " + result.right + "/" + result.total + " · " + (result.passed ? words.passed : words.not_passed);
    mark.classList.toggle("passed", Boolean(result.passed));
    mark.hidden = false;
    shown += 1;
  });

  // On the home page: what is kept, and a button that forgets it (a shared computer).
  var panel = document.querySelector(".device-progress");
  if (panel && local && store && shown) {
    panel.hidden = false;
    panel.querySelector("button.forget").addEventListener("click", function () {
      try { local.removeItem(store); } catch (e) { return; }
      marks.forEach(function (mark) { mark.hidden = true; mark.textContent = ""; });
      var status = panel.querySelector(".forget-status");
      status.textContent = status.getAttribute("data-done");
    });
  }
})();
