/* runback run upload: send the chosen files with XMLHttpRequest so a progress bar can show the
   upload, then follow the import (a job the server runs in the background) until it is done,
   list what happened to each file and refresh the runs list. Without JavaScript the same form
   posts to /runs, and the page it leads to says how far the import is (reload to see more). */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.runback) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var results = document.getElementById("upload-results");
  var button = form.querySelector("button[type=submit]");
  var POLL_MS = 500;

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

  function finished(job) {
    button.disabled = false;
    bar.value = 1;
    show(job.result);
    say((job.status === "failed" ? job.message + " " : "") + job.result.summary);
    refreshList().then(function () {
      form.setAttribute("data-state", job.status === "failed" ? "failed" : "done");
    });
  }

  function follow(url) {
    // Poll the job until a worker has imported every file; show each file as it is done.
    form.setAttribute("data-state", "importing");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.statusText);
        return r.json();
      })
      .then(function (job) {
        if (job.status === "done" || job.status === "failed") { finished(job); return; }
        bar.hidden = false;
        bar.value = job.files_total ? job.files_done / job.files_total : 0;
        say(job.message);
        if (job.result.files.length) show(job.result);
        window.setTimeout(function () { follow(url); }, POLL_MS);
      })
      .catch(function () {
        button.disabled = false;
        say("Importing… the page lost touch with the server: reload it to see the result.");
        form.setAttribute("data-state", "failed");
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
    results.hidden = true;
    form.setAttribute("data-state", "uploading");
    say("Uploading…");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      bar.value = e.loaded / e.total;
      say("Uploading… " + Math.round(100 * e.loaded / e.total) + "%");
      if (e.loaded === e.total) say("Importing…");
    });
    xhr.addEventListener("load", function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
      if (xhr.status === 202 && reply) {
        form.reset();
        bar.value = 0;
        follow(xhr.getResponseHeader("Location") || "/api/v1/jobs/" + reply.id);
      } else {
        button.disabled = false;
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

  // Opened while an import is still going (the page without JavaScript said "reload"): follow it.
  var pending = status.getAttribute("data-job");
  if (pending) { button.disabled = true; follow(pending); }
})();
