// latchkey's service worker (Chrome) and background script (Firefox).
// Thin by design: every decision is made by the wasm `Worker`; this file
// only hands it the browser's messages and senders and carries out replies.
import init, { Worker } from "./wasm/latchkey_extension.js";

const api = globalThis.browser ?? globalThis.chrome;

const ready = init({ module_or_path: api.runtime.getURL("wasm/latchkey_extension_bg.wasm") }).then(
  () => new Worker(api.runtime.id, api.runtime.getURL("")),
);

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
    .then((worker) => JSON.parse(worker.handle(JSON.stringify(message), senderOf(sender), Date.now())))
    .then(carryOut)
    .then(sendResponse, (e) => sendResponse({ type: "error", message: String(e) }));
  return true;
});

// The keyboard shortcut and the context menu: the tab comes from the event.
function fillTab(trigger, tab) {
  if (!tab?.id || !tab.url) return;
  ready.then((worker) => carryOut(JSON.parse(worker.fillTab(trigger, tab.id, tab.url, Date.now()))));
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
