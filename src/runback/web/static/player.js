/* runback session player: countdown, sides, beeps, spoken cues, wake lock, resume.
   The page renders the routine as a plain list first; this script turns it into a player.
   The session lives on the server (start -> progress on every phase -> finish), and its
   `state` is the same snapshot the terminal player keeps, so a reload resumes. */
(function () {
  "use strict";
  var dataEl = document.getElementById("player-data");
  var root = document.getElementById("player");
  if (!dataEl || !root || !window.runback || !window.runback.api) return;
  var rb = window.runback;
  var data = JSON.parse(dataEl.textContent);
  var phases = data.phases;
  var speed = data.speed > 0 ? data.speed : 1;
  var api = data.api;
  var total = phases.reduce(function (a, p) { return a + p.duration_s; }, 0);
  var noop = function () {};
  var beep = rb.beep || noop;
  var unlockAudio = rb.unlockAudio || noop;

  var idx = 0;          // current phase
  var elapsed = 0;      // routine seconds into the current phase
  var running = false;
  var started = false;
  var finished = false;
  var activeS = 0;      // routine seconds spent running (pauses excluded)
  var lastTick = 0;
  var timer = null;
  var sessionId = null;
  var wakeLock = null;
  var doneSteps = [];
  var skippedSteps = [];
  var chain = Promise.resolve();
  var progressQueued = false;
  var outbox = rb.outbox || null;
  var clientKey = null;   // this phone's name for the session (the server stores it once)
  var startedMs = 0;
  var offline = false;    // the network went: the session is finished on the phone and kept
  var kept = false;

  function $(id) { return document.getElementById(id); }
  var el = {
    count: $("pl-count"), kind: $("pl-kind"), name: $("pl-name"), side: $("pl-side"),
    cue: $("pl-cue"), next: $("pl-next"), bar: $("pl-bar"), stepno: $("pl-stepno"),
    start: $("pl-start"), restart: $("pl-restart"), pause: $("pl-pause"), skip: $("pl-skip"),
    back: $("pl-back"), stop: $("pl-stop"), speak: $("pl-speak"), status: $("pl-status"),
    finish: $("pl-finish"), done: $("pl-done"), controls: $("pl-controls"), live: $("pl-live"),
    howto: $("pl-howto"), cautions: $("pl-cautions"), note: $("pl-note"), isNew: $("pl-new"),
    summary: $("pl-summary"), sumTime: $("pl-sum-time"), sumToday: $("pl-sum-today"),
    sumStreak: $("pl-sum-streak"), sumHabit: $("pl-sum-habit"), begin: $("pl-begin"),
    figure: $("pl-figure")
  };
  var cueEvery = data.cue_every_s > 0 ? data.cue_every_s : 8;
  var shownPhase = -1;  // the phase whose how-to and cautions are on screen

  function setState(s) { root.setAttribute("data-state", s); }
  function showError(msg) {
    el.status.textContent = msg;
    el.status.hidden = false;
  }

  /* API calls run one after another, so progress always lands after start. */
  function queue(fn) {
    chain = chain.then(fn).catch(function (err) {
      if (err && err.offline && outbox) { goneOffline(); return; }
      showError("Could not save to the server: " + err.message);
    });
    return chain;
  }

  function goneOffline() {
    if (offline) return;
    offline = true;
    root.setAttribute("data-offline", "1");
    el.status.textContent = "No network: carry on. The session is kept on this phone and " +
      "sent when it is back online.";
    el.status.classList.add("pl-status-calm");
    el.status.hidden = false;
  }

  /* Finished with no network: into the outbox, sent (once) when the phone is online again. */
  function keepOnPhone(completed, state) {
    kept = true;
    outbox.keep({
      client_key: clientKey, routine_slug: data.routine.slug, context: data.context,
      completed: completed, state: state, active_s: Math.round(activeS * 10) / 10,
      started_ms: startedMs, ended_ms: Date.now()
    });
    root.setAttribute("data-kept", "1");
    el.status.textContent = "Saved on this phone; it is sent when the phone is back online.";
    el.status.classList.add("pl-status-calm");
    el.status.hidden = false;
    el.finish.hidden = false;
    setState("done");
    el.sumToday.textContent = el.sumStreak.textContent = el.sumHabit.textContent = "–";
    var first = el.finish.querySelector("button");
    if (first) first.focus();
  }

  function remove(list, v) {
    var i = list.indexOf(v);
    if (i >= 0) list.splice(i, 1);
  }

  function snapshot() {
    var p = phases[Math.min(idx, phases.length - 1)];
    return {
      phase_index: Math.min(idx, phases.length - 1),
      remaining_s: Math.max(0, Math.round((p.duration_s - elapsed) * 1000) / 1000),
      paused: !running,
      done_steps: doneSteps.slice(),
      skipped_steps: skippedSteps.slice()
    };
  }

  /* Hold seconds counted down, as core/phases.py held_s reckons them from a snapshot (the
     server recomputes them from the snapshot it gets): steps done, plus the step in progress
     so far; a skipped step counts nothing. */
  function heldS(state) {
    var held = 0;
    var current = phases[state.phase_index].step;
    var open = state.done_steps.indexOf(current) < 0 && state.skipped_steps.indexOf(current) < 0;
    for (var i = 0; i < phases.length; i++) {
      var p = phases[i];
      if (p.kind !== "hold") continue;
      if (state.done_steps.indexOf(p.step) >= 0) held += p.duration_s;
      else if (open && p.step === current && i < state.phase_index) held += p.duration_s;
      else if (open && i === state.phase_index) {
        held += p.duration_s - Math.min(state.remaining_s, p.duration_s);
      }
    }
    return held;
  }
  var plannedS = phases.reduce(function (a, p) { return a + (p.kind === "hold" ? p.duration_s : 0); }, 0);

  /* Save where we are; calls that pile up while one is queued collapse into one. */
  function saveProgress() {
    if (finished || progressQueued) return;
    progressQueued = true;
    queue(function () {
      progressQueued = false;
      if (sessionId === null || finished || offline) return null;
      return rb.api("POST", api + "/sessions/" + sessionId + "/progress", {
        state: snapshot(), active_s: Math.round(activeS * 10) / 10
      });
    });
  }

  function speak(text) {
    if (!el.speak || !el.speak.checked || !("speechSynthesis" in window)) return;
    if (speed > 2) return;  // at test or demo speeds speech would only pile up
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function fmt(s) {
    var secs = Math.max(0, Math.ceil(s - 1e-6));
    if (secs < 60) return String(secs);
    var m = Math.floor(secs / 60);
    var r = secs % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function minSec(s) {
    var secs = Math.round(s);
    var r = secs % 60;
    return Math.floor(secs / 60) + ":" + (r < 10 ? "0" : "") + r;
  }

  function fillList(list, lines) {
    list.textContent = "";
    lines.forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    list.hidden = lines.length === 0;
  }

  /* The cue on screen: a hold shows the exercise's cues in turn (core/phases.py current_cue). */
  function cueText(p) {
    if (p.kind === "setup") return "";
    if (p.kind === "transition") {
      var n = phases[idx + 1];
      if (p.next_side) return "Now: " + p.next_side;
      return n && n.reps > 1 ? "Next: rep " + n.rep + " of " + n.reps : p.title;
    }
    if (p.kind === "hold" && p.cues && p.cues.length) {
      var turn = Math.floor(Math.max(0, elapsed) / cueEvery) + (p.rep - 1);
      return p.cues[turn % p.cues.length];
    }
    return p.cue || "";
  }

  /* The how-to, cautions and note change with the phase only, not on every tick. */
  function renderTeach(p) {
    if (shownPhase === idx) return;
    shownPhase = idx;
    var setup = p.kind === "setup";
    fillList(el.howto, setup ? p.instructions || [] : []);
    fillList(el.cautions, setup ? p.cautions || [] : []);
    el.isNew.hidden = !(setup && p.new_exercise);
    el.note.textContent = p.note ? "Note: " + p.note : "";
    el.note.hidden = !p.note;
    showFigure(p);
  }

  /* The page carries each exercise's figure (both sides) as a template: show this phase's. */
  function showFigure(p) {
    el.figure.textContent = "";
    el.figure.classList.remove("pl-figure-idle");
    if (!p || !p.figure) return;
    var side = p.figure.mirror ? "right" : "left";
    var key = p.exercise + "|" + side;
    var found = document.querySelectorAll("template[data-figure]");
    for (var i = 0; i < found.length; i++) {
      if (found[i].getAttribute("data-figure") === key) {
        el.figure.appendChild(found[i].content.cloneNode(true));
        return;
      }
    }
  }

  function render() {
    var p = phases[Math.min(idx, phases.length - 1)];
    el.count.textContent = fmt(p.duration_s - elapsed);
    el.kind.textContent = p.title;
    el.name.textContent = p.name;
    el.side.textContent = p.side_text || p.side || "";
    el.side.classList.toggle("empty", !p.side);
    el.cue.textContent = cueText(p);
    el.cue.hidden = !el.cue.textContent;
    renderTeach(p);
    var n = phases[idx + 1];
    el.next.textContent = n ? "Next: " + n.title + " – " + n.name +
      (n.side_text || n.side ? " (" + (n.side_text || n.side) + ")" : "") : "Next: done";
    var done = elapsed;
    for (var i = 0; i < idx; i++) done += phases[i].duration_s;
    el.bar.value = total ? Math.min(1, done / total) : 1;
    el.bar.textContent = Math.round(100 * el.bar.value) + "%";
    el.stepno.textContent = "Step " + (p.step + 1) + " of " + data.steps_total;
    root.setAttribute("data-phase", String(idx));
    root.setAttribute("data-kind", p.kind);
    root.className = "player kind-" + p.kind;
  }

  function announce(p) {
    el.live.textContent = p.title + ": " + p.name + (p.side ? ", " + p.side : "");
    if (p.kind === "setup") speak(p.name + ". Get into position.");
    else if (p.kind === "hold") speak((p.side_text ? p.side_text + ". " : "") + (cueText(p) || "Hold"));
    else speak(p.title);
  }

  /* Leave the current phase for phase i (or the end). */
  function advance(i) {
    var prev = phases[idx];
    if (prev && prev.last_hold) {
      remove(skippedSteps, prev.step);
      if (doneSteps.indexOf(prev.step) < 0) doneSteps.push(prev.step);
    }
    idx = i;
    elapsed = 0;
    if (idx >= phases.length) { complete(true); return; }
    saveProgress();
    var p = phases[idx];
    beep(p.kind === "hold" ? 1046 : 660, 220);
    announce(p);
  }

  function tick() {
    var now = performance.now();
    var dt = (now - lastTick) / 1000 * speed;
    lastTick = now;
    if (!running || finished) return;
    var p = phases[idx];
    var before = p.duration_s - elapsed;
    elapsed += dt;
    activeS += dt;
    // Count-down beeps over the last three seconds of a hold, at a human pace only.
    if (speed <= 4 && p.kind === "hold" && p.duration_s > 3) {
      var after = p.duration_s - elapsed;
      for (var s = 3; s >= 1; s--) if (before > s && after <= s) beep(880, 90, 0.12);
    }
    while (!finished && elapsed >= phases[idx].duration_s) {
      var carry = elapsed - phases[idx].duration_s;
      advance(idx + 1);
      if (!finished) elapsed = carry;
    }
    if (!finished) render();
  }

  function requestWakeLock() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(noop);  // refused (battery saver, hidden tab): the player works without it
  }
  function releaseWakeLock() {
    if (wakeLock) { wakeLock.release().catch(noop); wakeLock = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && running) requestWakeLock();
  });

  function play() {
    if (finished) return;
    running = true;
    lastTick = performance.now();
    if (!timer) timer = setInterval(tick, 50);
    el.pause.textContent = "Pause";
    el.pause.setAttribute("aria-pressed", "false");
    setState("running");
    requestWakeLock();
    saveProgress();
  }

  function pause() {
    if (!running) return;
    tick();
    running = false;
    el.pause.textContent = "Resume";
    el.pause.setAttribute("aria-pressed", "true");
    setState("paused");
    saveProgress();
    releaseWakeLock();
  }

  function startSession() {
    queue(function () {
      if (offline) return null;
      return rb.api("POST", api + "/sessions", {
        routine_slug: data.routine.slug, context: data.context, client_key: clientKey
      }).then(function (s) {
        sessionId = s.id;
        root.setAttribute("data-session", String(s.id));
      });
    });
  }

  function begin() {
    if (started) return;
    started = true;
    el.begin.hidden = true;
    el.controls.hidden = false;
    unlockAudio();
    if (!startedMs) startedMs = Date.now();
    if (sessionId === null) {
      clientKey = outbox ? outbox.newKey() : null;
      startSession();
    }
    announce(phases[idx]);
    beep(phases[idx].kind === "hold" ? 1046 : 660, 220);
    play();
  }

  /* Resume offered, but the user wants a fresh start: close the old one as partial. */
  function restart() {
    var old = sessionId;
    sessionId = null;
    idx = 0; elapsed = 0; activeS = 0; doneSteps = []; skippedSteps = []; startedMs = 0;
    root.removeAttribute("data-resumed");
    queue(function () {
      return rb.api("POST", api + "/sessions/" + old + "/finish", { completed: false });
    });
    render();
    begin();
  }

  function togglePause() {
    if (!started) { begin(); return; }
    if (running) pause(); else play();
  }

  function firstPhaseOf(step) {
    for (var i = 0; i < phases.length; i++) if (phases[i].step === step) return i;
    return phases.length;
  }

  function jump(target) {
    idx = target;
    elapsed = 0;
    if (idx >= phases.length) { complete(true); return; }
    saveProgress();
    beep(660, 150);
    announce(phases[idx]);
    render();
  }

  function skip() {
    if (!started || finished) return;
    var step = phases[idx].step;
    if (doneSteps.indexOf(step) < 0 && skippedSteps.indexOf(step) < 0) skippedSteps.push(step);
    jump(firstPhaseOf(step + 1));
  }

  function back() {
    if (!started || finished) return;
    var step = phases[idx].step;
    var first = firstPhaseOf(step);
    var into = elapsed;
    for (var i = first; i < idx; i++) into += phases[i].duration_s;
    // Within two seconds of a step's start, "back" goes to the previous step.
    if (into < 2 && step > 0) { step -= 1; first = firstPhaseOf(step); }
    remove(doneSteps, step);
    remove(skippedSteps, step);
    jump(first);
  }

  function complete(completed) {
    var state = snapshot();
    finished = true;
    running = false;
    if (timer) { clearInterval(timer); timer = null; }
    releaseWakeLock();
    el.count.textContent = "";
    el.bar.value = 1;
    el.controls.hidden = true;
    showSummary();
    // "Done" is a completed session: every step held, none skipped (as the server stores it).
    el.kind.textContent = !completed ? "Stopped" : skippedSteps.length ? "Finished" : "Done";
    var held = heldS(state);
    root.setAttribute("data-held", String(Math.round(held)));
    // Half the planned holding makes the session count (core/streaks.py).
    el.next.textContent = "Held " + minSec(held) + " of " + minSec(plannedS) +
      (held * 2 >= plannedS ? "" : " – hold half of it for the session to count");
    setState("finishing");
    // The end screen shows the day, not the last stretch; the slot keeps its room (no jump).
    el.figure.classList.add("pl-figure-idle");
    beep(1318, 400);
    speak("Well done. How did it feel?");
    queue(function () {
      if (outbox && clientKey && (offline || sessionId === null)) {
        keepOnPhone(completed, state);
        return null;
      }
      if (sessionId === null) throw new Error("the session was never started on the server");
      return rb.api("POST", api + "/sessions/" + sessionId + "/finish", {
        completed: completed, state: state, active_s: Math.round(activeS * 10) / 10
      }).then(function () {
        el.finish.hidden = false;
        setState("done");
        showToday();
      }, function (err) {
        if (!(err && err.offline && outbox && clientKey)) throw err;
        goneOffline();
        keepOnPhone(completed, state);
      }).then(function () {
        if (kept) return;
        var first = el.finish.querySelector("button");
        if (first) first.focus();
      });
    });
  }

  /* The end screen: time done now, and today's minutes, streak and habit once it is logged. */
  function showSummary() {
    [el.cue, el.howto, el.cautions, el.note, el.isNew].forEach(function (e) { e.hidden = true; });
    el.side.textContent = "";
    el.side.classList.add("empty");
    el.name.textContent = data.routine.name;
    el.stepno.textContent = "";
    el.sumTime.textContent = minSec(activeS);
    el.summary.hidden = false;
  }

  function showToday() {
    return rb.api("GET", api + "/today").then(function (t) {
      el.sumToday.textContent = (Math.round(t.minutes_done * 10) / 10) + " of " +
        t.minutes_target + " min";
      el.sumStreak.textContent = t.current_streak + (t.current_streak === 1 ? " day" : " days");
      el.sumHabit.textContent = t.habit.routine_percent + "%";
      root.setAttribute("data-today", "1");
    }).catch(function () {
      el.sumToday.textContent = el.sumStreak.textContent = el.sumHabit.textContent = "–";
    });
  }

  function stopEarly() {
    if (!started || finished) return;
    if (!window.confirm("End this session now? What you did so far is kept.")) return;
    complete(false);
  }

  function rate(enjoyment) {
    el.finish.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    var after = function () {
      el.finish.hidden = true;
      el.done.hidden = false;
      setState("rated");
    };
    if (enjoyment === null) { after(); return; }
    if (kept) { outbox.amend(clientKey, { enjoyment: enjoyment }); outbox.flush(); after(); return; }
    queue(function () {
      return rb.api("POST", api + "/sessions/" + sessionId + "/enjoyment", {
        enjoyment: enjoyment
      }).then(after);
    });
  }

  el.start.addEventListener("click", begin);
  el.restart.addEventListener("click", restart);
  el.pause.addEventListener("click", togglePause);
  el.skip.addEventListener("click", skip);
  el.back.addEventListener("click", back);
  el.stop.addEventListener("click", stopEarly);
  el.finish.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-enjoyment]");
    if (!b) return;
    var v = b.getAttribute("data-enjoyment");
    rate(v === "" ? null : parseInt(v, 10));
  });
  if (el.speak) {
    try { el.speak.checked = localStorage.getItem("runback.speak") === "1"; } catch (e) { /* ok */ }
    el.speak.addEventListener("change", function () {
      try { localStorage.setItem("runback.speak", el.speak.checked ? "1" : "0"); } catch (e) { /* ok */ }
    });
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    // Space and Enter on a focused button press that button, as everywhere else.
    if (t && (t.tagName === "BUTTON" || t.tagName === "A" || t.tagName === "SUMMARY")) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || finished) return;
    if (ev.key === " " || ev.key === "Spacebar") {
      // Space on a focused button would also click it: handle it once, here.
      ev.preventDefault();
      togglePause();
    } else if (ev.key === "s" || ev.key === "S") skip();
    else if (ev.key === "b" || ev.key === "B") back();
  });


  // Turn the no-JS page into the player.
  root.hidden = false;
  var plain = document.getElementById("player-plain");
  if (plain) plain.hidden = true;
  if (data.session) {
    sessionId = data.session.id;
    clientKey = data.session.client_key || null;
    root.setAttribute("data-session", String(sessionId));
    root.setAttribute("data-resumed", "1");
    var st = data.session.state || {};
    idx = Math.max(0, Math.min(phases.length - 1, st.phase_index || 0));
    var rem = typeof st.remaining_s === "number" ? st.remaining_s : phases[idx].duration_s;
    elapsed = Math.max(0, phases[idx].duration_s - Math.min(rem, phases[idx].duration_s));
    doneSteps = (st.done_steps || []).slice();
    skippedSteps = (st.skipped_steps || []).slice();
    activeS = data.session.active_s || 0;
    el.start.textContent = "Resume session";
    el.restart.hidden = false;
  }
  setState("ready");
  render();
})();
