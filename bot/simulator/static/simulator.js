// Chat simulator: sends what you do to the server (which signs a real webhook body and
// posts it to /callback) and shows what the bot delivered to the fake Messaging API.
(() => {
  const log = document.getElementById("log");
  const quick = document.getElementById("quick");
  const input = document.getElementById("text");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let after = 0;

  async function send(payload) {
    const res = await fetch("/simulator/api/send", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload),
    });
    if (!res.ok) system("ส่งไม่สำเร็จ (HTTP " + res.status + ")");
    return res.json().catch(() => ({}));
  }

  function scroll() { log.scrollTop = log.scrollHeight; }
  function system(text) {
    const div = document.createElement("div");
    div.className = "system"; div.textContent = text; log.appendChild(div); scroll();
  }
  function row(who, content) {
    const r = document.createElement("div");
    r.className = "row " + who;
    if (who === "bot") { const a = document.createElement("div"); a.className = "mini"; a.textContent = "มผช"; r.appendChild(a); }
    r.appendChild(content); log.appendChild(r); scroll();
    return r;
  }
  function textBubble(who, text) {
    const b = document.createElement("div"); b.className = "bubble"; b.textContent = text;
    b.dataset.role = who === "bot" ? "bot-message" : "user-message";
    row(who, b);
  }

  function act(action) {
    if (!action) return;
    if (action.type === "message") { userSays(action.text); }
    else if (action.type === "postback") {
      if (action.displayText) textBubble("user", action.displayText);
      send({ type: "postback", data: action.data });
    } else if (action.type === "uri") { window.open(action.uri, "_blank", "noopener"); }
  }
  // Send a photo or a file like LINE: the server keeps the bytes in its fake data API and posts the event.
  async function sendUpload(kind, picker) {
    const file = picker.files && picker.files[0];
    picker.value = "";
    if (!file) return;
    textBubble("user", (kind === "image" ? "[รูปภาพ] " : "[ไฟล์] ") + file.name);
    const form = new FormData();
    form.append("kind", kind); form.append("file", file);
    const res = await fetch("/simulator/api/upload", { method: "POST", headers: { "X-CSRFToken": csrf }, body: form });
    if (!res.ok) system("ส่งไม่สำเร็จ (HTTP " + res.status + ")");
  }
  function userSays(text) { textBubble("user", text); send({ type: "text", text }); }

  // --- Flex rendering (readable, not pixel-perfect) ---------------------------------
  const SIZES = { xxs: 11, xs: 12, sm: 13, md: 15, lg: 17, xl: 19, xxl: 22, "3xl": 26, "4xl": 30, "5xl": 34 };
  function flexNode(node) {
    switch (node.type) {
      case "box": {
        const d = document.createElement("div");
        d.className = "fx-box " + (node.layout || "vertical");
        if (node.backgroundColor) d.style.background = node.backgroundColor;
        if (node.paddingAll) d.style.padding = node.paddingAll;
        if (node.cornerRadius) d.style.borderRadius = node.cornerRadius;
        if (node.spacing) d.style.gap = { xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px", xxl: "20px" }[node.spacing] || node.spacing;
        if (node.width) d.style.width = node.width;
        if (node.height) d.style.height = node.height;
        if (node.flex !== undefined) d.style.flex = node.flex;
        (node.contents || []).forEach((c) => d.appendChild(flexNode(c)));
        if (node.action) { d.style.cursor = "pointer"; d.onclick = () => act(node.action); }
        return d;
      }
      case "text": {
        const s = document.createElement("div");
        s.className = "fx-text";
        s.textContent = node.text || (node.contents || []).map((c) => c.text || "").join("");
        s.style.fontSize = (SIZES[node.size] || 15) + "px";
        if (node.weight === "bold") s.style.fontWeight = "700";
        if (node.color) s.style.color = node.color;
        if (node.align) s.style.textAlign = node.align === "end" ? "right" : node.align;
        if (node.flex !== undefined) s.style.flex = node.flex;
        if (node.action) { s.style.cursor = "pointer"; s.onclick = () => act(node.action); }
        return s;
      }
      case "button": {
        const b = document.createElement("button");
        b.type = "button"; b.className = "fx-button " + (node.style || "link");
        b.textContent = (node.action && node.action.label) || "…";
        b.onclick = () => act(node.action);
        return b;
      }
      case "separator": { const h = document.createElement("hr"); h.className = "fx-sep"; return h; }
      case "image": { const i = document.createElement("img"); i.className = "fx-image"; i.src = node.url; i.alt = ""; return i; }
      case "filler": case "spacer": { const f = document.createElement("div"); f.style.flex = 1; return f; }
      case "icon": { const i = document.createElement("span"); i.textContent = "•"; return i; }
      default: { const u = document.createElement("div"); u.textContent = ""; return u; }
    }
  }
  function flexBubble(bubble) {
    const card = document.createElement("div");
    card.className = "flex-bubble";
    for (const part of ["header", "hero", "body", "footer"]) {
      if (!bubble[part]) continue;
      const wrap = document.createElement("div");
      wrap.className = "fx-" + part;
      const style = (bubble.styles || {})[part] || {};
      if (style.backgroundColor) wrap.style.background = style.backgroundColor;
      wrap.appendChild(flexNode(bubble[part]));
      card.appendChild(wrap);
    }
    return card;
  }
  function flexMessage(msg) {
    const holder = document.createElement("div");
    holder.dataset.role = "bot-message";
    holder.dataset.alt = msg.altText;
    const c = msg.contents;
    if (c.type === "carousel") {
      const car = document.createElement("div"); car.className = "carousel";
      c.contents.forEach((b) => car.appendChild(flexBubble(b)));
      holder.appendChild(car);
    } else { holder.appendChild(flexBubble(c)); }
    row("bot", holder);
  }

  function showQuickReplies(msg) {
    quick.innerHTML = "";
    const items = (msg.quickReply && msg.quickReply.items) || [];
    items.forEach((item) => {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = item.action.label;
      b.onclick = () => { quick.innerHTML = ""; act(item.action); };
      quick.appendChild(b);
    });
  }

  function render(msg) {
    if (msg.type === "text") textBubble("bot", msg.text);
    else if (msg.type === "flex") flexMessage(msg);
    else if (msg.type === "location") row("bot", locationCard(msg));
    else if (msg.type === "image") row("bot", botImage(msg));
    else if (msg.type === "template") row("bot", templateCard(msg));
    else if (msg.type === "sticker") textBubble("bot", "[สติกเกอร์]");
    else textBubble("bot", "[" + msg.type + "]");
  }

  // --- Location, image and template messages -----------------------------------------
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }
  function mapLink(label, href) {
    const a = el("a", "", label);
    a.href = href; a.target = "_blank"; a.rel = "noopener"; a.dataset.role = "map-link";
    return a;
  }
  function locationCard(msg) {
    const card = el("div", "location-card");
    card.dataset.role = "bot-message";
    card.appendChild(el("div", "loc-title", msg.title || "ตำแหน่ง"));
    if (msg.address) card.appendChild(el("div", "loc-address", msg.address));
    const lat = Number(msg.latitude), lon = Number(msg.longitude);
    const links = el("div", "loc-links");
    links.appendChild(mapLink("เปิดแผนที่ Google Maps", "https://www.google.com/maps/search/?api=1&query=" + lat + "," + lon));
    links.appendChild(mapLink("OpenStreetMap", "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=17/" + lat + "/" + lon));
    card.appendChild(links);
    return card;
  }
  function botImage(msg) {
    const img = el("img", "bot-image");
    img.src = msg.previewImageUrl || msg.originalContentUrl; img.alt = "รูปภาพจากบอท";
    img.dataset.role = "bot-message";
    return img;
  }
  function templateCard(msg) {
    const t = msg.template || {};
    const holder = el("div", "carousel");
    holder.dataset.role = "bot-message"; holder.dataset.alt = msg.altText || "";
    (t.columns || [t]).forEach((c) => {
      const card = el("div", "flex-bubble fx-body");
      const pic = c.thumbnailImageUrl || c.imageUrl;
      if (pic) { const i = el("img", "fx-image"); i.src = pic; i.alt = ""; card.appendChild(i); }
      if (c.title) card.appendChild(el("div", "fx-text tpl-title", c.title));
      if (c.text) card.appendChild(el("div", "fx-text", c.text));
      (c.actions || (c.action ? [c.action] : [])).forEach((a) => {
        const b = el("button", "fx-button link", a.label || "…");
        b.type = "button"; b.onclick = () => act(a); card.appendChild(b);
      });
      holder.appendChild(card);
    });
    return holder;
  }

  // --- Rich menu: the one registered in the fake API, tapped like LINE's ----------------
  const richPanel = document.getElementById("richmenu-panel");
  const richBar = document.getElementById("richmenu-bar");
  const noRichMenu = richPanel.innerHTML;
  let richMenuId;

  function openRichMenu(open) {
    richPanel.hidden = !open;
    richBar.setAttribute("aria-expanded", String(open));
  }
  function tapRichMenu(action) {
    if (["message", "postback", "uri"].includes(action.type)) act(action);
    else system("แชทจำลองยังไม่รองรับปุ่มแบบ " + action.type + " / not in the simulator yet");
  }
  function percent(part, whole) { return (100 * part / whole) + "%"; }
  function showRichMenu(menu) {
    richPanel.innerHTML = "";
    const img = el("img");
    img.src = menu.image; img.alt = menu.chatBarText; img.dataset.role = "richmenu-image";
    richPanel.appendChild(img);
    menu.areas.forEach((area) => {
      const b = area.bounds, a = area.action;
      const button = el("button", "richmenu-area");
      button.type = "button"; button.dataset.role = "richmenu-area";
      button.title = a.label || a.displayText || a.text || a.uri || a.type;
      button.setAttribute("aria-label", button.title);
      button.style.left = percent(b.x, menu.size.width); button.style.width = percent(b.width, menu.size.width);
      button.style.top = percent(b.y, menu.size.height); button.style.height = percent(b.height, menu.size.height);
      button.onclick = () => tapRichMenu(a);
      richPanel.appendChild(button);
    });
    document.getElementById("richmenu-label").textContent = menu.chatBarText;
    openRichMenu(menu.selected !== false);
  }
  async function loadRichMenu() {
    try {
      const data = await (await fetch("/simulator/api/richmenu")).json();
      const id = data.menu ? data.menu.id : null;
      if (id !== richMenuId) {
        richMenuId = id;
        if (data.menu) showRichMenu(data.menu);
        else { richPanel.innerHTML = noRichMenu; document.getElementById("richmenu-label").textContent = "เมนู"; }
      }
    } catch (e) { /* server restarting: try again */ }
    setTimeout(loadRichMenu, richMenuId ? 5000 : 1500);
  }
  richBar.onclick = () => openRichMenu(richPanel.hidden);

  async function poll() {
    try {
      const res = await fetch("/simulator/api/messages?after=" + after);
      const data = await res.json();
      for (const item of data.items) {
        after = Math.max(after, item.seq);
        if (item.via !== "reply") system(item.via === "push" ? "ข้อความแจ้งเตือน (push)" : "ข้อความประกาศ (multicast)");
        item.messages.forEach(render);
        const last = item.messages[item.messages.length - 1];
        showQuickReplies(last);
      }
    } catch (e) { /* server restarting: try again */ }
    setTimeout(poll, 600);
  }

  document.getElementById("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = ""; quick.innerHTML = "";
    userSays(text);
  });
  document.getElementById("sticker").onclick = () => { textBubble("user", "[สติกเกอร์ 😊]"); send({ type: "sticker" }); };
  document.getElementById("image").onclick = () => document.getElementById("image-file").click();
  document.getElementById("attach").onclick = () => document.getElementById("attach-file").click();
  document.getElementById("image-file").onchange = (e) => sendUpload("image", e.target);
  document.getElementById("attach-file").onchange = (e) => sendUpload("file", e.target);
  document.getElementById("reset").onclick = async () => {
    const data = await send({ type: "reset" });
    document.getElementById("who").textContent = data.user_id;
    log.innerHTML = ""; quick.innerHTML = ""; after = 0;
    system("เริ่มแชทใหม่ในฐานะผู้ใช้ใหม่ (เพิ่มเพื่อน)");
    send({ type: "follow" });
  };

  if (!sessionStorage.getItem("followed-" + document.getElementById("who").textContent)) {
    sessionStorage.setItem("followed-" + document.getElementById("who").textContent, "1");
    system("คุณเพิ่มผู้ช่วย มผช. เป็นเพื่อนแล้ว");
    send({ type: "follow" });
  }
  poll();
  loadRichMenu();
})();
