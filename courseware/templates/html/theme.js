// Loaded in <head>, before the page is drawn: the learner's light or dark choice from an earlier
// visit (site.js keeps it), so that the page never flashes the other one. No choice: the
// system's (prefers-color-scheme in style.css). Storage may be refused (file://, private mode).
(function () {
  "use strict";
  try {
    var theme = window.localStorage.getItem("courseware:theme");
    if (theme === "dark" || theme === "light") { document.documentElement.setAttribute("data-theme", theme); }
  } catch (e) { /* no storage: the system's preference */ }
})();
