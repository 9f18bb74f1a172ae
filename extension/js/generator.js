// The popup's password generator: the options are sent to the service
// worker, whose Rust generator (latchkey-core) makes the password. "Use"
// puts it into the edit form when one is open, else into the add form.
import { $, onClick, send, say } from "./common.js";

function policy() {
  if ($("gen-passphrase").checked) {
    return {
      mode: "passphrase",
      words: Number($("gen-words").value),
      separator: $("gen-separator").value,
      capitalize: $("gen-capitalize").checked,
      include_number: $("gen-number").checked,
    };
  }
  return {
    mode: "password",
    length: Number($("gen-length").value),
    lowercase: $("gen-lower").checked,
    uppercase: $("gen-upper").checked,
    digits: $("gen-digits").checked,
    symbols: $("gen-symbols").checked,
    exclude_look_alikes: $("gen-alike").checked,
  };
}

function showMode() {
  const phrase = $("gen-passphrase").checked;
  $("gen-password-opts").hidden = phrase;
  $("gen-passphrase-opts").hidden = !phrase;
}

export function setUpGenerator() {
  for (const id of ["gen-password", "gen-passphrase"]) $(id).addEventListener("change", showMode);

  onClick("gen-make", async () => {
    const { password, bits } = await send({ type: "generate", policy: policy() });
    $("gen-output").textContent = password;
    $("gen-bits").textContent = `about ${Math.floor(bits)} bits`;
    $("gen-use").disabled = false;
  });

  onClick("gen-use", async () => {
    const editing = !$("edit").hidden && !$("entry-view").hidden;
    if (!editing) $("add-panel").open = true;
    const field = $(editing ? "edit-password" : "add-password");
    field.value = $("gen-output").textContent;
    field.focus();
    say(editing ? "The new password is in the edit form." : "The password is in the add form.");
  });
}
