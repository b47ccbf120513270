// Staff pages: LIFF sign-in and the document viewer. No build step, no framework.
"use strict";

// Sign in through LIFF: LINE gives an ID token, the server verifies it with LINE.
async function staffLiffLogin(liffId, sessionUrl, next) {
  const status = document.getElementById("liff-status");
  const problem = document.getElementById("liff-error");
  const fail = (text) => { status.hidden = true; problem.hidden = false; problem.textContent = text; };
  try {
    await liff.init({ liffId });
    if (!liff.isLoggedIn()) { liff.login({ redirectUri: location.href }); return; }
    const idToken = liff.getIDToken();
    if (!idToken) { fail("LINE ไม่ส่งข้อมูลยืนยันตัวตนมาค่ะ กรุณาเปิดหน้านี้ใหม่จาก LINE"); return; }
    const response = await fetch(sessionUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id_token: idToken, next }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { fail(body.error || "เข้าสู่ระบบไม่สำเร็จค่ะ"); return; }
    location.replace(body.next || next);
  } catch (error) {
    fail("เชื่อมต่อ LINE ไม่สำเร็จค่ะ กรุณาลองใหม่อีกครั้ง");
  }
}

// The login page names its LIFF app in data attributes (the pages run no inline script).
(function startLiffLogin() {
  const status = document.getElementById("liff-status");
  if (status && status.dataset.liffId) {
    staffLiffLogin(status.dataset.liffId, status.dataset.sessionUrl, status.dataset.next);
  }
})();

// Photos open full screen; a tap toggles a large zoom, pinch zoom works natively.
(function documentViewer() {
  const viewer = document.getElementById("zoom");
  if (!viewer) return;
  const stage = viewer.querySelector(".zoom-stage");
  const image = stage.querySelector("img");
  const close = () => { viewer.hidden = true; stage.classList.remove("zoomed"); image.removeAttribute("src"); };
  document.querySelectorAll("[data-zoom]").forEach((thumb) => {
    thumb.addEventListener("click", () => {
      image.src = thumb.dataset.zoom;
      viewer.hidden = false;
    });
  });
  image.addEventListener("click", () => stage.classList.toggle("zoomed"));
  viewer.querySelector(".zoom-close").addEventListener("click", close);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
})();

// A double tap on a slow connection must not send the same action twice.
document.querySelectorAll('form[action*="/actions/"]').forEach((form) => {
  form.addEventListener("submit", (event) => {
    const button = form.querySelector("button[type=submit]");
    if (button && button.disabled) { event.preventDefault(); return; }
    if (button) { button.disabled = true; setTimeout(() => { button.disabled = false; }, 4000); }
  });
});

// Busy days: pick many requests for one action, keyboard use on the desktop, saved filters.
(function inboxTools() {
  const bulk = document.getElementById("bulk");
  const rows = Array.from(document.querySelectorAll(".app-row"));
  if (bulk) {
    const picks = () => Array.from(document.querySelectorAll('input.pick[form="bulk"]'));
    const count = bulk.querySelector(".bulk-count");
    const all = bulk.querySelector(".select-all");
    const update = () => {
      const chosen = picks().filter((p) => p.checked).length;
      count.textContent = String(chosen);
      all.checked = chosen > 0 && chosen === picks().length;
    };
    picks().forEach((p) => p.addEventListener("change", update));
    all.addEventListener("change", () => { picks().forEach((p) => { p.checked = all.checked; }); update(); });
    update();
  }

  // j/k move, x picks, Enter opens, / searches: only when not typing in a field.
  let current = -1;
  const focusRow = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    rows[current].querySelector(".app-item").focus();
  };
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      const search = document.querySelector('.search input[type="search"]');
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j" && rows.length) { focusRow(current + 1); }
    else if (event.key === "k" && rows.length) { focusRow(current - 1); }
    else if (event.key === "x" && current >= 0) {
      const pick = rows[current].querySelector(".pick");
      if (pick) { pick.checked = !pick.checked; pick.dispatchEvent(new Event("change")); }
    }
  });

  // Saved filters: the inbox's query strings under a name, kept in this browser only.
  const saved = document.getElementById("saved-filters");
  if (!saved) return;
  const key = saved.dataset.storage;
  const read = () => { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } };
  const write = (list) => { try { localStorage.setItem(key, JSON.stringify(list.slice(0, 12))); } catch (e) { /* private mode */ } };
  const list = saved.querySelector(".saved-list");
  const draw = () => {
    list.textContent = "";
    read().forEach((item, index) => {
      const wrap = document.createElement("span");
      wrap.className = "saved-filter";
      const link = document.createElement("a");
      link.className = "chip";
      link.href = location.pathname + (item.query || "");
      link.textContent = item.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button";
      remove.textContent = "✕";
      remove.setAttribute("aria-label", "ลบตัวกรอง " + item.name);
      remove.addEventListener("click", () => { const all = read(); all.splice(index, 1); write(all); draw(); });
      wrap.append(link, remove);
      list.append(wrap);
    });
  };
  saved.hidden = false;
  saved.querySelector(".save-filter").addEventListener("click", () => {
    const params = new URLSearchParams(location.search);
    ["done", "error"].forEach((name) => params.delete(name));
    const query = params.toString() ? "?" + params.toString() : "";
    const name = (window.prompt("ตั้งชื่อตัวกรองนี้", document.querySelector(".chip.active")?.textContent.trim() || "ตัวกรอง") || "").trim();
    if (!name) return;
    write([...read().filter((item) => item.name !== name), { name: name.slice(0, 40), query }]);
    draw();
  });
  draw();
})();

// Progress that changes on the server (results going out to parents): an element with
// data-poll-url shows the "text" its URL answers, every few seconds, until it says "finished".
(function pollProgress() {
  document.querySelectorAll("[data-poll-url]").forEach((element) => {
    const every = Number(element.dataset.pollSeconds || 3) * 1000;
    const tick = async () => {
      try {
        const response = await fetch(element.dataset.pollUrl, { credentials: "same-origin", cache: "no-store" });
        if (response.ok) {
          const body = await response.json();
          element.textContent = body.text;
          if (body.finished) { return; }
        }
      } catch (error) { /* the next tick tries again */ }
      setTimeout(tick, every);
    };
    setTimeout(tick, every);
  });
})();
