// The SCO side of SCORM 1.2 and 2004: finds the LMS's API (window.API or window.API_1484_11,
// through parent frames and the opener), reports progress, each quiz answer as an interaction,
// the score against the pass mark, session time and suspend data, and terminates once on leaving.
// With no LMS around (the page opened on its own) it does nothing and the page works as usual.
(function () {
  "use strict";
  var script = document.currentScript;
  var v2004 = script && script.dataset.scormVersion === "2004";
  var started = Date.now();
  var api = findApi(v2004 ? "API_1484_11" : "API");
  var call = v2004
    ? {init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate", error: "GetLastError"}
    : {init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish", error: "LMSGetLastError"};
  var results = {};
  var quizzes = document.querySelectorAll("section.quiz").length;
  var active = false;
  var finished = false;
  var count = 0;

  function findApi(name) {
    function climb(win) {
      for (var hops = 0; win && hops < 500; hops += 1) {
        try {
          if (win[name]) { return win[name]; }
        } catch (e) {
          return null;  // a frame of another origin: not our LMS
        }
        if (!win.parent || win.parent === win) { break; }
        win = win.parent;
      }
      return null;
    }
    var found = climb(window);
    if (!found && window.opener) { found = climb(window.opener); }
    return found;
  }
  function get(key) { return active ? String(api[call.get](key)) : ""; }
  function set(key, value) { if (active) { api[call.set](key, String(value)); } }

  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }
  function timespan(ms) {  // SCORM 1.2 CMITimespan HHHH:MM:SS.SS; 2004 ISO 8601 duration
    var cs = Math.round(ms / 10);
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, frac = cs % 100;
    if (v2004) { return "PT" + h + "H" + m + "M" + s + "." + pad(frac, 2) + "S"; }
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(frac, 2);
  }
  function clock(date) {  // 1.2 CMITime HH:MM:SS; 2004 timestamp YYYY-MM-DDThh:mm:ss
    var time = pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
    return v2004 ? date.getFullYear() + "-" + pad(date.getMonth() + 1, 2) + "-" + pad(date.getDate(), 2) + "T" + time : time;
  }
  function letter(index) { return "abcdefghijklmnopqrstuvwxyz".charAt(index); }

  function interaction(answer) {
    var n = "cmi.interactions." + count + ".";
    count += 1;
    var type = answer.kind === "cloze" ? "fill-in" : (answer.kind === "true_false" ? "true-false" : "choice");
    var response, pattern;
    if (answer.kind === "cloze") {
      response = answer.response.slice(0, 250);
      pattern = v2004 ? "{case_matters=false}" + answer.correct[0] : answer.correct[0].slice(0, 250);
    } else if (answer.kind === "true_false") {  // option 0 is the true statement's label
      response = v2004 ? (answer.response === 0 ? "true" : "false") : (answer.response === 0 ? "t" : "f");
      pattern = v2004 ? (answer.correct[0] === 0 ? "true" : "false") : (answer.correct[0] === 0 ? "t" : "f");
    } else {
      response = letter(answer.response);
      pattern = letter(answer.correct[0]);
    }
    set(n + "id", answer.id);
    set(n + "type", type);
    if (answer.objective) { set(n + "objectives.0.id", answer.objective); }
    set(n + (v2004 ? "timestamp" : "time"), clock(new Date()));
    set(n + "correct_responses.0.pattern", pattern);
    set(n + (v2004 ? "learner_response" : "student_response"), response);
    set(n + "result", answer.right ? "correct" : (v2004 ? "incorrect" : "wrong"));
    set(n + "latency", timespan(answer.latency));
  }

  function record(event) {
    var detail = event.detail;
    results[event.target.getAttribute("aria-labelledby") || "quiz"] = detail;
    detail.answers.forEach(interaction);
    var right = 0, total = 0, pass = detail.pass;
    Object.keys(results).forEach(function (name) { right += results[name].right; total += results[name].total; });
    var done = Object.keys(results).length >= quizzes;
    var scaled = total ? right / total : 0;
    var mastery = v2004 ? parseFloat(get("cmi.scaled_passing_score")) : parseFloat(get("cmi.student_data.mastery_score")) / 100;
    var passed = scaled >= (isNaN(mastery) ? pass : mastery) - 1e-9;
    var prefix = v2004 ? "cmi.score." : "cmi.core.score.";
    set(prefix + "min", 0);
    set(prefix + "max", 100);
    set(prefix + "raw", Math.round(scaled * 10000) / 100);
    if (v2004) { set("cmi.score.scaled", Math.round(scaled * 10000) / 10000); }
    if (done) {
      if (v2004) {
        set("cmi.completion_status", "completed");
        set("cmi.success_status", passed ? "passed" : "failed");
      } else {
        set("cmi.core.lesson_status", passed ? "passed" : "failed");
      }
    }
    set("cmi.suspend_data", JSON.stringify(snapshot()).slice(0, v2004 ? 64000 : 4096));
    if (active) { api[call.commit](""); }
  }

  function snapshot() {  // the learner's answers, to put back when they resume
    var saved = {};
    document.querySelectorAll("fieldset.item").forEach(function (fieldset) {
      var text = fieldset.querySelector("input[type=text]");
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (text && text.value) { saved[fieldset.dataset.id] = text.value; }
      if (chosen) { saved[fieldset.dataset.id] = Number(chosen.value); }
    });
    return {answers: saved};
  }

  function restore() {
    var data;
    try { data = JSON.parse(get("cmi.suspend_data") || "{}"); } catch (e) { return; }
    var answers = (data && data.answers) || {};
    document.querySelectorAll("fieldset.item").forEach(function (fieldset) {
      var value = answers[fieldset.dataset.id];
      if (value === undefined) { return; }
      var text = fieldset.querySelector("input[type=text]");
      if (text) { text.value = String(value); return; }
      var radio = fieldset.querySelector("input[type=radio][value='" + Number(value) + "']");
      if (radio) { radio.checked = true; }
    });
  }

  function finish() {
    if (!active || finished) { return; }
    finished = true;
    var complete = v2004 ? get("cmi.completion_status") === "completed" : /^(passed|failed|completed)$/.test(get("cmi.core.lesson_status"));
    set(v2004 ? "cmi.session_time" : "cmi.core.session_time", timespan(Date.now() - started));
    set(v2004 ? "cmi.exit" : "cmi.core.exit", complete ? (v2004 ? "normal" : "") : "suspend");
    // Terminate commits by itself; a separate commit while the page unloads would be a blocked
    // synchronous request in today's browsers.
    api[call.finish]("");
  }

  if (!api) { return; }
  active = String(api[call.init]("")) === "true";
  if (!active) { return; }
  var status = get(v2004 ? "cmi.completion_status" : "cmi.core.lesson_status");
  if (status === "not attempted" || status === "unknown" || status === "") {
    set(v2004 ? "cmi.completion_status" : "cmi.core.lesson_status", "incomplete");
  }
  if (!v2004 && get("cmi.core.entry") === "resume" || v2004 && get("cmi.entry") === "resume") { restore(); }
  count = parseInt(get("cmi.interactions._count"), 10) || 0;
  document.addEventListener("courseware:quiz", record);
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
