// The first proof: a credential from the wasm vault, filled by the popup's
// fill button into a plain login form, and submitted to the fixture server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startFixtures } from "../fixtures/server.js";
import * as h from "./harness.js";

for (const kind of h.BROWSERS) {
  describe(`${kind}: plain login`, () => {
    let fixtures;
    let session;

    before(async () => {
      fixtures = await startFixtures();
      session = await h.launch(kind);
      const popup = await h.openPopup(session);
      await h.createVault(popup, "correct horse battery staple");
      await h.addEntry(popup, {
        title: "Fixture A",
        username: "alice@example.test",
        password: "S3cret-A!",
        url: `${fixtures.origins.a}/`,
      });
    });

    after(async () => {
      await session?.close();
      await fixtures?.close();
    });

    test("the popup's fill button fills the form and the server gets it", async () => {
      const page = await h.fillPage(session, `${fixtures.origins.a}/plain.html`, "Fixture A");
      await page.waitForFunction(() => document.querySelector("[name=password]").value !== "");
      await page.bringToFront();
      await Promise.all([page.waitForNavigation(), page.click("#submit")]);
      assert.deepEqual(fixtures.received("plain"), [
        { username: "alice@example.test", password: "S3cret-A!" },
      ]);
      await page.close();
    });
  });
}
