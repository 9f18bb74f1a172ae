// latchkey's service worker (Chrome) and background script (Firefox).
// Thin by design: every decision is made by the wasm `Worker`; this file
// only hands it the browser's messages and senders, carries out its replies
// and stores what it asks to be stored.
import init, { Worker } from "./wasm/latchkey_extension.js";

const api = globalThis.browser ?? globalThis.chrome;

// storage.local: the sealed member and the encrypted vault (safe on disk).
// storage.session: the member sealed under a key kept beside it, in memory
// only, so a restarted worker stays unlocked until the browser closes.
const STORE = "store";
const SESSION = "session";

const ready = start();

async function start() {
  await init({ module_or_path: api.runtime.getURL("wasm/latchkey_extension_bg.wasm") });
  const worker = new Worker(api.runtime.id, api.runtime.getURL(""));
  const { [STORE]: stored } = await api.storage.local.get(STORE);
  if (stored) worker.load(stored);
  const { [SESSION]: kept } = await api.storage.session.get(SESSION);
  if (stored && kept?.sealed) {
    const key = Uint8Array.from(kept.key.match(/../g), (h) => parseInt(h, 16));
    try {
      worker.resume(kept.sealed, key, Date.now());
    } catch {
      await api.storage.session.remove(SESSION);
    }
  }
  return worker;
}

// Writes what the worker changed: the store, and the session kept in memory.
async function persist(worker) {
  const store = worker.takeChanges();
  if (store) await api.storage.local.set({ [STORE]: store });
  const change = worker.takeSessionChange();
  if (change) {
    const session = JSON.parse(change);
    if (session.locked) await api.storage.session.remove(SESSION);
    else await api.storage.session.set({ [SESSION]: session });
  }
}

// The browser's sender, passed on as it came: the worker reads the page's
// origin from here, never from the message.
function senderOf(sender) {
  return JSON.stringify({
    id: sender.id,
    url: sender.url,
    origin: sender.origin,
    tab: sender.tab ? { id: sender.tab.id, url: sender.tab.url } : undefined,
    frameId: sender.frameId,
    documentId: sender.documentId,
  });
}

// Offers a pending fill to every frame of the tab; the frames with a login
// form claim it with a message of their own.
async function carryOut(reply) {
  if (reply.type !== "fill_offer") return reply;
  const offer = { type: "fill_offer", request_id: reply.request_id };
  await api.tabs.sendMessage(reply.tab_id, offer).catch(() => {});
  return { type: "fill_started" };
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(async (worker) => {
      const reply = JSON.parse(worker.handle(JSON.stringify(message), senderOf(sender), Date.now()));
      await persist(worker);
      return carryOut(reply);
    })
    .then(sendResponse, (e) => sendResponse({ type: "error", message: String(e) }));
  return true;
});

// The keyboard shortcut and the context menu: the tab comes from the event.
function fillTab(trigger, tab) {
  if (!tab?.id || !tab.url) return;
  ready.then(async (worker) => {
    const reply = JSON.parse(worker.fillTab(trigger, tab.id, tab.url, Date.now()));
    await persist(worker);
    return carryOut(reply);
  });
}

api.commands.onCommand.addListener((command, tab) => {
  if (command === "fill-login") fillTab("command", tab);
});

api.runtime.onInstalled.addListener((details) => {
  // First run: open the popup page in a tab, where the vault is created.
  if (details.reason === "install") api.tabs.create({ url: "popup.html" });
  api.contextMenus.create({
    id: "fill-login",
    title: "Fill login with latchkey",
    contexts: ["editable"],
    documentUrlPatterns: ["http://*/*", "https://*/*"],
  });
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === "fill-login") fillTab("context_menu", tab);
});
