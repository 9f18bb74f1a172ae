// What the popup's parts share: talking to the service worker, saying
// things to the user, and the tab the popup acts on.
export const api = globalThis.browser ?? globalThis.chrome;

// How long a revealed password stays visible and a copied one stays on the clipboard.
export const REVEAL_MS = 30_000;

export const $ = (id) => document.getElementById(id);

export async function send(message) {
  const reply = await api.runtime.sendMessage(message);
  if (reply?.type === "error" || reply?.type === "refused") {
    throw new Error(reply.message ?? reply.reason);
  }
  return reply;
}

// Ordinary news goes to the status line; a failed integrity check is an
// alert of its own, so it is not mistaken for a typing mistake.
export function say(text) {
  const integrity = /integrity/.test(text);
  $("alert").hidden = !integrity;
  $("alert").textContent = integrity
    ? `${text}. The stored vault may have been changed by someone other than you: ` +
      "do not type secrets into it; restore it from a copy you trust."
    : "";
  $("status").textContent = integrity ? "" : text;
}

// The tab the popup acts on. As the toolbar popup that is the active tab; when
// the popup page is open in a tab of its own, it is the tab used just before it.
export async function targetTab() {
  const self = await api.tabs.getCurrent();
  if (!self) {
    const [active] = await api.tabs.query({ active: true, currentWindow: true });
    return active;
  }
  const others = (await api.tabs.query({ windowId: self.windowId })).filter((t) => t.id !== self.id);
  others.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  return others[0];
}

// A button that runs `action` and says what went wrong, if anything.
export function button(label, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => action(b).catch((e) => say(e.message)));
  return b;
}

export function onClick(id, action) {
  $(id).addEventListener("click", () => action().catch((e) => say(e.message)));
}

// Copies `text`, and clears the clipboard after REVEAL_MS if it still holds it.
export async function copyForAWhile(text, what) {
  await navigator.clipboard.writeText(text);
  say(`${what} copied; the clipboard is cleared in 30 seconds.`);
  setTimeout(async () => {
    const now = await navigator.clipboard.readText().catch(() => text);
    if (now === text) await navigator.clipboard.writeText("");
  }, REVEAL_MS);
}

// Shows a secret in `output` and masks it again after REVEAL_MS.
export function showForAWhile(output, text) {
  output.textContent = text;
  output.hidden = false;
  clearTimeout(output.maskTimer);
  output.maskTimer = setTimeout(() => {
    output.textContent = "";
    output.hidden = true;
  }, REVEAL_MS);
}
