/* runback run upload: send the chosen files with XMLHttpRequest so a progress bar can show the
   upload, then list what happened to each file and refresh the runs list. Without JavaScript
   the same form posts to /runs and the server renders the same messages. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.runback) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var results = document.getElementById("upload-results");
  var button = form.querySelector("button[type=submit]");

  function say(text) { status.textContent = text; }

  function show(reply) {
    results.textContent = "";
    results.hidden = false;
    (reply.files || []).forEach(function (f) {
      var li = document.createElement("li");
      li.className = "result result-" + f.status;
      var name = document.createElement("strong");
      name.textContent = f.file;
      li.appendChild(name);
      li.appendChild(document.createTextNode(": " + f.message));
      results.appendChild(li);
    });
    say(reply.summary || "");
  }

  function refreshList() {
    // Reuse the server's own rendering of the list instead of building rows twice.
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("runs-list");
        var here = document.getElementById("runs-list");
        if (fresh && here) here.replaceWith(fresh);
      });
  }

  form.addEventListener("submit", function (ev) {
    var input = form.querySelector("input[type=file]");
    if (!input.files || !input.files.length) return;  // let the browser say "choose a file"
    ev.preventDefault();
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-api"));
    xhr.setRequestHeader("Accept", "application/json");
    var token = window.runback.csrf;
    if (token) xhr.setRequestHeader("X-CSRF-Token", token);
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    form.setAttribute("data-state", "uploading");
    say("Uploading…");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      bar.value = e.loaded / e.total;
      say("Uploading… " + Math.round(100 * e.loaded / e.total) + "%");
      if (e.loaded === e.total) say("Importing…");
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      bar.value = 1;
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
      if (xhr.status >= 200 && xhr.status < 300 && reply) {
        show(reply);
        refreshList().then(function () { form.setAttribute("data-state", "done"); });
        form.reset();
      } else {
        var detail = reply && reply.detail ? reply.detail : xhr.status + " " + xhr.statusText;
        say("Upload failed: " + (typeof detail === "string" ? detail : JSON.stringify(detail)));
        form.setAttribute("data-state", "failed");
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      say("Upload failed: the server could not be reached. Nothing was changed.");
      form.setAttribute("data-state", "failed");
    });
    xhr.send(data);
  });
})();
