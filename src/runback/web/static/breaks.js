/* runback break reminders: while any runback tab is open, ask the server when the next
   movement break is due and, when it is, show a banner, beep and (if allowed) notify.
   One tab notifies per break: the others see the mark in localStorage. */
(function () {
  "use strict";
  if (!window.runback || !window.fetch) return;
  var rb = window.runback;
  var POLL_MS = 60000;
  var KEY = "runback.break.notified";
  var pending = null;

  function already(due) {
    try { return localStorage.getItem(KEY) === due; } catch (e) { return false; }
  }
  function mark(due) {
    try { localStorage.setItem(KEY, due); } catch (e) { /* private mode: notify anyway */ }
  }

  // Every way into the break plays the guided Desk break, counted as a break.
  function startUrl(b) {
    return "/player/" + encodeURIComponent(b.routine_slug) + "?context=desk-break";
  }

  function banner(b) {
    var old = document.getElementById("break-banner");
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = "break-banner";
    box.className = "break-banner";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = b.message || "Time for a movement break.";
    box.appendChild(text);
    if (b.routine_slug) {
      var go = document.createElement("a");
      go.className = "button";
      go.href = startUrl(b);
      go.textContent = "Start " + (b.routine_name || "a break");
      box.appendChild(go);
    }
    function answer(body) {
      box.remove();
      body.due_at = b.due_at;
      rb.api("POST", "/api/v1/breaks", body)
        .then(handle).catch(function () { /* the next poll shows the state */ });
    }
    function button(label, onClick) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = label;
      btn.addEventListener("click", onClick);
      box.appendChild(btn);
      return btn;
    }
    button("I moved", function () { answer({ outcome: "taken" }); });
    // Busy (strict mode, or in a meeting): stand, 10 shoulder circles, sit; a short break.
    if (b.short_offered) {
      button("1-minute break", function () { answer({ outcome: "taken", short: true }); })
        .title = "Stand up, roll your shoulders 10 times, sit down again.";
    }
    // Strict mode offers no snooze, nor does a meeting about to start (the 1-minute break does).
    if (!b.strict && !b.short_offered) {
      button("Snooze", function () { answer({ outcome: "snoozed" }); });
    }
    var skip = button(b.strict ? "Skip…" : "Skip", function () {
      if (!b.strict) { answer({ outcome: "skipped" }); return; }
      // Strict mode: a skip says why.
      skip.hidden = true;
      var form = document.createElement("form");
      form.className = "break-skip";
      var label = document.createElement("label");
      label.textContent = "Why skip this break? ";
      var input = document.createElement("input");
      input.type = "text"; input.name = "reason"; input.required = true; input.maxLength = 200;
      input.setAttribute("list", "break-skip-reasons");
      var list = document.createElement("datalist");
      list.id = "break-skip-reasons";
      ["in a meeting", "on a call", "not feeling well"].forEach(function (r) {
        var o = document.createElement("option"); o.value = r; list.appendChild(o);
      });
      label.appendChild(input);
      var go = document.createElement("button");
      go.type = "submit"; go.textContent = "Skip";
      form.appendChild(label); form.appendChild(list); form.appendChild(go);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (input.value.trim()) answer({ outcome: "skipped", reason: input.value.trim() });
      });
      box.appendChild(form);
      input.focus();
    });
    var main = document.getElementById("main") || document.body;
    main.insertBefore(box, main.firstChild);
  }

  function fire(b) {
    pending = null;
    // A new user's first look at Today is the welcome, not a nag (the next page may remind).
    if (document.getElementById("welcome-prompt")) return;
    if (already(b.due_at)) return;
    mark(b.due_at);
    banner(b);
    rb.beep(880, 180);
    setTimeout(function () { rb.beep(1046, 220); }, 250);
    if ("Notification" in window && Notification.permission === "granted") {
      try {
        var n = new Notification("runback: movement break", {
          body: b.message || "Time to get up and move.", tag: "runback-break"
        });
        n.onclick = function () {
          window.focus();
          n.close();
          if (b.routine_slug) window.location.href = startUrl(b);
        };
      } catch (e) { /* some browsers only notify from a service worker: the banner is there */ }
    }
  }

  function handle(b) {
    if (!b || !b.enabled || !b.due_at || b.seconds_until === null) return;
    if (pending) { clearTimeout(pending); pending = null; }
    var wait = b.seconds_until * 1000;
    if (wait <= 0) fire(b);
    else if (wait < POLL_MS) pending = setTimeout(function () { fire(b); }, wait);
  }

  function check() {
    rb.api("GET", "/api/v1/breaks/next").then(handle).catch(function () { /* offline: retry */ });
  }

  // A button (on the Today page) to allow notifications: browsers ask only after a click.
  var ask = document.getElementById("break-notify");
  if (ask && "Notification" in window && Notification.permission === "default") {
    ask.hidden = false;
    ask.addEventListener("click", function (ev) {
      if (!ev.target.closest("button")) return;
      rb.unlockAudio();
      Notification.requestPermission().then(function () { ask.hidden = true; });
    });
  }
  // Any click unlocks audio so the break beep can sound later.
  document.addEventListener("click", function () { rb.unlockAudio(); }, { once: true });
  check();
  setInterval(check, POLL_MS);
})();
