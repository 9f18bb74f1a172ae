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
// storage.local: the pairing with the native host (see host.rs).
const CHANNEL = "channel";
// storage.session: when the vault was last used, so a restarted worker keeps
// the idle clock running instead of starting it again.
const USED = "used";
// storage.session: the test knob, an idle limit shorter than 15 minutes (ms).
// Web pages cannot reach storage.session, nor can content scripts (its
// default access level is trusted contexts); the worker only lets it shorten.
const IDLE_LIMIT = "idle_limit_ms";

const HOST_NAME = "com.latchkey.host";

// The last use written to storage.session, and the idle lock's timeout.
let lastUseKept;
let idleTimer;

const ready = start();

async function start() {
  await init({ module_or_path: api.runtime.getURL("wasm/latchkey_extension_bg.wasm") });
  const worker = new Worker(api.runtime.id, api.runtime.getURL(""));
  const { [STORE]: stored, [CHANNEL]: channel } = await api.storage.local.get([STORE, CHANNEL]);
  if (stored) worker.load(stored);
  if (channel) {
    try {
      worker.loadChannel(channel);
    } catch (e) {
      console.warn(`latchkey: the stored pairing was dropped: ${e}`);
      await api.storage.local.remove(CHANNEL);
    }
  }
  const { [SESSION]: kept, [USED]: used, [IDLE_LIMIT]: limit } = await api.storage.session.get([
    SESSION,
    USED,
    IDLE_LIMIT,
  ]);
  if (typeof limit === "number") worker.setIdleLimit(limit);
  if (stored && kept?.sealed) {
    const key = Uint8Array.from(kept.key.match(/../g), (h) => parseInt(h, 16));
    try {
      worker.resume(kept.sealed, key, typeof used === "number" ? used : Date.now(), Date.now());
    } catch {
      await api.storage.session.remove(SESSION);
    }
  }
  await persist(worker);
  return worker;
}

// The idle lock runs on a timer too, not only when a message comes: a
// timeout for the deadline while the worker is awake. A worker the browser
// stopped checks the last use kept in storage.session when it wakes, so it
// resumes locked once the limit has passed.
function scheduleIdleLock(worker) {
  clearTimeout(idleTimer);
  const deadline = worker.idleDeadline();
  if (deadline === undefined) return;
  idleTimer = setTimeout(
    async () => {
      worker.lockIfIdle(Date.now());
      await persist(worker);
    },
    Math.max(0, deadline - Date.now()) + 50,
  );
}

api.storage.onChanged.addListener((changes, area) => {
  if (area !== "session" || !changes[IDLE_LIMIT]) return;
  ready.then((worker) => {
    const limit = changes[IDLE_LIMIT].newValue;
    worker.setIdleLimit(typeof limit === "number" ? limit : Infinity);
    scheduleIdleLock(worker);
  });
});

// Shows what the worker says about each tab's toolbar badge (a waiting
// save or update offer).
async function showBadges(worker) {
  for (const [tabId, text] of JSON.parse(worker.takeBadges())) {
    await api.action.setBadgeText({ tabId, text }).catch(() => {});
  }
}

// Writes what the worker changed: the store, and the session kept in memory.
async function persist(worker) {
  const store = worker.takeChanges();
  if (store) {
    await api.storage.local.set({ [STORE]: store });
    syncSoon(worker);
  }
  const channel = worker.takeChannelChange();
  if (channel) await api.storage.local.set({ [CHANNEL]: channel });
  else if (channel === "") await api.storage.local.remove(CHANNEL);
  const change = worker.takeSessionChange();
  if (change) {
    const session = JSON.parse(change);
    if (session.locked) await api.storage.session.remove([SESSION, USED]);
    else await api.storage.session.set({ [SESSION]: session });
  }
  const used = worker.lastUse();
  if (worker.idleDeadline() !== undefined && used !== lastUseKept) {
    lastUseKept = used;
    await api.storage.session.set({ [USED]: used });
  }
  await showBadges(worker);
  scheduleIdleLock(worker);
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
async function carryOut(worker, reply) {
  // A host job may lead to the next one (read the member, then the vault).
  while (reply.type === "host") reply = await talkToHost(worker, reply);
  if (reply.type !== "fill_offer") return reply;
  const offer = { type: "fill_offer", request_id: reply.request_id };
  await api.tabs.sendMessage(reply.tab_id, offer).catch(() => {});
  return { type: "fill_started" };
}

// After a change, the open vault and the host's vault file are brought
// together (merged both ways, nothing dropped) in the background, one sync at
// a time; the worker decides whether one is due and what it does.
let syncing = false;
function syncSoon(worker) {
  if (syncing) return;
  syncing = true;
  (async () => {
    let job;
    while ((job = worker.syncJob())) {
      const result = await carryOut(worker, JSON.parse(job));
      if (result.type === "error") console.warn(`latchkey: sync with the host: ${result.message}`);
    }
  })().finally(() => (syncing = false));
}

// Runs one job with the native host on a port of its own: posts the frames
// the worker gives, hands back what arrives, and resolves with the job's
// result. The frames are handshakes and sealed messages; nothing in clear.
function talkToHost(worker, first) {
  return new Promise((resolve) => {
    const job = first.job;
    let port;
    let answered = false;
    let over = false;
    const end = async (reply) => {
      if (over) return;
      over = true;
      try {
        port?.disconnect();
      } catch {}
      await persist(worker);
      resolve(reply);
    };
    const step = (text) => {
      if (text === undefined) {
        return end({ type: "error", message: "latchkey dropped this host job (too many at once); try again" });
      }
      const reply = JSON.parse(text);
      // The result, or the first frames of the job this one leads to (on a port of its own).
      if (reply.type !== "host" || reply.job !== job) return end(reply);
      for (const frame of reply.send) port.postMessage(JSON.parse(frame));
    };
    const gone = (why) =>
      end(JSON.parse(worker.hostGone(job, why, answered, Date.now()) ?? '{"type":"done"}'));
    try {
      port = api.runtime.connectNative(HOST_NAME);
    } catch (e) {
      return gone(String(e?.message ?? e));
    }
    port.onMessage.addListener((message) => {
      answered = true;
      step(worker.hostReceive(job, JSON.stringify(message), Date.now()));
    });
    port.onDisconnect.addListener((p) => {
      gone(p?.error?.message ?? api.runtime.lastError?.message ?? "");
    });
    step(JSON.stringify(first));
  });
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(async (worker) => {
      const reply = JSON.parse(worker.handle(JSON.stringify(message), senderOf(sender), Date.now()));
      await persist(worker);
      return carryOut(worker, reply);
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
    return carryOut(worker, reply);
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

// The browser resets a tab's badge when it navigates (Firefox), as a login
// form's submit usually does: the worker's badge for the tab is shown again.
api.tabs.onUpdated.addListener((tabId, info) => {
  if (info.status !== "complete") return;
  ready.then((worker) => {
    const text = worker.badge(tabId);
    if (text) api.action.setBadgeText({ tabId, text }).catch(() => {});
  });
});

api.tabs.onRemoved.addListener((tabId) => {
  ready.then((worker) => worker.tabClosed(tabId));
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === "fill-login") fillTab("context_menu", tab);
});
