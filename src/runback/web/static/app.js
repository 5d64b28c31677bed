// runback: small shared helpers (our own code; CSP forbids inline scripts, so pages load files).
"use strict";
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.getAttribute("content") : "";

  /** Call the JSON API with the CSRF header; resolve to parsed JSON (or null for 204). */
  async function api(method, url, body) {
    const opts = { method, headers: { "X-CSRF-Token": csrf, Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, opts);
    } catch (err) {
      // No network (or the service worker had no copy): callers may keep the work for later.
      const offline = new Error("no network");
      offline.offline = true;
      throw offline;
    }
    if (res.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(location.pathname); return null; }
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = (await res.json()).detail || detail; } catch (_) { /* not JSON */ }
      const failed = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
      // The service worker's "no copy" answer when offline: the same as no network.
      failed.offline = res.status === 504 && !navigator.onLine;
      throw failed;
    }
    return res.status === 204 ? null : res.json();
  }

  // Registration: prefill the time zone from the browser.
  document.addEventListener("DOMContentLoaded", () => {
    const zone = document.querySelector('input[name="zone"][data-autofill], form[action="/register"] input[name="zone"]');
    if (zone && !zone.value) {
      try { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { /* old browser */ }
    }
    // Copy buttons: the text of the element they name, with a word that it worked.
    document.querySelectorAll("button[data-copy]").forEach((btn) => {
      btn.addEventListener("click", async () => {
        const source = document.querySelector(btn.dataset.copy);
        const said = document.getElementById("calendar-copied");
        if (!source) return;
        try {
          await navigator.clipboard.writeText(source.textContent.trim());
          if (said) said.textContent = "Copied.";
        } catch (_) {
          const range = document.createRange();
          range.selectNodeContents(source);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          if (said) said.textContent = "Selected: copy it with your device's copy command.";
        }
      });
    });
    // Buttons that need a confirmation carry data-confirm (no inline onclick under our CSP).
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (ev) => { if (!window.confirm(form.dataset.confirm)) ev.preventDefault(); });
    });
  });

  window.runback = Object.assign(window.runback || {}, { api, csrf });
})();
