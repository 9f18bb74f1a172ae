// latchkey's content script: finds login fields and sets the one credential
// the service worker hands it. It decrypts nothing, holds no key, never fills
// on its own, and listens to no message from the page itself.
"use strict";

(() => {
  const api = globalThis.browser ?? globalThis.chrome;

  // A field whose effective opacity is below this is treated as invisible.
  const MIN_OPACITY = 0.2;
  // Smallest width and height, in CSS pixels, of a field a person can see.
  const MIN_SIZE = 4;
  // How long a fill waits for a login form that is still fading in.
  const SETTLE_MS = 1500;

  // --- finding fields ---------------------------------------------------

  // Every <input> of the document, including those inside open shadow roots.
  function allInputs(root = document, out = []) {
    for (const el of root.querySelectorAll("*")) {
      if (el instanceof HTMLInputElement) out.push(el);
      if (el.shadowRoot) allInputs(el.shadowRoot, out);
    }
    return out;
  }

  function hint(el) {
    return (el.getAttribute("autocomplete") || "").toLowerCase().split(/\s+/);
  }

  function describes(el, words) {
    const text = [el.name, el.id, el.getAttribute("aria-label"), el.placeholder]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    return words.some((w) => text.includes(w));
  }

  const TEXTUAL = new Set(["text", "email", "tel", ""]);
  const USER_WORDS = ["user", "login", "email", "mail", "account", "identifier", "name"];

  function isPassword(el) {
    return el.type === "password";
  }

  function isOtp(el) {
    if (hint(el).includes("one-time-code")) return true;
    return TEXTUAL.has(el.type) && el.maxLength === 1 && el.inputMode === "numeric";
  }

  function isUsername(el) {
    if (!TEXTUAL.has(el.type) || isOtp(el)) return false;
    const h = hint(el);
    if (h.includes("username") || h.includes("email")) return true;
    if (h.includes("off") || h.includes("new-password")) return describes(el, USER_WORDS);
    return describes(el, USER_WORDS) || el.type === "email";
  }

  // --- visibility -------------------------------------------------------

  // Each check runs in the element's own document and window, so the same
  // test can be applied to this frame's <iframe> element in its parent.
  function viewOf(el) {
    return el.ownerDocument.defaultView;
  }

  function effectiveOpacity(el) {
    const view = viewOf(el);
    let opacity = 1;
    for (let node = el; node; ) {
      if (node instanceof view.Element) {
        opacity *= parseFloat(view.getComputedStyle(node).opacity || "1");
      }
      node = node.parentNode instanceof view.ShadowRoot ? node.parentNode.host : node.parentNode;
    }
    return opacity;
  }

  function contains(outer, inner) {
    const view = viewOf(inner);
    for (let node = inner; node; ) {
      if (node === outer) return true;
      node = node.parentNode instanceof view.ShadowRoot ? node.parentNode.host : node.parentNode;
    }
    return false;
  }

  // Elements that let clicks through (pointer-events: none) are invisible to
  // hit testing, so an overlay of that kind is looked for separately.
  function clickThroughCover(el, x, y) {
    const view = viewOf(el);
    for (const other of el.ownerDocument.querySelectorAll("body *")) {
      if (contains(other, el) || contains(el, other)) continue;
      const style = view.getComputedStyle(other);
      if (style.pointerEvents !== "none" || style.visibility !== "visible") continue;
      if (style.position !== "fixed" && style.position !== "absolute") continue;
      if (parseFloat(style.opacity) < MIN_OPACITY) continue;
      const r = other.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) {
        return other;
      }
    }
    return null;
  }

  // Visible means a person can see and reach it: displayed, opaque enough,
  // big enough, on screen, and the topmost element at its centre.
  function isVisible(el) {
    if (!el.isConnected || el.disabled || el.readOnly || el.type === "hidden") return false;
    const view = viewOf(el);
    const style = view.getComputedStyle(el);
    if (style.display === "none" || style.visibility !== "visible") return false;
    if (effectiveOpacity(el) < MIN_OPACITY) return false;

    const r = el.getBoundingClientRect();
    if (r.width < MIN_SIZE || r.height < MIN_SIZE) return false;
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= view.innerWidth || y >= view.innerHeight) return false;

    const root = el.getRootNode();
    const top = (root.elementFromPoint ? root : el.ownerDocument).elementFromPoint(x, y);
    if (!top || !(top === el || contains(el, top))) return false;
    return clickThroughCover(el, x, y) === null;
  }

  // A frame is only as visible as the <iframe> that shows it: each frame
  // element up to the top must pass the same test in its parent's document.
  // A parent of another origin cannot be read, and such a frame is never
  // filled anyway (the worker fills only frames of the page's origin).
  function frameVisible() {
    for (let w = window; w !== w.parent; w = w.parent) {
      let element = null;
      try {
        element = w.frameElement;
      } catch {
        return false;
      }
      if (!element || !isVisible(element)) return false;
    }
    return true;
  }

  // --- the form to fill -------------------------------------------------

  // The visible login fields of this frame: a password field (if any), the
  // username field before it (or alone, for identifier-first pages) and the
  // one-time-code inputs.
  function loginFields() {
    if (!frameVisible()) return null;
    const inputs = allInputs().filter(isVisible);
    const passwords = inputs.filter(isPassword);
    const password =
      passwords.find((p) => hint(p).includes("current-password")) ??
      passwords.find((p) => !hint(p).includes("new-password")) ??
      null;

    let username = null;
    const candidates = inputs.filter(isUsername);
    if (password) {
      const before = candidates.filter(
        (u) => u.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
      username = before.at(-1) ?? null;
    } else {
      username =
        candidates.find((u) => hint(u).includes("username")) ??
        (candidates.length === 1 ? candidates[0] : null);
    }
    const otp = inputs.filter(isOtp);
    if (!password && !username && otp.length === 0) return null;
    return { username, password, otp };
  }

  async function settledLoginFields() {
    const deadline = performance.now() + SETTLE_MS;
    for (;;) {
      const fields = loginFields();
      if (fields || performance.now() > deadline) return fields;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // --- setting values ---------------------------------------------------

  const nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;

  // Sets a value the way typing would look to script-driven forms: the native
  // setter (past framework value trackers), then input, change and blur.
  function setValue(el, value, expectPassword) {
    el.focus();
    // The page may swap the field on focus; a swapped-in field gets nothing.
    if (!el.isConnected || isPassword(el) !== expectPassword || !isVisible(el)) return false;
    nativeValue.call(el, value);
    el.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, data: value }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    el.blur();
    return true;
  }

  function fill(fields, credential) {
    let filled = 0;
    if (fields.username && credential.username) {
      filled += setValue(fields.username, credential.username, false);
    }
    if (fields.password && credential.password) {
      filled += setValue(fields.password, credential.password, true);
    }
    if (fields.otp.length > 0 && credential.otp) {
      const code = credential.otp;
      if (fields.otp.length === 1) {
        filled += setValue(fields.otp[0], code, false);
      } else if (fields.otp.length === code.length) {
        fields.otp.forEach((el, i) => (filled += setValue(el, code[i], false)));
      }
    }
    return filled;
  }

  // --- telling the worker a login was submitted -------------------------

  // Whether this frame may offer a login at all: the top frame, or a frame of
  // the top's own origin. The worker decides again from the browser's sender.
  function mayOffer() {
    try {
      return window.top === window || window.top.location.origin === location.origin;
    } catch {
      return false;
    }
  }

  // The value a person last typed into each password field (trusted input
  // events only). A page can submit its own form from script with an event
  // the browser marks trusted (requestSubmit, click()), so a password is
  // offered for saving only when it is still the one the person typed.
  const typed = new WeakMap();
  document.addEventListener(
    "input",
    (event) => {
      const el = event.composedPath()[0];
      if (event.isTrusted && el instanceof HTMLInputElement && isPassword(el)) {
        typed.set(el, el.value);
      }
    },
    true,
  );

  // The username and password of a login form being submitted. A change of
  // password form offers its new password.
  function submittedLogin(form) {
    const inputs = allInputs(form).filter(isVisible);
    const passwords = inputs.filter((i) => isPassword(i) && i.value && typed.get(i) === i.value);
    const password =
      passwords.find((p) => hint(p).includes("new-password")) ?? passwords[0] ?? null;
    if (!password) return null;
    const username = inputs
      .filter((u) => isUsername(u) && u.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING)
      .at(-1);
    return { username: username?.value ?? "", password: password.value };
  }

  // Only a submit the user made (a trusted event), never one a script faked.
  document.addEventListener(
    "submit",
    (event) => {
      if (!event.isTrusted || !mayOffer() || !(event.target instanceof HTMLFormElement)) return;
      const login = submittedLogin(event.target);
      if (!login) return;
      api.runtime.sendMessage({ type: "login_submitted", ...login }).catch(() => {});
    },
    true,
  );

  // --- the one message this script acts on ------------------------------

  // A fill offer comes only from our own service worker (no tab in the
  // sender); this frame claims it only if it has a visible login form, and
  // the credential comes back as the answer to that claim, to this document.
  // An offer is answered once per document: the top frame is asked first and
  // says whether it has a login form; without one it declines (so the worker
  // learns the page's origin) and keeps watching for a form fading in.
  const answered = new Set();
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || sender.tab) return;
    if (message?.type !== "fill_offer" || typeof message.request_id !== "string") return;
    const requestId = message.request_id;
    if (answered.has(requestId)) return;
    answered.add(requestId);
    const hasForm = loginFields() !== null;
    const declined =
      hasForm || window !== window.top
        ? Promise.resolve()
        : api.runtime.sendMessage({ type: "fill_decline", request_id: requestId }).catch(() => {});
    declined.then(() => sendResponse({ has_form: hasForm }));
    claim(requestId);
    return true;
  });

  async function claim(requestId) {
    const fields = await settledLoginFields();
    if (!fields) return;
    const reply = await api.runtime.sendMessage({ type: "fill_claim", request_id: requestId });
    if (reply?.type !== "credential" || reply.origin !== location.origin) return;

    // Checked again at the moment of setting: the fields must still be visible.
    const now = loginFields();
    if (now) fill(now, reply);
  }
})();
