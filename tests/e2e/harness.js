// Launching Debian's Chromium and Firefox ESR with the built extension in a
// fresh profile, and driving latchkey's popup the way a person would.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CHROME_ID = "gbaebdhpdpjkklhkedkjnnoedbdnpfej";
export const GECKO_ID = "latchkey@latchkey.invalid";
// Firefox gives each add-on a random internal UUID; the profile pins ours so
// the test knows the popup's address.
const FIREFOX_UUID = "6f1d7c0e-3a52-4b8e-9d1f-2c4b5a6e7f80";

// Flags that keep Chromium from reaching anything but 127.0.0.1.
const CHROMIUM_QUIET = [
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--disable-domain-reliability",
  "--disable-features=MediaRouter,OptimizationHints,Translate",
];

export const BROWSERS = (process.env.LATCHKEY_BROWSERS ?? "chromium,firefox").split(",");

async function freshProfile(kind) {
  return fs.mkdtemp(path.join(os.tmpdir(), `latchkey-${kind}-`));
}

// The native host binary `cargo xtask test` built.
export const HOST_BIN = process.env.LATCHKEY_HOST_BIN ?? path.join(ROOT, "target/debug/latchkey");

// Runs the real `latchkey` command line with the browser's environment
// (its throwaway HOME), so it sees what the host the browser starts sees.
export function latchkey(session, args) {
  return new Promise((resolve, reject) => {
    execFile(HOST_BIN, args, { env: session.env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`latchkey ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

// Installs the host for this browser the way a person would, into this
// test's profile: Chromium reads <user-data-dir>/NativeMessagingHosts,
// Firefox reads ~/.mozilla/native-messaging-hosts under the throwaway HOME.
export async function installHost(session) {
  const args =
    session.kind === "chromium"
      ? ["install", "--browser", "chromium", "--profile", session.profile]
      : ["install", "--browser", "firefox"];
  return latchkey(session, args);
}

// `latchkey pair`: returns the code it shows.
export async function pairingCode(session) {
  const out = await latchkey(session, ["pair"]);
  const code = out.match(/\b([0-9A-Z]{4}-[0-9A-Z]{4})\b/)?.[1];
  if (!code) throw new Error(`no pairing code in: ${out}`);
  return code;
}

// Starts a browser with the extension loaded; resolves once its worker runs.
export async function launch(kind, { headless = true } = {}) {
  const profile = await freshProfile(kind);
  // A throwaway HOME: the host's manifest for Firefox and the install
  // record go under it, never under the user's own.
  const home = await freshProfile(`${kind}-home`);
  // The host's own files (pairings, member, vault) too, one set per browser.
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local/share"),
  };
  let browser;
  let base;
  if (kind === "chromium") {
    const extension = path.join(ROOT, "dist/chrome");
    browser = await puppeteer.launch({
      executablePath: process.env.LATCHKEY_CHROMIUM ?? "/usr/bin/chromium",
      headless: false,
      pipe: true,
      userDataDir: profile,
      env,
      ignoreDefaultArgs: ["--disable-extensions"],
      args: [
        ...(headless ? ["--headless=new"] : []),
        ...CHROMIUM_QUIET,
        `--load-extension=${extension}`,
        `--disable-extensions-except=${extension}`,
        ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      ],
    });
    base = `chrome-extension://${CHROME_ID}/`;
    await browser.waitForTarget(
      (t) => t.type() === "service_worker" && t.url().startsWith(base),
      { timeout: 20_000 },
    );
  } else if (kind === "firefox") {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: process.env.LATCHKEY_FIREFOX ?? "/usr/bin/firefox-esr",
      headless,
      userDataDir: profile,
      env,
      extraPrefsFirefox: {
        "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
        "app.update.enabled": false,
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
        "extensions.getAddons.cache.enabled": false,
        "browser.ping-centre.telemetry": false,
      },
    });
    await browser.installExtension(path.join(ROOT, "dist/firefox"));
    base = `moz-extension://${FIREFOX_UUID}/`;
  } else {
    throw new Error(`unknown browser ${kind}`);
  }

  const popup = await firstRunTab(browser, base);
  return {
    kind,
    browser,
    base,
    popup,
    profile,
    env,
    async close() {
      await browser.close();
      await fs.rm(profile, { recursive: true, force: true });
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

// The popup page in a tab of its own: the one latchkey opens on first run.
// It acts on the tab that was active just before it (see popup.js).
function firstRunTab(browser, base) {
  return extensionTab(browser, `${base}popup.html`);
}

// The tab showing this page of the extension, once the extension opened it
// (drivers may not navigate to extension pages themselves).
export async function extensionTab(browser, url) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const page of await browser.pages()) {
      // Firefox's WebDriver BiDi does not report extension URLs to the
      // driver, so the tab is asked where it is.
      const where = await page.evaluate(() => location.href).catch(() => "");
      if (where.startsWith(url)) return page;
    }
    await sleep(200);
  }
  throw new Error(`latchkey did not open ${url}`);
}

export async function openPopup(session) {
  const page = session.popup;
  await page.bringToFront();
  await page.waitForFunction(() => document.getElementById("status") !== null);
  return page;
}

export async function waitVisible(page, selector) {
  await page.waitForSelector(`${selector}:not([hidden])`, { timeout: 20_000 });
}

export async function createVault(popup, passphrase) {
  await waitVisible(popup, "#create");
  await popup.type("#create-pass", passphrase);
  await popup.click("#create button[type=submit]");
  await waitVisible(popup, "#vault");
}

export async function unlock(popup, passphrase) {
  await waitVisible(popup, "#unlock");
  await popup.type("#unlock-pass", passphrase);
  await popup.click("#unlock button[type=submit]");
  await waitVisible(popup, "#vault");
}

export async function addEntry(popup, entry) {
  await waitVisible(popup, "#vault");
  await popup.evaluate(() => (document.getElementById("add-panel").open = true));
  await popup.type("#add-title", entry.title);
  if (entry.username) await popup.type("#add-username", entry.username);
  if (entry.password) await popup.type("#add-password", entry.password);
  if (entry.url) await popup.type("#add-url", entry.url);
  if (entry.totp) await popup.type("#add-totp", entry.totp);
  await popup.click("#add button[type=submit]");
  await popup.waitForFunction(
    (title) => [...document.querySelectorAll("#entries .name")].some((n) => n.textContent.startsWith(title)),
    {},
    entry.title,
  );
}

// Clicks the Fill button of the entry with this title, as a person would,
// then brings the filled page back to the front (a background tab runs no
// animation frames, which the driver's waits rely on).
export async function clickFill(popup, title, page) {
  await popup.evaluate(() => (document.getElementById("status").textContent = ""));
  // The popup redraws its list when it is shown again, which can replace
  // the row between finding its button and clicking it: find it again then.
  for (let attempt = 1; ; attempt++) {
    const handle = await popup.waitForFunction(
      (title) =>
        [...document.querySelectorAll("#entries li")].find((li) =>
          li.querySelector(".name").textContent.startsWith(title),
        ),
      {},
      title,
    );
    try {
      await (await handle.asElement().$("button")).click();
      break;
    } catch (e) {
      if (attempt >= 5 || !/detached|not clickable/.test(e.message)) throw e;
      await sleep(100);
    }
  }
  await popup.waitForFunction(() => /Filling/.test(document.getElementById("status").textContent));
  await page?.bringToFront();
}

// Opens a fixture page, then the popup for it, and fills entry `title` into it.
export async function fillPage(session, url, title) {
  const page = await session.browser.newPage();
  await page.goto(url);
  await page.bringToFront();
  const popup = await openPopup(session);
  await clickFill(popup, title, page);
  return page;
}

// The options page, opened from the popup's settings the way a person
// would; the same tab is brought back each time and asked to check again.
export async function openOptions(session) {
  if (!session.optionsTab) {
    const popup = await openPopup(session);
    await popup.click("#open-options");
    session.optionsTab = await extensionTab(session.browser, `${session.base}options.html`);
  }
  const options = session.optionsTab;
  await options.bringToFront();
  await options.evaluate(() => (document.getElementById("status").textContent = ""));
  await options.click("#recheck");
  await options.waitForFunction(() => document.getElementById("host-state")?.dataset.state);
  return options;
}

// Pairs this browser with the installed host: `latchkey pair`, then the code
// typed into the options page.
export async function pairWithHost(session) {
  const code = await pairingCode(session);
  const options = await openOptions(session);
  await options.type("#pair-code", code);
  await options.click("#pair button[type=submit]");
  await options.waitForFunction(
    () => /^Paired with the latchkey host/.test(document.getElementById("status").textContent),
    { timeout: 30_000 },
  );
}

// Turns quick unlock on from the popup's settings (the vault must be open).
export async function quickUnlockOn(popup) {
  await waitVisible(popup, "#vault");
  await popup.evaluate(() => (document.getElementById("settings").open = true));
  await popup.click("#quick-on");
  await popup.waitForFunction(() => /Quick unlock is on/.test(document.getElementById("status").textContent));
}

// Locks, then unlocks with the device key from the OS store: no passphrase.
export async function quickUnlock(popup) {
  await popup.click("#lock");
  await waitVisible(popup, "#quick-unlock");
  await popup.click("#quick-unlock");
  await waitVisible(popup, "#vault");
}

// Clicks the page's (or frame's) submit button and waits until the fixture
// server has one more submission of this case.
export async function submit(fixtures, target, kase, selector = "#submit") {
  const before = fixtures.received(kase).length;
  await (await target.waitForSelector(selector)).click();
  const deadline = Date.now() + 10_000;
  while (fixtures.received(kase).length === before) {
    if (Date.now() > deadline) throw new Error(`the server got no ${kase} submission`);
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
