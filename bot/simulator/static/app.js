// The LINE-like chat page: polls the timeline, renders messages, turns taps into user actions.
"use strict";

(function () {
  const { el } = window.LineRender;
  const POLL_MS = 700;
  const $ = (id) => document.getElementById(id);

  const state = {
    users: [],
    userId: null,
    cursor: 0,
    generation: 0,          // bumps on user switch so late poll answers are dropped
    lastDateKey: null,
    lastRowFrom: null,
    following: false,
    hasFollowedBefore: false,
    lastSpeaker: null,      // last bot/user item, for quick replies
    pendingMetas: [],       // user rows still waiting for the webhook status
    richMenuKey: null,
    richMenuOpen: true,
    typingRow: null,
    initial: "",            // first letter of the account name, as its avatar
  };

  const dateFormat = new Intl.DateTimeFormat("th-TH", { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  const timeFormat = new Intl.DateTimeFormat("th-TH", { hour: "2-digit", minute: "2-digit" });

  // ----- API ---------------------------------------------------------------------------

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    let body = null;
    try { body = await response.json(); } catch (_) { /* empty body */ }
    if (!response.ok) {
      const message = (body && (body.error || body.detail)) || `เกิดข้อผิดพลาด (${response.status}) ค่ะ`;
      throw new Error(typeof message === "string" ? message : JSON.stringify(message));
    }
    return body;
  }

  function postJson(path, payload) {
    return api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload || {}) });
  }

  function userPath(suffix) {
    return `api/users/${encodeURIComponent(state.userId)}/${suffix}`;
  }

  async function act(suffix, payload) {
    hideQuickReplies();
    try {
      const result = await postJson(userPath(suffix), payload);
      settlePending(result.webhookStatus);
      await poll();
      return result;
    } catch (error) {
      settlePending(null);
      toast(error.message);
      await poll();
      return null;
    }
  }

  // ----- user actions --------------------------------------------------------------------

  function sendText(text) {
    if (!text || !text.trim()) return;
    return act("text", { text });
  }

  function sendPostback(data, displayText, params) {
    return act("postback", { data, displayText: displayText || null, params: params || null });
  }

  async function sendFiles(fileList) {
    const files = Array.from(fileList || []);
    if (!files.length) return;
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    hideQuickReplies();
    try {
      const result = await api(userPath("files"), { method: "POST", body: form });
      settlePending(result.webhookStatus);
    } catch (error) {
      settlePending(null);
      toast(error.message);
    }
    await poll();
  }

  const THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];

  // "2026-12-10" as Thai people read it: "10 ธันวาคม 2569" (Buddhist era: +543).
  function thaiDate(iso) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!match) return "";
    return `${Number(match[3])} ${THAI_MONTHS[Number(match[2]) - 1]} ${Number(match[1]) + 543}`;
  }

  function dateLimits(action) {
    if (action.min && action.max) return `เลือกได้ตั้งแต่ ${thaiDate(action.min)} ถึง ${thaiDate(action.max)}`;
    if (action.min) return `เลือกได้ตั้งแต่ ${thaiDate(action.min)}`;
    if (action.max) return `เลือกได้ถึง ${thaiDate(action.max)}`;
    return "";
  }

  // The date picker as a dialog: the native date input, the limits the bot set, and the chosen
  // day in the Buddhist era (a Gregorian-only picker is where Thai users slip by 543 years).
  function openDateDialog(action) {
    const dialog = $("date-dialog");
    const input = $("date-dialog-input");
    const be = $("date-dialog-be");
    input.value = action.initial || "";
    input.min = action.min || "";
    input.max = action.max || "";
    $("date-dialog-title").textContent = action.label || "เลือกวันที่";
    $("date-dialog-limits").textContent = dateLimits(action);
    const show = () => { be.textContent = input.value ? `วันที่เลือก: ${thaiDate(input.value)}` : ""; };
    show();
    input.oninput = show;
    dialog.onclose = () => {
      if (dialog.returnValue !== "ok" || !input.value) return;
      if ((action.min && input.value < action.min) || (action.max && input.value > action.max)) {
        toast(dateLimits(action));
        return;
      }
      sendPostback(action.data, null, { date: input.value });
    };
    dialog.returnValue = "";
    dialog.showModal();
    input.focus();
  }

  function openPicker(action) {
    const mode = action.mode || "date";
    if (mode === "date" && typeof HTMLDialogElement === "function") return openDateDialog(action);
    const input = $(`picker-${mode}`);
    input.value = action.initial || "";
    input.min = action.min || "";
    input.max = action.max || "";
    const onChange = () => {
      input.removeEventListener("change", onChange);
      if (!input.value) return;
      sendPostback(action.data, null, { [mode]: input.value });
    };
    input.addEventListener("change", onChange);
    try {
      input.showPicker();
    } catch (_) {
      const hint = { date: "ปปปป-ดด-วว", time: "ชช:นน", datetime: "ปปปป-ดด-ววTชช:นน" }[mode];
      const typed = window.prompt(`กรอกค่า (${hint})`, action.initial || "");
      input.removeEventListener("change", onChange);
      if (typed) sendPostback(action.data, null, { [mode]: typed });
    }
  }

  async function onAction(action) {
    if (!action || !state.userId) return;
    if (!state.following && action.type !== "uri") {
      toast("กรุณาเพิ่มเพื่อนก่อนค่ะ");
      return;
    }
    switch (action.type) {
      case "message":
        return sendText(action.text);
      case "postback":
        if (action.fillInText) { $("text-input").value = action.fillInText; $("text-input").focus(); }
        return sendPostback(action.data, action.displayText || action.text);
      case "uri": {
        const uri = action.uri || (action.altUri && action.altUri.desktop);
        if (/^https?:/i.test(uri)) window.open(uri, "_blank", "noopener");
        else toast(`ลิงก์นี้เปิดได้ในแอป LINE เท่านั้นค่ะ: ${uri}`);
        return;
      }
      case "datetimepicker":
        return openPicker(action);
      case "richmenuswitch":
        await act("richmenu/switch", { aliasId: action.richMenuAliasId, data: action.data });
        state.richMenuKey = null;
        return refreshRichMenu();
      case "camera":
      case "cameraRoll":
        return $("file-input").click();
      case "clipboard":
        try { await navigator.clipboard.writeText(action.clipboardText); toast("คัดลอกแล้วค่ะ"); }
        catch (_) { toast(action.clipboardText); }
        return;
      default:
        toast("ตัวจำลองยังไม่รองรับการกระทำนี้ค่ะ");
    }
  }

  // ----- rendering -----------------------------------------------------------------------

  function toast(message) {
    const node = $("toast");
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, 3500);
  }

  function resetChat() {
    $("chat").replaceChildren();
    state.cursor = 0;
    state.lastDateKey = null;
    state.lastRowFrom = null;
    state.lastSpeaker = null;
    state.pendingMetas = [];
    state.typingRow = null;
    state.richMenuKey = null;
    hideQuickReplies();
  }

  function nearBottom() {
    const chat = $("chat");
    return chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120;
  }

  function scrollToBottom() {
    const chat = $("chat");
    chat.scrollTop = chat.scrollHeight;
  }

  function dateSeparator(item) {
    const date = new Date(item.time);
    const key = date.toDateString();
    if (key === state.lastDateKey) return;
    state.lastDateKey = key;
    $("chat").appendChild(el("div", "date-sep", dateFormat.format(date)));
    state.lastRowFrom = null;
  }

  function statusLabel(status) {
    if (status === undefined) return null;
    if (status === null) return "ส่งไม่ถึงบอท";
    if (status < 200 || status >= 300) return `webhook ${status}`;
    return null;
  }

  function makeMeta(item) {
    const meta = el("div", "meta");
    if (item.from === "bot") meta.appendChild(el("span", "via", item.via === "push" ? "พุช" : "ตอบกลับ"));
    meta.appendChild(el("span", null, timeFormat.format(new Date(item.time))));
    if (item.from === "user") {
      if (!("webhookStatus" in item)) state.pendingMetas.push(meta);
      else setMetaStatus(meta, item.webhookStatus);
    }
    return meta;
  }

  function setMetaStatus(meta, status) {
    const label = statusLabel(status);
    if (label) meta.appendChild(el("span", "warn", label));
  }

  function settlePending(status) {
    for (const meta of state.pendingMetas) setMetaStatus(meta, status);
    state.pendingMetas = [];
  }

  function row(item, contentNodes) {
    const node = el("div", `row ${item.from}`);
    if (item.from === "bot" && state.lastRowFrom === "bot") node.classList.add("continued");
    const content = el("div", "content");
    for (const child of contentNodes) content.appendChild(child);
    const meta = makeMeta(item);
    if (item.from === "bot") {
      node.appendChild(el("div", "avatar", state.initial));
      node.appendChild(content);
      node.appendChild(meta);
    } else {
      node.appendChild(meta);
      node.appendChild(content);
    }
    state.lastRowFrom = item.from;
    return node;
  }

  function photo(src, fullSrc) {
    const img = el("img", "photo");
    img.src = src;
    img.alt = "รูปภาพ";
    img.loading = "lazy";
    img.addEventListener("click", () => {
      const box = el("div", "lightbox");
      const big = el("img");
      big.src = fullSrc || src;
      box.appendChild(big);
      box.addEventListener("click", () => box.remove());
      document.body.appendChild(box);
    });
    img.addEventListener("load", () => { if (nearBottom()) scrollToBottom(); });
    return img;
  }

  function sticker(packageId, stickerId) {
    const img = el("img", "sticker");
    img.alt = "สติกเกอร์";
    img.src = `https://stickershop.line-scdn.net/stickershop/v1/sticker/${encodeURIComponent(stickerId)}/android/sticker.png`;
    img.addEventListener("error", () => img.replaceWith(el("div", "sticker-fallback", "😊")));
    return img;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} ไบต์`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function userContent(item) {
    const m = item.message;
    if (item.unsent) return [el("div", "bubble unsent", "ยกเลิกข้อความแล้ว")];
    switch (m.type) {
      case "text": return [el("div", "bubble", m.text)];
      case "image": return [photo(m.mediaPath)];
      case "sticker": return [sticker(m.packageId, m.stickerId)];
      case "file": {
        const card = el("a", "file-card");
        card.href = m.mediaPath;
        card.target = "_blank";
        card.appendChild(el("span", "file-icon", "PDF"));
        const text = el("div");
        text.appendChild(el("div", "file-name", m.fileName));
        text.appendChild(el("div", "file-size", formatSize(m.fileSize)));
        card.appendChild(text);
        return [card];
      }
      default: return [el("div", "bubble", `[${m.type}]`)];
    }
  }

  function botContent(message) {
    switch (message.type) {
      case "text":
      case "textV2": return [el("div", "bubble", message.text)];
      case "image": return [photo(message.previewImageUrl, message.originalContentUrl)];
      case "sticker": return [sticker(message.packageId, message.stickerId)];
      case "template": return [window.LineRender.template(message.template, onAction)];
      case "flex": return [window.LineRender.flex(message.contents, onAction)];
      case "imagemap": {
        const node = photo(`${message.baseUrl}/700`);
        return [node, el("div", "alt-note", message.altText)];
      }
      case "location": {
        const card = el("a", "file-card");
        card.href = `https://www.google.com/maps?q=${message.latitude},${message.longitude}`;
        card.target = "_blank";
        card.appendChild(el("span", "file-icon", "📍"));
        const text = el("div");
        text.appendChild(el("div", "file-name", message.title));
        text.appendChild(el("div", "file-size", message.address));
        card.appendChild(text);
        return [card];
      }
      case "video": {
        const video = el("video", "photo");
        video.src = message.originalContentUrl;
        video.poster = message.previewImageUrl;
        video.controls = true;
        return [video];
      }
      case "audio": {
        const audio = el("audio");
        audio.src = message.originalContentUrl;
        audio.controls = true;
        return [audio];
      }
      default: return [el("div", "bubble", `[${message.type}]`)];
    }
  }

  function renderItem(item) {
    const chat = $("chat");
    dateSeparator(item);
    if (item.from === "system") {
      const note = el("div", "system-note", item.text);
      const label = statusLabel(item.webhookStatus);
      if (label) note.appendChild(el("span", "warn", ` · ${label}`));
      chat.appendChild(note);
      state.lastRowFrom = "system";
      return;
    }
    if (item.from === "user" && item.message.type === "postback") {
      if (item.message.displayText) {
        chat.appendChild(row(item, [el("div", "bubble", item.message.displayText)]));
      } else {
        const params = item.message.params ? ` ${Object.values(item.message.params).join(" ")}` : "";
        chat.appendChild(el("div", "system-note", `ส่ง postback${params}`));
        state.lastRowFrom = "system";
      }
      state.lastSpeaker = item;
      return;
    }
    if (item.from === "user") {
      const node = row(item, userContent(item));
      if (!item.unsent && item.message.id) {
        const unsend = el("button", "unsend-link", "ยกเลิกส่ง");
        unsend.type = "button";
        unsend.addEventListener("click", () => act("unsend", { messageId: item.message.id }));
        node.querySelector(".meta").appendChild(unsend);
      }
      chat.appendChild(node);
    } else {
      chat.appendChild(row(item, botContent(item.message)));
    }
    state.lastSpeaker = item;
  }

  function showTyping(loading) {
    if (loading && !state.typingRow) {
      const node = el("div", "row bot");
      node.appendChild(el("div", "avatar", state.initial));
      const bubble = el("div", "bubble typing");
      for (let i = 0; i < 3; i++) bubble.appendChild(el("span"));
      node.appendChild(bubble);
      state.typingRow = node;
    }
    if (state.typingRow) {
      if (loading) $("chat").appendChild(state.typingRow);  // keep it last
      else { state.typingRow.remove(); state.typingRow = null; }
    }
  }

  function hideQuickReplies() {
    $("quick-replies").hidden = true;
    $("quick-replies").replaceChildren();
  }

  function renderQuickReplies() {
    const last = state.lastSpeaker;
    const items = last && last.from === "bot" && last.message.quickReply && last.message.quickReply.items;
    if (!items || !items.length || !state.following) { hideQuickReplies(); return; }
    const bar = $("quick-replies");
    bar.replaceChildren();
    for (const item of items) {
      const action = item.action || {};
      const chip = el("button", "chip");
      chip.type = "button";
      if (item.imageUrl) { const icon = el("img"); icon.src = item.imageUrl; icon.alt = ""; chip.appendChild(icon); }
      const fallback = { camera: "กล้อง", cameraRoll: "คลังรูปภาพ", location: "ตำแหน่ง" }[action.type];
      chip.appendChild(document.createTextNode(action.label || fallback || ""));
      chip.addEventListener("click", () => onAction(action));
      bar.appendChild(chip);
    }
    bar.hidden = false;
  }

  function renderFollowState() {
    const toggle = $("follow-toggle");
    if (state.following) {
      toggle.textContent = "บล็อก";
      toggle.classList.add("danger");
    } else {
      toggle.textContent = state.hasFollowedBefore ? "เลิกบล็อก" : "เพิ่มเพื่อน";
      toggle.classList.remove("danger");
    }
    $("follow-gate").hidden = state.following;
    $("input-row").hidden = !state.following;
    $("follow-button").textContent = state.hasFollowedBefore ? "เลิกบล็อก" : "เพิ่มเพื่อน";
    $("follow-gate-text").textContent = state.hasFollowedBefore
      ? "คุณบล็อกบัญชีนี้อยู่ เลิกบล็อกเพื่อแชทต่อได้ค่ะ"
      : "เพิ่มบัญชีนี้เป็นเพื่อนเพื่อเริ่มแชทค่ะ";
  }

  // ----- rich menu -----------------------------------------------------------------------

  async function refreshRichMenu() {
    if (!state.userId) return;
    const generation = state.generation;
    let menu = null;
    try { menu = (await api(userPath("richmenu"))).richMenu; } catch (_) { return; }
    if (generation !== state.generation) return;
    const key = menu ? menu.richMenuId : "";
    if (key === state.richMenuKey) return;
    state.richMenuKey = key;
    const box = $("rich-menu");
    if (!menu) { box.hidden = true; return; }
    const image = $("rich-menu-image");
    image.replaceChildren();
    const img = el("img");
    img.src = menu.imageUrl;
    img.alt = menu.name || "ริชเมนู";
    image.appendChild(img);
    // Percent positions scale the tappable areas with whatever width the image is shown at.
    for (const area of menu.areas || []) {
      const b = area.bounds;
      const button = el("button", "rm-area");
      button.type = "button";
      button.title = (area.action && (area.action.label || area.action.displayText || area.action.text)) || "";
      Object.assign(button.style, {
        left: `${(b.x / menu.size.width) * 100}%`,
        top: `${(b.y / menu.size.height) * 100}%`,
        width: `${(b.width / menu.size.width) * 100}%`,
        height: `${(b.height / menu.size.height) * 100}%`,
      });
      button.addEventListener("click", () => onAction(area.action));
      image.appendChild(button);
    }
    state.richMenuOpen = menu.selected !== false;
    renderRichMenuOpen(menu.chatBarText);
    box.hidden = false;
  }

  function renderRichMenuOpen(chatBarText) {
    if (chatBarText !== undefined) $("chat-bar").dataset.text = chatBarText;
    $("rich-menu-image").classList.toggle("collapsed", !state.richMenuOpen);
    $("chat-bar").textContent = `${$("chat-bar").dataset.text || "เมนู"} ${state.richMenuOpen ? "▾" : "▴"}`;
  }

  // ----- polling -------------------------------------------------------------------------

  let pollCount = 0;
  let polling = false;

  async function poll() {
    if (!state.userId || polling) return;
    polling = true;
    const generation = state.generation;
    try {
      const data = await api(`${userPath("timeline")}?after=${state.cursor}`);
      if (generation !== state.generation) return;
      const stick = nearBottom();
      for (const item of data.items) renderItem(item);
      state.cursor = data.cursor;
      showTyping(data.loading);
      if (state.following !== data.following || state.hasFollowedBefore !== data.hasFollowedBefore) {
        state.following = data.following;
        state.hasFollowedBefore = data.hasFollowedBefore;
        renderFollowState();
      }
      if (data.items.length) {
        renderQuickReplies();
        if (stick || data.items.some((i) => i.from === "user")) scrollToBottom();
        refreshRichMenu();
      } else if (pollCount++ % 4 === 0) {
        refreshRichMenu();
      }
    } catch (_) {
      // The server restarting: keep polling quietly.
    } finally {
      polling = false;
    }
  }

  function loop() {
    poll().finally(() => setTimeout(loop, POLL_MS));
  }

  // ----- users ---------------------------------------------------------------------------

  function renderUsers() {
    const select = $("user-select");
    select.replaceChildren();
    for (const user of state.users) {
      const option = el("option", null, user.displayName);
      option.value = user.userId;
      select.appendChild(option);
    }
    select.value = state.userId;
  }

  function selectUser(userId) {
    state.userId = userId;
    state.generation += 1;
    localStorage.setItem("sim.userId", userId);
    resetChat();
    $("rich-menu").hidden = true;
    const user = state.users.find((u) => u.userId === userId);
    state.following = !!(user && user.following);
    state.hasFollowedBefore = state.following;
    renderFollowState();
    poll();
  }

  async function addUser(name) {
    const user = await postJson("api/users", name ? { displayName: name } : {});
    state.users.push(user);
    renderUsers();
    selectUser(user.userId);
    $("user-select").value = user.userId;
  }

  // ----- wiring --------------------------------------------------------------------------

  function autoGrow() {
    const input = $("text-input");
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  function wire() {
    $("input-row").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("text-input");
      const text = input.value;
      input.value = "";
      autoGrow();
      sendText(text);
    });
    $("text-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("input-row").requestSubmit();
      }
    });
    $("text-input").addEventListener("input", autoGrow);
    $("attach").addEventListener("click", () => $("file-input").click());
    $("file-input").addEventListener("change", (event) => {
      sendFiles(event.target.files);
      event.target.value = "";
    });
    $("user-select").addEventListener("change", (event) => selectUser(event.target.value));
    $("add-user").addEventListener("click", () => {
      const name = window.prompt("ชื่อที่แสดงของผู้ใช้ใหม่ (เว้นว่างได้ค่ะ)", "");
      if (name !== null) addUser(name.trim()).catch((e) => toast(e.message));
    });
    const followAction = () => act(state.following ? "unfollow" : "follow");
    $("follow-toggle").addEventListener("click", followAction);
    $("follow-button").addEventListener("click", followAction);
    $("chat-bar").addEventListener("click", () => { state.richMenuOpen = !state.richMenuOpen; renderRichMenuOpen(); });
    const tools = $("tools");
    $("tools-toggle").addEventListener("click", () => {
      tools.hidden = !tools.hidden;
      $("tools-toggle").setAttribute("aria-expanded", String(!tools.hidden));
    });
    document.addEventListener("click", (event) => {
      if (!tools.hidden && !tools.contains(event.target) && event.target !== $("tools-toggle")) tools.hidden = true;
    });
    $("send-sticker").addEventListener("click", () => { tools.hidden = true; act("sticker", { packageId: "446", stickerId: "1988" }); });
    $("redeliver").addEventListener("click", () => { tools.hidden = true; act("redeliver"); });
    $("copy-user-id").addEventListener("click", async () => {
      tools.hidden = true;
      try { await navigator.clipboard.writeText(state.userId); toast("คัดลอก User ID แล้วค่ะ"); }
      catch (_) { toast(state.userId); }
    });
  }

  async function start() {
    wire();
    const info = await api("api/state");
    $("oa-name").textContent = info.oaName;
    state.initial = Array.from(info.oaName.replace(/^(โรงเรียน|บัญชี)/, ""))[0] || "";
    $("oa-avatar").textContent = state.initial;
    document.title = `${info.oaName} · ตัวจำลอง LINE`;
    state.users = info.users;
    if (!state.users.length) {
      state.users.push(await postJson("api/users", {}));
    }
    const saved = localStorage.getItem("sim.userId");
    const first = state.users.find((u) => u.userId === saved) || state.users[0];
    state.userId = first.userId;
    renderUsers();
    selectUser(first.userId);
    loop();
  }

  start().catch((error) => toast(`เปิดตัวจำลองไม่สำเร็จ: ${error.message}`));
})();
