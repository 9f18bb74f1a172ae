// The popup: shows the vault's state and entries, and sends the user's
// choices to the service worker. It decrypts nothing itself.
const api = globalThis.browser ?? globalThis.chrome;

// How long a revealed password stays visible and a copied one stays on the clipboard.
const REVEAL_MS = 30_000;

const $ = (id) => document.getElementById(id);

async function send(message) {
  const reply = await api.runtime.sendMessage(message);
  if (reply?.type === "error" || reply?.type === "refused") {
    throw new Error(reply.message ?? reply.reason);
  }
  return reply;
}

function say(text) {
  $("status").textContent = text;
}

// The tab the popup acts on. As the toolbar popup that is the active tab; when
// the popup page is open in a tab of its own, it is the tab used just before it.
async function targetTab() {
  const self = await api.tabs.getCurrent();
  if (!self) {
    const [active] = await api.tabs.query({ active: true, currentWindow: true });
    return active;
  }
  const others = (await api.tabs.query({ windowId: self.windowId })).filter((t) => t.id !== self.id);
  others.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  return others[0];
}

function show(state, quick) {
  $("create").hidden = state !== "no_vault";
  $("unlock").hidden = state !== "locked";
  $("vault").hidden = state !== "unlocked";
  $("lock").hidden = state !== "unlocked";
  $("quick-unlock").hidden = !(state === "locked" && quick);
  $("quick-on").hidden = quick;
  $("quick-off").hidden = !quick;
  $("quick-state").textContent = quick
    ? "Quick unlock is on: the device key is in this computer's secure store."
    : "Quick unlock is off: unlocking needs your passphrase.";
}

// The native host's state, shown when something needs the user: not
// installed, not paired, or the OS store locked. Asked after the popup is up.
async function hostLine() {
  const host = await send({ type: "host_status" });
  $("host").textContent = host.message;
  $("host").hidden = !host.message;
  $("host").dataset.state = host.installed ? (host.paired ? "paired" : "unpaired") : "missing";
}

async function refresh() {
  const { state, quick_unlock: quick, paired } = await send({ type: "status" });
  show(state, quick);
  $("from-host").hidden = !(state === "no_vault" && paired);
  hostLine().catch((e) => {
    $("host").textContent = e.message;
    $("host").hidden = false;
  });
  if (state === "unlocked") await list();
  else if (state === "locked") $("unlock-pass").focus();
  else $("create-pass").focus();
}

async function list() {
  const tab = await targetTab();
  const { entries } = await send({ type: "list", site: tab?.url ?? null, query: $("search").value });
  $("entries").replaceChildren(...entries.map(row));
}

function button(label, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => action(b).catch((e) => say(e.message)));
  return b;
}

function row(entry) {
  const li = document.createElement("li");
  li.dataset.entry = entry.id;
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = entry.username ? `${entry.title} — ${entry.username}` : entry.title;
  li.append(name);
  if (entry.for_site) {
    const site = document.createElement("span");
    site.className = "site";
    site.textContent = "this site";
    li.append(site);
  }
  const secret = document.createElement("output");
  secret.className = "secret";
  secret.hidden = true;

  li.append(
    button("Fill", async () => {
      const tab = await targetTab();
      if (!tab?.id) throw new Error("There is no tab to fill.");
      await send({ type: "fill", entry: entry.id, tab_id: tab.id });
      say(`Filling ${entry.title} into the page.`);
    }),
    button("Reveal", async () => {
      const { password } = await send({ type: "reveal", entry: entry.id });
      secret.textContent = password;
      secret.hidden = false;
      setTimeout(() => {
        secret.textContent = "";
        secret.hidden = true;
      }, REVEAL_MS);
    }),
    button("Copy", async () => {
      const { password } = await send({ type: "reveal", entry: entry.id, copy: true });
      await navigator.clipboard.writeText(password);
      say("Password copied; the clipboard is cleared in 30 seconds.");
      setTimeout(async () => {
        // Cleared only if it still holds what we put there.
        const now = await navigator.clipboard.readText().catch(() => password);
        if (now === password) await navigator.clipboard.writeText("");
      }, REVEAL_MS);
    }),
    secret,
  );
  return li;
}

function onSubmit(form, action) {
  $(form).addEventListener("submit", (event) => {
    event.preventDefault();
    action().then(refresh).catch((e) => say(e.message));
  });
}

onSubmit("create", async () => {
  say("Deriving the key from your passphrase…");
  const passphrase = $("create-pass").value;
  $("create-pass").value = "";
  await send({ type: "create_vault", name: $("create-name").value, passphrase });
  say("Vault created.");
});

onSubmit("unlock", async () => {
  say("Deriving the key from your passphrase…");
  const passphrase = $("unlock-pass").value;
  $("unlock-pass").value = "";
  await send({ type: "unlock", passphrase });
  say("");
});

onSubmit("add", async () => {
  const url = $("add-url").value.trim();
  const totp = $("add-totp").value.trim();
  const entry = {
    title: $("add-title").value,
    username: $("add-username").value,
    password: $("add-password").value,
    urls: url ? [url] : [],
    totp: totp || null,
  };
  await send({ type: "add_entry", entry });
  $("add").reset();
  $("add-panel").open = false;
  say(`Saved ${entry.title}.`);
});

function onClick(id, action) {
  $(id).addEventListener("click", () => action().then(refresh).catch((e) => say(e.message)));
}

onClick("open-host", async () => {
  say("Fetching the vault from the latchkey host…");
  await send({ type: "open_from_host" });
  say("Unlock it with the command line member's passphrase.");
});

onClick("quick-unlock", async () => {
  say("Asking the latchkey host for the device key…");
  await send({ type: "quick_unlock" });
  say("");
});

onClick("quick-on", async () => {
  await send({ type: "quick_unlock_on" });
  say("Quick unlock is on.");
});

onClick("quick-off", async () => {
  await send({ type: "quick_unlock_off" });
  say("Quick unlock is off.");
});

$("open-options").addEventListener("click", () => api.runtime.openOptionsPage());

$("lock").addEventListener("click", () => send({ type: "lock" }).then(refresh));
$("search").addEventListener("input", () => list().catch((e) => say(e.message)));

// Opened as a tab, the page outlives changes made elsewhere (a pairing in the
// options page, a lock from the shortcut): it looks again when shown.
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) refresh().catch((e) => say(e.message));
});

refresh().catch((e) => say(e.message));
