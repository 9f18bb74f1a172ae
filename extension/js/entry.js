// The entry view: one-time code with its countdown ring, fill, reveal,
// copy, edit (only the fields changed are sent) and history with rollback.
import {
  $,
  copyForAWhile,
  onClick,
  say,
  send,
  showForAWhile,
  targetTab,
} from "./common.js";

let current = null; // the entry shown: its overview from the list
let ticker = null; // the countdown's interval
let onBack = () => {};

export async function fillEntry(entry) {
  const tab = await targetTab();
  if (!tab?.id) throw new Error("There is no tab to fill.");
  await send({ type: "fill", entry: entry.id, tab_id: tab.id });
  say(`Filling ${entry.title} into the page.`);
}

function stopTicker() {
  clearInterval(ticker);
  ticker = null;
}

// Draws the ring: the share of the period still left.
function drawRing(left, period) {
  const share = period > 0 ? (100 * left) / period : 0;
  $("otp-ring").querySelector(".left").style.strokeDasharray = `${share} 100`;
  $("otp-left").textContent = period > 0 ? `${left} s left` : "";
}

// A TOTP code from the worker; the ring counts down the seconds the core
// said were left, and the code is asked for again when they run out.
async function showTotp(entry) {
  const code = await send({ type: "code", entry: entry.id });
  if (current !== entry) return;
  $("otp-code").textContent = code.code;
  $("otp-copy").hidden = false;
  let left = code.seconds_left;
  drawRing(left, code.period);
  stopTicker();
  ticker = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      stopTicker();
      showTotp(entry).catch((e) => say(e.message));
    } else {
      drawRing(left, code.period);
    }
  }, 1000);
}

async function showOtp(entry) {
  $("otp").hidden = !entry.has_totp;
  $("otp-code").textContent = "";
  $("otp-copy").hidden = true;
  $("otp-next").hidden = true;
  drawRing(0, 0);
  if (!entry.has_totp) return;
  const { kind } = await send({ type: "code", entry: entry.id });
  if (kind === "hotp") {
    $("otp-ring").hidden = true;
    $("otp-next").hidden = false;
  } else {
    $("otp-ring").hidden = false;
    await showTotp(entry);
  }
}

export async function openEntry(entry) {
  current = entry;
  $("list-view").hidden = true;
  $("entry-view").hidden = false;
  $("edit").hidden = true;
  $("history").hidden = true;
  $("view-secret").hidden = true;
  $("view-title").textContent = entry.title;
  $("view-username").textContent = entry.username ? `Username: ${entry.username}` : "No username";
  $("view-urls").textContent = entry.urls.length ? `Websites: ${entry.urls.join(", ")}` : "";
  $("view-fill").focus();
  await showOtp(entry);
}

export function closeEntry() {
  stopTicker();
  current = null;
  $("entry-view").hidden = true;
  $("list-view").hidden = false;
}

function openEdit() {
  const e = current;
  $("edit-title").value = e.title;
  $("edit-username").value = e.username;
  $("edit-password").value = "";
  $("edit-url").value = e.urls[0] ?? "";
  $("edit-totp").value = "";
  $("edit").hidden = false;
  $("edit-title").focus();
}

// Only what differs from the entry as shown is sent; the rest is kept by
// the vault itself.
function changes() {
  const e = current;
  const out = {};
  const title = $("edit-title").value;
  const username = $("edit-username").value;
  const url = $("edit-url").value.trim();
  if (title !== e.title) out.title = title;
  if (username !== e.username) out.username = username;
  if ($("edit-password").value) out.password = $("edit-password").value;
  if (url !== (e.urls[0] ?? "")) out.urls = url ? [url, ...e.urls.slice(1)] : e.urls.slice(1);
  if ($("edit-totp").value.trim()) out.totp = $("edit-totp").value.trim();
  return out;
}

function when(unix) {
  return new Date(unix * 1000).toLocaleString();
}

async function showHistory() {
  const e = current;
  const { versions } = await send({ type: "history", entry: e.id });
  const items = versions.map((v) => {
    const li = document.createElement("li");
    li.dataset.version = v.version;
    const what = v.change === "rollback" ? `rollback to version ${v.from}` : v.change;
    li.append(`Version ${v.version}: ${what}, ${when(v.time)} — ${v.title}`);
    if (v.latest) {
      li.append(" (current)");
    } else if (v.change !== "delete") {
      const back = document.createElement("button");
      back.type = "button";
      back.textContent = `Roll back to version ${v.version}`;
      back.addEventListener("click", () =>
        rollback(e, v.version).catch((err) => say(err.message)),
      );
      li.append(" ", back);
    }
    return li;
  });
  $("versions").replaceChildren(...items);
  $("history").hidden = false;
}

async function rollback(entry, version) {
  await send({ type: "rollback", entry: entry.id, version });
  say(`${entry.title} is back at version ${version} (kept as a new version).`);
  await reloaded(entry.id);
  await showHistory();
}

// Shows the entry again as the vault now has it.
async function reloaded(id) {
  const { entries } = await send({ type: "list", query: "" });
  const fresh = entries.find((x) => x.id === id);
  if (fresh) await openEntry(fresh);
  onBack();
}

export function setUpEntryView(refreshList) {
  onBack = refreshList;
  onClick("view-back", async () => {
    closeEntry();
    await refreshList();
    $("search").focus();
  });
  onClick("view-fill", () => fillEntry(current));
  onClick("view-reveal", async () => {
    const { password } = await send({ type: "reveal", entry: current.id });
    showForAWhile($("view-secret"), password);
  });
  onClick("view-copy", async () => {
    const { password } = await send({ type: "reveal", entry: current.id, copy: true });
    await copyForAWhile(password, "Password");
  });
  onClick("otp-copy", () => copyForAWhile($("otp-code").textContent, "Code"));
  onClick("otp-next", async () => {
    const { code } = await send({ type: "next_code", entry: current.id });
    $("otp-code").textContent = code;
    $("otp-copy").hidden = false;
  });
  onClick("view-edit", async () => openEdit());
  onClick("edit-cancel", async () => {
    $("edit").hidden = true;
    $("view-edit").focus();
  });
  onClick("view-history", showHistory);
  $("edit").addEventListener("submit", (event) => {
    event.preventDefault();
    const entry = current;
    const edit = changes();
    if (Object.keys(edit).length === 0) {
      say("Nothing was changed.");
      return;
    }
    send({ type: "edit", entry: entry.id, changes: edit })
      .then(() => {
        say(`Saved the changes to ${edit.title ?? entry.title}.`);
        return reloaded(entry.id);
      })
      .catch((e) => say(e.message));
  });
}
