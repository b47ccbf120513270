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
