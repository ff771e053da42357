// つなぎ: a little progressive enhancement. Every page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Print buttons (the dossier is read on paper before the first joint visit).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // The timeline loads its next page when its "more" link scrolls into view.
  const loadMore = async (link) => {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const response = await fetch(link.dataset.fragment, { credentials: "same-origin" });
    if (!response.ok) { delete link.dataset.loading; return; }
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const list = document.getElementById("timeline-items");
    const more = link.closest(".timeline-more");
    for (const item of holder.querySelectorAll("#timeline-items > li")) list.append(item);
    const next = holder.querySelector(".timeline-more");
    if (next) { more.replaceWith(next); watch(next.querySelector("a[data-fragment]")); }
    else { more.remove(); }
    document.getElementById("timeline-status").textContent =
      `${list.children.length}件を表示しています`;
  };
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) loadMore(entry.target);
  }) : null;
  const watch = (link) => {
    if (!link) return;
    link.addEventListener("click", (event) => { event.preventDefault(); loadMore(link); });
    if (observer) observer.observe(link);
  };
  watch(document.querySelector(".timeline-more a[data-fragment]"));
});

// No visit lost without signal. The visit form keeps what the rep types (a draft, in this
// browser's localStorage, per person and account). Sent without signal, the visit waits in an
// outbox and goes again, by itself, once the phone is back online: the same route, the same
// form_id, which the server takes as the idempotency key, so a resend never records twice.
(() => {
  const signedIn = document.querySelector("form.signed-in[data-user]");
  if (!signedIn || !("localStorage" in window)) return;
  const user = signedIn.dataset.user;
  const DRAFT = `tsunagi.draft:${user}:`;
  const OUTBOX = `tsunagi.outbox:${user}:`;
  const QUEUED_OFFLINE = "オフラインのため下書きを保存しました。電波が戻ったら自動で送信します。";
  const QUEUED_NO_SIGNAL = "電波が届かないため下書きを保存しました。電波が戻ったら自動で送信します。";
  const SENT = "送信しました。電波のないときに保存した訪問を記録しました。";
  const REFUSED = "保存していた訪問を送信できませんでした。内容を確認して、もう一度送信してください。";
  const SIGN_IN = "保存していた訪問はまだ送信していません。サインインし直すと自動で送信します。";

  const read = (key) => {
    try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
  };
  const write = (key, value) => {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch { return false; }
  };
  const csrf = () => document.querySelector("input[name=csrf_token]")?.value ?? "";
  const newFormId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)),
                                     (byte) => byte.toString(16).padStart(2, "0")).join("");
  const fieldsOf = (form) => [...new FormData(form)].filter(([name]) => name !== "csrf_token");

  let status = null;
  const say = (text, kind) => {
    if (!status) {
      status = document.querySelector("[data-outbox-status]");
      if (!status) {
        status = document.createElement("p");
        status.setAttribute("role", "status");
        document.querySelector("main")?.prepend(status);
      }
    }
    status.className = `notice${kind ? ` ${kind}` : ""}`;
    status.hidden = false;
    status.textContent = text;
  };

  const restore = (form, fields) => {
    const values = new Map(fields);
    for (const field of form.elements) {
      if (!field.name || field.type === "hidden" || field.type === "submit") continue;
      if (field.type === "checkbox") field.checked = values.has(field.name);
      else if (values.has(field.name)) field.value = values.get(field.name);
    }
    const details = form.closest("details");
    if (details) details.open = true;
  };

  // The outbox: each visit sent without signal, under its form_id, until the server has it.
  let retry = null, delay = 2000, sending = false;
  const later = () => {
    clearTimeout(retry);
    retry = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
  };
  const send = async (entry) => {
    const body = new URLSearchParams([["csrf_token", csrf()], ...entry.fields]);
    let response;
    try {
      response = await fetch(entry.action, { method: "POST", body, credentials: "same-origin" });
    } catch {
      return { outcome: "offline" };
    }
    const landed = new URL(response.url, location.href);
    if (response.ok && landed.pathname === "/login") return { outcome: "sign-in" };
    if (response.ok && response.redirected && landed.searchParams.get("done")) {
      return { outcome: "sent", landed };
    }
    return { outcome: response.status >= 500 ? "offline" : "refused" };
  };
  const flush = async () => {
    if (sending) return;
    if (!navigator.onLine) { later(); return; }  // and when the phone says it is online
    sending = true;
    try {
      for (const key of Object.keys(localStorage).filter((k) => k.startsWith(OUTBOX))) {
        const entry = read(key);
        if (!entry) { localStorage.removeItem(key); continue; }
        const { outcome } = await send(entry);
        if (outcome === "offline") { later(); return; }
        if (outcome === "sign-in") { say(SIGN_IN, "error"); return; }
        localStorage.removeItem(key);
        if (outcome === "sent") { say(SENT, "success"); continue; }
        write(DRAFT + entry.action, { fields: entry.fields, savedAt: entry.queuedAt });
        const form = document.querySelector(`form[data-outbox][action="${entry.action}"]`);
        if (form) restore(form, entry.fields);
        say(REFUSED, "error");
      }
      delay = 2000;
    } finally {
      sending = false;
    }
  };
  const keep = (form, action) => write(DRAFT + action, { fields: fieldsOf(form),
                                                        savedAt: new Date().toISOString() });
  const queue = (form, text) => {
    const fields = fieldsOf(form);
    const formId = new Map(fields).get("form_id") || newFormId();
    write(OUTBOX + formId, { action: form.getAttribute("action"), fields,
                             queuedAt: new Date().toISOString() });
    localStorage.removeItem(DRAFT + form.getAttribute("action"));
    form.reset();  // ready for the next visit, which gets a key of its own
    form.querySelector("input[name=form_id]").value = newFormId();
    say(text);
    status.scrollIntoView({ block: "center" });
    later();
  };

  // Sent from the form: straight to the server when there is signal (then on to the page
  // it answers with), into the outbox when there is none.
  const submitted = async (form, action) => {
    keep(form, action);
    if (!navigator.onLine) { queue(form, QUEUED_OFFLINE); return; }
    const { outcome, landed } = await send({ action, fields: fieldsOf(form) });
    if (outcome === "offline") { queue(form, QUEUED_NO_SIGNAL); return; }
    if (outcome === "sent") {
      localStorage.removeItem(DRAFT + action);
      location.assign(landed.href);
      return;
    }
    form.submit();  // the server's own page says what is wrong (or asks to sign in again)
  };

  for (const form of document.querySelectorAll("form[data-outbox]")) {
    const action = form.getAttribute("action");
    const draft = read(DRAFT + action);
    if (draft && !form.querySelector("[aria-invalid]")) {
      restore(form, draft.fields);
      say("入力途中の下書きを戻しました。");
    }
    form.addEventListener("input", () => keep(form, action));
    form.addEventListener("change", () => keep(form, action));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.sending) return;  // a second tap while the first is on its way
      form.dataset.sending = "1";
      try { await submitted(form, action); } finally { delete form.dataset.sending; }
    });
  }
  window.addEventListener("online", () => { delay = 2000; flush(); });
  flush();
})();
