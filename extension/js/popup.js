// The popup: shows the vault's state and entries, and sends the user's
// choices to the service worker. It decrypts nothing itself.
import {
  $,
  api,
  button,
  copyForAWhile,
  onClick,
  say,
  send,
  showForAWhile,
  targetTab,
} from "./common.js";
import { closeEntry, fillEntry, openEntry, setUpEntryView } from "./entry.js";
import { setUpGenerator } from "./generator.js";

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
  if (state !== "unlocked") {
    closeEntry();
    $("offer").hidden = true;
  }
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
  if (state === "unlocked") {
    await list();
    await showOffer();
    if ($("entry-view").hidden) $("search").focus();
  } else if (state === "locked") {
    $("unlock-pass").focus();
  } else {
    $("create-pass").focus();
  }
}

// The save or update offer the worker keeps for the tab, after a login form
// was submitted there.
async function showOffer() {
  const tab = await targetTab();
  const { offer } = tab?.id ? await send({ type: "offer", tab_id: tab.id }) : { offer: null };
  $("offer").hidden = !offer;
  if (!offer) return;
  $("offer").dataset.tab = tab.id;
  $("offer").dataset.kind = offer.kind;
  $("offer-text").textContent =
    offer.kind === "update"
      ? `Update password for ${offer.title}?`
      : `Save login for ${offer.site}?` + (offer.username ? ` (${offer.username})` : "");
}

async function answerOffer(type) {
  const tab_id = Number($("offer").dataset.tab);
  await send({ type, tab_id });
  $("offer").hidden = true;
  say(type === "save_offer" ? "Saved." : "Not saved.");
  await list();
  $("search").focus();
}

// The list as last drawn, so a refresh that changes nothing leaves the rows
// (and the keyboard focus in them) where they are.
let drawn = "";

async function list() {
  const tab = await targetTab();
  const { entries } = await send({ type: "list", site: tab?.url ?? null, query: $("search").value });
  const key = JSON.stringify(entries);
  if (key === drawn) return;
  drawn = key;
  $("entries").replaceChildren(...entries.map(row));
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
    button("Fill", () => fillEntry(entry)),
    button("Reveal", async () => {
      const { password } = await send({ type: "reveal", entry: entry.id });
      showForAWhile(secret, password);
    }),
    button("Copy", async () => {
      const { password } = await send({ type: "reveal", entry: entry.id, copy: true });
      await copyForAWhile(password, "Password");
    }),
    button("Open", () => openEntry(entry)),
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

function onRefreshClick(id, action) {
  onClick(id, () => action().then(refresh));
}

onRefreshClick("open-host", async () => {
  say("Fetching the vault from the latchkey host…");
  await send({ type: "open_from_host" });
  say("Unlock it with the command line member's passphrase.");
});

onRefreshClick("quick-unlock", async () => {
  say("Asking the latchkey host for the device key…");
  await send({ type: "quick_unlock" });
  say("");
});

onRefreshClick("quick-on", async () => {
  await send({ type: "quick_unlock_on" });
  say("Quick unlock is on.");
});

onRefreshClick("quick-off", async () => {
  await send({ type: "quick_unlock_off" });
  say("Quick unlock is off.");
});

onClick("offer-save", () => answerOffer("save_offer"));
onClick("offer-dismiss", () => answerOffer("dismiss_offer"));

$("open-options").addEventListener("click", () => api.runtime.openOptionsPage());

$("lock").addEventListener("click", () => send({ type: "lock" }).then(refresh));
$("search").addEventListener("input", () => list().catch((e) => say(e.message)));

// The worker locked on its own (the idle timer): show it at once.
api.storage.onChanged.addListener((changes, area) => {
  if (area === "session" && changes.session && !changes.session.newValue) {
    refresh().catch((e) => say(e.message));
  }
});

// The popup page kept open in a tab shows what changed while it was away
// (an offer made, a lock); the toolbar popup is new each time anyway.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh().catch((e) => say(e.message));
});

setUpEntryView(list);
setUpGenerator();
refresh().catch((e) => say(e.message));
