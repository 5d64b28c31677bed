/* runback routine builder: the form's "Add a step", "Up", "Down" and "Remove" buttons act in the
   page instead of posting. Without JavaScript each is a submit button (action=add, up:N, down:N,
   remove:N) and the server re-renders the form with the same change, saving nothing. */
"use strict";
(function () {
  const form = document.getElementById("routine-form");
  const list = document.getElementById("step-rows");
  const addButton = document.getElementById("step-add");
  const status = document.getElementById("step-status");
  if (!form || !list || !addButton || !list.querySelector(".step-row")) return;
  const maxRows = Number(form.dataset.maxRows) || 100;
  const VERBS = { up: "Move step %n up", down: "Move step %n down", remove: "Remove step %n" };

  function rows() { return Array.from(list.querySelectorAll(":scope > .step-row")); }

  /** Empty every field of a row (a typed slug not in the catalog goes with its option). */
  function clear(row) {
    row.querySelectorAll("option[data-typed]").forEach((o) => o.remove());
    row.querySelectorAll("select").forEach((s) => {
      Array.from(s.options).forEach((o) => { o.defaultSelected = false; });
      s.selectedIndex = 0;
    });
    row.querySelectorAll("input").forEach((i) => { i.value = ""; i.defaultValue = ""; });
    row.querySelectorAll("[autofocus]").forEach((el) => el.removeAttribute("autofocus"));
    row.querySelectorAll("[data-figure-preview]").forEach((el) => { el.replaceChildren(); });
  }

  /** Show the chosen exercise's figure next to its picker (from the page's templates). */
  function preview(select) {
    const box = select.closest(".step-row")?.querySelector("[data-figure-preview]");
    if (!box) return;
    const tpl = document.querySelector(`#figure-previews template[data-slug="${CSS.escape(select.value)}"]`);
    box.replaceChildren(...(tpl ? [tpl.content.cloneNode(true)] : []));
  }
  list.addEventListener("change", (ev) => {
    const t = ev.target;
    if (t instanceof HTMLSelectElement && t.name === "step_exercise") preview(t);
  });

  // A clean copy to clone for "Add a step", taken before anyone types.
  const blank = rows()[0].cloneNode(true);
  clear(blank);

  /** Give every row its number, its buttons' values and labels, and the ends' disabled state. */
  function renumber() {
    const all = rows();
    all.forEach((row, i) => {
      const n = String(i + 1);
      const heading = row.querySelector(".step-num");
      if (heading) heading.textContent = "Step " + n;
      row.querySelectorAll("button[data-row-action]").forEach((b) => {
        const verb = b.dataset.rowAction;
        b.value = verb + ":" + n;
        b.setAttribute("aria-label", VERBS[verb].replace("%n", n));
        if (verb === "up") b.disabled = i === 0;
        if (verb === "down") b.disabled = i === all.length - 1;
      });
    });
    addButton.disabled = all.length >= maxRows;
  }

  function say(text) {
    // Empty first so the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function focusRow(row) {
    const first = row && row.querySelector("select, input");
    if (first) first.focus();
  }

  function add() {
    if (rows().length >= maxRows) { say("A routine holds at most " + maxRows + " rows."); return; }
    const row = blank.cloneNode(true);
    list.appendChild(row);
    renumber();
    focusRow(row);
    say("Step " + rows().length + " added.");
  }

  function move(row, verb) {
    const all = rows();
    const i = all.indexOf(row);
    const j = verb === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= all.length) return;
    if (verb === "up") list.insertBefore(row, all[j]);
    else list.insertBefore(all[j], row);
    renumber();
    focusRow(row);
    say("Step " + (i + 1) + " moved " + verb + " to step " + (j + 1) + ".");
  }

  function remove(row) {
    const all = rows();
    const i = all.indexOf(row);
    if (all.length === 1) {
      clear(row);  // always keep one row to type into
    } else {
      row.remove();
    }
    renumber();
    const left = rows();
    focusRow(left[Math.min(i, left.length - 1)]);
    say("Step " + (i + 1) + " removed.");
  }

  form.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest("button[data-row-action]") : null;
    if (!button || !form.contains(button)) return;
    ev.preventDefault();
    const verb = button.dataset.rowAction;
    if (verb === "add") { add(); return; }
    const row = button.closest(".step-row");
    if (!row) return;
    if (verb === "remove") remove(row);
    else move(row, verb);
  });

  renumber();
  form.dataset.enhanced = "1";
})();
