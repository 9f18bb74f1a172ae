// `cargo xtask demo`: Chromium with the built extension on a bundled login
// page. The native host is installed into the throwaway profile by its own
// installer and paired through the options page; a demo vault is created,
// locked, unlocked with its passphrase, quick unlock is turned on (the
// device key goes to the Secret Service `cargo xtask demo` starts), the vault
// is locked and opened again with no passphrase, and the login is filled
// from the popup and submitted. Screenshots of the filled page and of the
// popup go to target/demo/.
import fs from "node:fs/promises";
import path from "node:path";

import { startFixtures } from "./fixtures/server.js";
import * as h from "./e2e/harness.js";

const out = path.join(h.ROOT, "target/demo");
const PASSPHRASE = "demo: correct horse battery staple";

async function main() {
  await fs.mkdir(out, { recursive: true });
  const fixtures = await startFixtures();
  const session = await h.launch("chromium", { headless: !process.env.DISPLAY });
  try {
    const site = fixtures.origins.a;
    const popup = await h.openPopup(session);
    await popup.setViewport({ width: 480, height: 640 });
    console.log("demo: creating a vault (Argon2id and RSA key generation run in wasm)");
    await h.createVault(popup, PASSPHRASE);
    await h.addEntry(popup, {
      title: "Demo login",
      username: "demo@latchkey.test",
      password: "Tr0ub4dor&3-demo",
      url: `${site}/`,
    });
    await popup.click("#lock");
    console.log("demo: locked; unlocking with the passphrase");
    await h.unlock(popup, PASSPHRASE);

    console.log(`demo: ${(await h.installHost(session)).trim()}`);
    await h.pairWithHost(session);
    console.log("demo: paired with the host through the options page");
    await h.openPopup(session);
    await h.quickUnlockOn(popup);
    console.log("demo: quick unlock on; the device key is in the OS secure store");
    await h.quickUnlock(popup);
    console.log("demo: locked and opened again with quick unlock (no passphrase)");

    const page = await session.browser.newPage();
    await page.setViewport({ width: 800, height: 500 });
    await page.goto(`${site}/plain.html`);
    await page.bringToFront();
    await h.openPopup(session);
    await popup.screenshot({ path: path.join(out, "popup.png") });
    const clicked = Date.now();
    await h.clickFill(popup, "Demo login", page);
    await page.waitForFunction(() => document.querySelector("[name=password]").value !== "", {
      polling: 5,
    });
    // Includes the driver's own round trips, so it is an upper bound.
    console.log(`demo: fill button click to filled form: ${Date.now() - clicked} ms`);
    await page.screenshot({ path: path.join(out, "filled.png") });

    await (await page.waitForSelector("#submit")).click();
    await page.waitForSelector("#done");
    const [got] = fixtures.received("plain");
    if (got?.username !== "demo@latchkey.test") throw new Error("the login did not arrive");
    console.log(`demo: the fixture server received the login for ${got.username}`);
    console.log(`demo: screenshots in ${path.relative(h.ROOT, out)}/filled.png and popup.png`);
  } finally {
    await session.close();
    await fixtures.close();
  }
}

main().catch((e) => {
  console.error(`demo: ${e.message}`);
  process.exit(1);
});
