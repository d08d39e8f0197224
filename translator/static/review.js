// translator review: saves and keyboard moves.  Text reaches the page through
// textContent and value only; the server escapes everything it renders.
"use strict";

(function () {
  const box = document.getElementById("segments");
  if (!box) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const rows = () => Array.from(box.querySelectorAll(".seg[data-id]"));
  const visible = () => rows().filter((r) => !r.hidden);

  function focusRow(row) {
    if (!row) return;
    const area = row.querySelector("textarea");
    area.focus();
    row.scrollIntoView({ block: "center" });
  }

  function neighbour(row, step) {
    const list = visible();
    const i = list.indexOf(row);
    return list[i + step] || null;
  }

  function nextToReview(row) {
    const list = visible();
    const start = list.indexOf(row);
    for (let k = 1; k <= list.length; k++) {
      const r = list[(start + k) % list.length];
      if (r.dataset.origin !== "human" && r.dataset.origin !== "paragraph") return r;
    }
    return null;
  }

  const status = document.getElementById("status");
  const alerts = document.getElementById("alerts");

  // A row's message, tied to its box (aria-describedby); a failure marks the
  // box invalid and is announced at once, a success through the page's status.
  function say(row, text, ok) {
    const p = row.querySelector(".message");
    p.textContent = text;
    p.className = "message " + (ok ? "ok" : "error");
    const area = row.querySelector("textarea");
    if (ok) {
      area.removeAttribute("aria-invalid");
    } else {
      area.setAttribute("aria-invalid", "true");
      alerts.textContent = "Segment " + row.dataset.n + ": " + text;
    }
  }

  function announce(row, text) {
    const share = document.getElementById("reviewed").textContent;
    status.textContent =
      "Segment " + row.dataset.n + " of " + row.dataset.total + " " + text + "; " + share;
  }

  function fill(row, seg) {
    row.dataset.base = seg.target;
    row.dataset.origin = seg.origin;
    const errors = seg.findings.filter((f) => f.severity === "error").length;
    row.dataset.errors = String(errors);
    row.dataset.unknown = String((seg.unknown || []).length);
    row.className = "seg origin-" + seg.origin + (errors ? " has-error" : "");
    row.querySelector("textarea").value = seg.target;
    row.querySelector(".origin").textContent =
      seg.origin === "human" ? "human · " + seg.state : seg.origin;
    const state = row.querySelector(".state");
    if (state) state.textContent = seg.origin === "human" ? "human, " + seg.state : seg.origin;
    const list = row.querySelector(".findings");
    list.replaceChildren();
    for (const f of seg.findings) {
      const li = document.createElement("li");
      li.className = f.severity;
      li.textContent = f.severity + " · " + f.check + ": " + f.message;
      list.appendChild(li);
    }
    const accept = row.querySelector("button.accept");
    if (accept && seg.origin === "human") accept.remove();
    showDraft(row, seg);
  }

  // A person's text: the machine draft, with the words they changed marked.
  function showDraft(row, seg) {
    let draft = row.querySelector(".draft");
    if (seg.origin !== "human" || seg.draft === null) {
      if (draft) draft.remove();
      return;
    }
    if (!draft) {
      draft = document.createElement("p");
      draft.className = "draft";
      row.querySelector(".message").before(draft);
    }
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = "Machine draft:";
    draft.replaceChildren(label, " ");
    const area = row.querySelector("textarea");
    draft.lang = area.lang;
    draft.dir = area.dir;
    // each piece in its own isolate: right-to-left words and numbers keep their order
    const isolated = (text) => {
      const bdi = document.createElement("bdi");
      bdi.textContent = text;
      return bdi;
    };
    if (!seg.diff.length) {
      draft.append(isolated(seg.draft), seg.rewritten ? " (rewritten)" : " (the same)");
      return;
    }
    for (const [op, text] of seg.diff) {
      if (op === "equal") {
        draft.append(isolated(text));
      } else {
        const mark = document.createElement(op === "delete" ? "del" : "ins");
        mark.append(isolated(text));
        draft.append(mark);
      }
    }
  }

  async function save(row, reviewed) {
    const area = row.querySelector("textarea");
    if (area.readOnly) return false;
    say(row, "saving…", true);
    let response, data;
    try {
      response = await fetch(
        "/article/" + encodeURIComponent(box.dataset.article) + "/" +
          encodeURIComponent(box.dataset.tag) + "/segment/" + encodeURIComponent(row.dataset.id),
        {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({
            text: area.value,
            base: row.dataset.base,
            reviewed: reviewed,
            version: box.dataset.version,
          }),
        },
      );
      data = await response.json();
    } catch (err) {
      say(row, "not saved: the server did not answer (" + err + "); your text is still here", false);
      return false;
    }
    if (!data.ok) {
      say(row, data.message, false);
      return false;
    }
    fill(row, data.segment);
    row.classList.remove("dirty");
    box.dataset.version = data.version;
    // the other rows that changed meanwhile (a disk edit taken in, another tab):
    // updated unless the person is typing in them
    for (const seg of data.changed || []) {
      const other = box.querySelector('.seg[data-id="' + CSS.escape(seg.id) + '"]');
      if (other && !other.classList.contains("dirty")) fill(other, seg);
    }
    if (data.reviewed !== null) {
      document.getElementById("reviewed").textContent = "reviewed " + data.reviewed.toFixed(1) + "%";
    }
    say(row, data.message, true);
    announce(row, reviewed ? "marked reviewed" : "saved");
    return true;
  }

  box.addEventListener("input", (event) => {
    const row = event.target.closest(".seg");
    if (row) row.classList.toggle("dirty", event.target.value !== row.dataset.base);
  });

  box.addEventListener("keydown", async (event) => {
    const row = event.target.closest(".seg[data-id]");
    if (!row || event.target.tagName !== "TEXTAREA") return;
    if (event.key === "Enter" && event.ctrlKey) {
      event.preventDefault();
      if (await save(row, false)) focusRow(nextToReview(row));
    } else if (event.key === "Enter" && event.altKey) {
      event.preventDefault();
      if (await save(row, true)) focusRow(nextToReview(row));
    } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      focusRow(neighbour(row, event.key === "ArrowDown" ? 1 : -1));
    }
  });

  box.addEventListener("click", (event) => {
    const row = event.target.closest(".seg[data-id]");
    if (!row) return;
    const reviewed = event.target.matches("button.accept");
    if (!reviewed && !event.target.matches("button.save")) return;
    // the button may go (a reviewed row has none): the focus goes to the box,
    // never to the page's body
    save(row, reviewed).then(() => row.querySelector("textarea").focus());
  });

  const EMPTY = {
    machine: "no machine segment: people translated every one",
    errors: "no segment with QA errors",
    stale: "no stale segment: none whose source changed since a person translated it",
    unknown: "no segment with words the engine did not know",
  };

  for (const radio of document.querySelectorAll('input[name="filter"]')) {
    radio.addEventListener("change", () => {
      const how = radio.value;
      for (const row of rows()) {
        const o = row.dataset.origin;
        row.hidden =
          (how === "machine" && o !== "machine") ||
          (how === "errors" && row.dataset.errors === "0") ||
          (how === "stale" && o !== "needs-review") ||
          (how === "unknown" && row.dataset.unknown === "0");
      }
      const empty = document.getElementById("empty");
      const shown = visible().length;
      empty.hidden = shown > 0;
      empty.textContent = shown ? "" : EMPTY[how] || "no segment to show";
    });
  }

  window.addEventListener("beforeunload", (event) => {
    if (box.querySelector(".seg.dirty")) event.preventDefault();
  });
  box.dataset.ready = "1"; // keys and saves work from here on
})();
