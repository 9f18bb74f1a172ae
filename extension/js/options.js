// The options page: pairing with the native host. The code goes to the
// service worker, which runs the handshake; this page only shows the result.
import { $, send } from "./common.js";

// This page has no integrity alert of its own (it shows no vault), so its
// news always goes to the status line.
function say(text) {
  $("status").textContent = text;
}

async function refresh() {
  const host = await send({ type: "host_status" });
  let text;
  if (!host.installed) text = host.message;
  else if (!host.paired) text = `Host ${host.host_version} is installed; this browser is not paired yet.`;
  else text = `Paired with host ${host.host_version}. ${host.message}`.trim();
  $("host-state").textContent = text;
  $("host-state").dataset.state = host.installed ? (host.paired ? "paired" : "unpaired") : "missing";
  $("unpair").hidden = !host.paired;
}

$("pair").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = $("pair-code").value;
  $("pair-code").value = "";
  say("Pairing…");
  send({ type: "pair", code })
    .then(() => say("Paired with the latchkey host."))
    .then(refresh)
    .catch((e) => say(e.message));
});

$("unpair").addEventListener("click", () => {
  send({ type: "unpair" })
    .then(() => say("This browser forgot the pairing; revoke it on the host with `latchkey pairings revoke`."))
    .then(refresh)
    .catch((e) => say(e.message));
});

$("recheck").addEventListener("click", () => {
  $("host-state").dataset.state = "";
  $("host-state").textContent = "Asking the host…";
  refresh().catch((e) => ($("host-state").textContent = e.message));
});

refresh().catch((e) => ($("host-state").textContent = e.message));
