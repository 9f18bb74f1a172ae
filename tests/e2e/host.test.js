// The native host, end to end: the browser starts the real `latchkey`
// binary, installed by its own installer into this test's profile; the
// options page pairs with the code `latchkey pair` prints; quick unlock keeps
// its device key in a real Secret Service (gnome-keyring, started by
// tests/with-secret-service.sh); and a vault unlocked that way fills a form.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startFixtures } from "../fixtures/server.js";
import * as h from "./harness.js";

const ALICE = { username: "alice@example.test", password: "S3cret-A!" };
const PASSPHRASE = "correct horse battery staple";

async function text(page, selector) {
  return page.$eval(selector, (el) => el.textContent);
}

async function waitText(page, selector, pattern) {
  await page.waitForFunction(
    (selector, source) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ""),
    { timeout: 30_000 },
    selector,
    pattern.source,
  );
}

const openOptions = (session) => h.openOptions(session);

async function pair(session, code) {
  const options = await openOptions(session);
  await options.type("#pair-code", code);
  await options.click("#pair button[type=submit]");
  return options;
}

for (const kind of h.BROWSERS) {
  describe(`${kind} with the native host`, () => {
    let fixtures;
    let session;
    let A;

    before(async () => {
      fixtures = await startFixtures();
      ({ a: A } = fixtures.origins);
      session = await h.launch(kind);
      const popup = await h.openPopup(session);
      await h.createVault(popup, PASSPHRASE);
      await h.addEntry(popup, { title: "Fixture A", ...ALICE, url: `${A}/` });
    });

    after(async () => {
      await session?.close();
      await fixtures?.close();
    });

    test("without the host the popup says how to install it", async () => {
      const popup = await h.openPopup(session);
      await h.waitVisible(popup, "#host");
      assert.equal(await popup.$eval("#host", (el) => el.dataset.state), "missing");
      assert.match(await text(popup, "#host"), /not installed.*latchkey install/);
      // Everything else still works: the vault is open and lists its entry.
      await h.waitVisible(popup, "#vault");
    });

    test("the installer puts the host where this browser looks", async () => {
      const out = await h.installHost(session);
      assert.match(out, /installed com\.latchkey\.host/);
      const options = await openOptions(session);
      await waitText(options, "#host-state", /is installed; this browser is not paired/);
          });

    test("a wrong pairing code is refused and burns the real one", async () => {
      const code = await h.pairingCode(session);
      // Same shape, one symbol off.
      const wrong = code.replace(/^./, (c) => (c === "Z" ? "Y" : "Z"));
      const options = await pair(session, wrong);
      await waitText(options, "#status", /pairing failed/i);
            const listed = JSON.parse(await h.latchkey(session, ["--json", "pairings"]));
      assert.deepEqual(listed.pairings, []);
      // The host burnt the code on the failed attempt: the right one fails too.
      const again = await pair(session, code);
      await waitText(again, "#status", /pairing failed/i);
          });

    test("the options page pairs with the code `latchkey pair` shows", async () => {
      const code = await h.pairingCode(session);
      const options = await pair(session, code);
      await waitText(options, "#status", /^Paired with the latchkey host/);
      await waitText(options, "#host-state", /^Paired with host/);
            const listed = JSON.parse(await h.latchkey(session, ["--json", "pairings"]));
      assert.equal(listed.pairings.length, 1);
    });

    test("quick unlock: the device key goes to the OS store, the next unlock needs no passphrase", async () => {
      const popup = await h.openPopup(session);
      await h.waitVisible(popup, "#vault");
      await popup.evaluate(() => (document.getElementById("settings").open = true));
      await popup.click("#quick-on");
      await waitText(popup, "#status", /Quick unlock is on/);

      // The host reports a device key for this member in the Secret Service.
      const options = await openOptions(session);
      await waitText(options, "#host-state", /^Paired with host/);
      
      await popup.bringToFront();
      await popup.click("#lock");
      await h.waitVisible(popup, "#unlock");
      await h.waitVisible(popup, "#quick-unlock");
      await popup.click("#quick-unlock");
      await h.waitVisible(popup, "#vault");

      fixtures.clear();
      const page = await h.fillPage(session, `${A}/plain.html`, "Fixture A");
      await page.waitForFunction(() => document.querySelector("[name=password]").value !== "");
      await (await page.waitForSelector("#submit")).click();
      const deadline = Date.now() + 10_000;
      while (fixtures.received("plain").length === 0 && Date.now() < deadline) await h.sleep(50);
      assert.deepEqual(fixtures.received("plain"), [ALICE]);
      await page.close();
    });

    test("a revoked pairing gets no device key, and the popup says why", async () => {
      const listed = JSON.parse(await h.latchkey(session, ["--json", "pairings"]));
      await h.latchkey(session, ["pairings", "revoke", listed.pairings[0].id]);
      const popup = await h.openPopup(session);
      await popup.click("#lock");
      await h.waitVisible(popup, "#quick-unlock");
      await popup.evaluate(() => (document.getElementById("status").textContent = ""));
      await popup.click("#quick-unlock");
      await waitText(popup, "#status", /not paired/);
      assert.equal(await popup.$eval("#vault", (el) => el.hidden), true);
      // The passphrase still opens it.
      await h.unlock(popup, PASSPHRASE);
    });
  });
}
