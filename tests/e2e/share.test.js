// One vault for the command line and the browser, through the native host:
// the command line creates a member, a vault and an entry; the extension,
// paired with the host, opens that vault as that member and fills the entry;
// an entry added in the extension is written back to the host's vault file,
// where the command line finds it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startFixtures } from "../fixtures/server.js";
import * as h from "./harness.js";

const BOB = { username: "bob@example.test", password: "from-the-command-line" };
const PASSPHRASE = "the command line's passphrase";

// The command line with its passphrase and the new entry's password in variables.
function cli(session, args) {
  session.env.LK_PASS = PASSPHRASE;
  session.env.LK_PW = BOB.password;
  return h.latchkey(session, ["--passphrase-env", "LK_PASS", ...args]);
}

async function submitted(fixtures, kase) {
  const deadline = Date.now() + 10_000;
  while (fixtures.received(kase).length === 0) {
    if (Date.now() > deadline) throw new Error(`the server got no ${kase} submission`);
    await h.sleep(50);
  }
  return fixtures.received(kase);
}

for (const kind of h.BROWSERS) {
  describe(`${kind} sharing the command line's vault`, () => {
    let fixtures;
    let session;
    let A;

    before(async () => {
      fixtures = await startFixtures();
      ({ a: A } = fixtures.origins);
      session = await h.launch(kind);
      await cli(session, ["member-create", "--id", "bob", "--name", "Bob", "--fast-kdf"]);
      await cli(session, ["create", "--name", "Client B"]);
      const url = `${A}/`;
      await cli(session, ["add", "--title", "From CLI", "--username", BOB.username, "--url", url,
        "--password-env", "LK_PW"]);
      await h.installHost(session);
      await h.pairWithHost(session);
    });

    after(async () => {
      await session?.close();
      await fixtures?.close();
    });

    test("first run opens the host's vault with the command line's passphrase and fills", async () => {
      const popup = await h.openPopup(session);
      await popup.bringToFront();
      await h.waitVisible(popup, "#from-host");
      await popup.click("#open-host");
      await h.unlock(popup, PASSPHRASE);
      fixtures.clear();
      const page = await h.fillPage(session, `${A}/plain.html`, "From CLI");
      await page.waitForFunction(() => document.querySelector("[name=password]").value !== "");
      await (await page.waitForSelector("#submit")).click();
      assert.deepEqual(await submitted(fixtures, "plain"), [BOB]);
      await page.close();
    });

    test("an entry added in the browser reaches the command line", async () => {
      const popup = await h.openPopup(session);
      await h.addEntry(popup, { title: "From browser", username: "eve", password: "pw-2", url: `${A}/` });
      const deadline = Date.now() + 20_000;
      let titles = [];
      while (!titles.includes("From browser")) {
        if (Date.now() > deadline) throw new Error(`the command line lists only ${titles}`);
        await h.sleep(250);
        const listed = JSON.parse(await cli(session, ["--json", "list"]));
        titles = (listed.entries ?? listed).map((e) => e.title);
      }
      assert.ok(titles.includes("From CLI"));
    });
  });
}
