// The popup, end to end in Debian's Chromium and Firefox ESR: the entry
// view's one-time codes (checked against this test's own RFC 6238 and
// RFC 4226 values), the generator, edit with history and rollback, the save
// offer after a submit, keyboard use at a narrow width, and the idle lock's
// timer.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startFixtures } from "../fixtures/server.js";
import * as h from "./harness.js";
import { totp } from "./totp.js";

const PASSPHRASE = "correct horse battery staple";
const ALICE = { username: "alice@example.test", password: "S3cret-A!" };
const OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
// RFC 4226 appendix D: "12345678901234567890", counters 0, 1, 2.
const HOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const HOTP_CODES = ["755224", "287082", "359152"];
// The characters latchkey's generator documents as look-alikes.
const LOOK_ALIKES = "0Oo1lI|5S2Z8B`'\",.;:";

// Opens the entry view of the entry with this title with its Open button.
async function openEntry(popup, title) {
  await h.clickRowButton(popup, title, "Open");
  await h.waitVisible(popup, "#entry-view");
}

// Back to the list; the search has the focus once the list is drawn again.
async function back(popup) {
  await popup.click("#view-back");
  await h.waitVisible(popup, "#list-view");
  await popup.waitForFunction(() => document.activeElement?.id === "search");
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent);

// Presses Tab until the control `last` has the focus; every control on the
// way must show a focus ring. Returns what was reached (ids, or tag:text).
async function tabUntil(popup, last) {
  const reached = new Set();
  for (let i = 0; i < 80 && !reached.has(last); i++) {
    await popup.keyboard.press("Tab");
    const seen = await popup.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { key: "(page)", ring: true };
      const style = getComputedStyle(el);
      return {
        key: el.id || `${el.tagName.toLowerCase()}:${el.textContent.trim()}`,
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
      };
    });
    assert.ok(seen.ring, `${seen.key} has no visible focus`);
    assert.notEqual(seen.key, "(page)", `the focus left the page before ${last}`);
    reached.add(seen.key);
  }
  return reached;
}

// storage.session as the popup page sees it: `call` is get, set or remove.
function sessionArea(popup, call, arg) {
  return popup.evaluate(
    (call, arg) => (globalThis.browser ?? globalThis.chrome).storage.session[call](arg),
    call,
    arg,
  );
}

// The badge text of the tab the popup acts on, read in the popup page.
function badgeOfTarget(popup) {
  return popup.evaluate(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const self = await api.tabs.getCurrent();
    const tabs = await api.tabs.query({ windowId: self.windowId });
    const others = tabs.filter((t) => t.id !== self.id);
    others.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
    return api.action.getBadgeText({ tabId: others[0].id });
  });
}

for (const kind of h.BROWSERS) {
  describe(`${kind} popup`, () => {
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
      await h.addEntry(popup, {
        title: "Codes A",
        url: `${A}/otp.html`,
        totp: `otpauth://totp/Fixture:alice?secret=${OTP_SECRET}&issuer=Fixture`,
      });
      await h.addEntry(popup, {
        title: "Counter A",
        url: `${A}/otp.html`,
        totp: `otpauth://hotp/Fixture:hal?secret=${HOTP_SECRET}&counter=0`,
      });
    });

    // Fills the entry into the plain fixture, submits, and returns what the server got.
    async function fillPlain(title) {
      const page = await h.fillPage(session, `${A}/plain.html`, title);
      await page.waitForFunction(() => document.querySelector("[name=password]").value !== "");
      await h.submit(fixtures, page, "plain");
      await page.close();
      return fixtures.received("plain").at(-1);
    }

    after(async () => {
      await session?.close();
      await fixtures?.close();
    });

    test("TOTP: the code shown is RFC 6238's, with the seconds left", async () => {
      const popup = await h.openPopup(session);
      await openEntry(popup, "Codes A");
      await popup.waitForFunction(() =>
        /^\d{6}$/.test(document.getElementById("otp-code").textContent),
      );
      const now = Date.now() / 1000;
      const code = await text(popup, "#otp-code");
      const left = Number((await text(popup, "#otp-left")).match(/^(\d+) s left$/)[1]);
      assert.ok([totp(OTP_SECRET, now), totp(OTP_SECRET, now - 30)].includes(code), code);
      const expected = 30 - (Math.floor(now) % 30);
      // The ring is redrawn once a second, so it may show the second before;
      // across a period's end that is 1 against 30 (one step on the 30-cycle).
      const apart = Math.abs(left - expected) % 30;
      assert.ok(Math.min(apart, 30 - apart) <= 1, `${left} vs ${expected}`);
      assert.equal(await popup.$eval("#otp-copy", (b) => b.hidden), false);
      assert.equal(await popup.$eval("#otp-ring", (r) => r.hidden), false);
      await back(popup);
    });

    test("HOTP: next code and the fill advance the counter", async () => {
      const popup = await h.openPopup(session);
      await openEntry(popup, "Counter A");
      await h.waitVisible(popup, "#otp-next");
      for (const expected of HOTP_CODES.slice(0, 2)) {
        await popup.evaluate(() => (document.getElementById("otp-code").textContent = ""));
        await popup.click("#otp-next");
        await popup.waitForFunction(() => document.getElementById("otp-code").textContent !== "");
        assert.equal(await text(popup, "#otp-code"), expected);
      }
      await back(popup);

      const page = await h.fillPage(session, `${A}/otp.html`, "Counter A");
      await page.waitForFunction(() =>
        [...document.querySelectorAll(".otp input")].every((i) => i.value),
      );
      await h.submit(fixtures, page, "otp");
      assert.equal(fixtures.received("otp").at(-1).code, HOTP_CODES[2]);
      await page.close();

      await openEntry(await h.openPopup(session), "Counter A");
      await popup.click("#view-history");
      await popup.waitForFunction(() => document.querySelectorAll("#versions li").length === 4);
      await back(popup);
    });

    test("generator: length, classes and look-alikes; passphrase; use", async () => {
      const popup = await h.openPopup(session);
      await popup.evaluate(() => (document.getElementById("generator").open = true));
      await popup.$eval("#gen-length", (el) => (el.value = ""));
      await popup.type("#gen-length", "31");
      await popup.click("#gen-upper");
      await popup.click("#gen-symbols");
      await popup.click("#gen-alike");
      for (let i = 0; i < 5; i++) {
        await popup.click("#gen-make");
        await popup.waitForFunction(
          () => document.getElementById("gen-output").textContent.length === 31,
        );
        const made = await text(popup, "#gen-output");
        const allowed = [..."abcdefghijklmnopqrstuvwxyz0123456789"].filter(
          (c) => !LOOK_ALIKES.includes(c),
        );
        assert.ok([...made].every((c) => allowed.includes(c)), made);
        assert.ok(/[a-z]/.test(made) && /[0-9]/.test(made), made);
        await popup.evaluate(() => (document.getElementById("gen-output").textContent = ""));
      }

      await popup.click("#gen-passphrase");
      await popup.$eval("#gen-words", (el) => (el.value = ""));
      await popup.type("#gen-words", "4");
      await popup.$eval("#gen-separator", (el) => (el.value = ""));
      await popup.type("#gen-separator", "_");
      await popup.click("#gen-make");
      await popup.waitForFunction(() =>
        document.getElementById("gen-output").textContent.includes("_"),
      );
      const phrase = await text(popup, "#gen-output");
      assert.equal(phrase.split("_").length, 4, phrase);
      assert.ok(phrase.split("_").every((w) => /^\p{L}+$/u.test(w)), phrase);

      await popup.click("#gen-use");
      assert.equal(await popup.$eval("#add-password", (el) => el.value), phrase);
      await popup.type("#add-title", "Generated");
      await popup.click("#add button[type=submit]");
      await popup.waitForFunction(() =>
        [...document.querySelectorAll("#entries .name")].some((n) => n.textContent === "Generated"),
      );
      await openEntry(popup, "Generated");
      await popup.click("#view-reveal");
      await h.waitVisible(popup, "#view-secret");
      assert.equal(await text(popup, "#view-secret"), phrase);
      await back(popup);
      await popup.evaluate(() => (document.getElementById("generator").open = false));
    });

    test("edit keeps the rest; history has two versions; rollback fills the old one", async () => {
      const popup = await h.openPopup(session);
      await openEntry(popup, "Fixture A");
      await popup.click("#view-edit");
      await h.waitVisible(popup, "#edit");
      await popup.type("#edit-password", "N3w-pass!");
      await popup.click("#edit button[type=submit]");
      await popup.waitForFunction(() =>
        /Saved the changes/.test(document.getElementById("status").textContent),
      );
      await popup.click("#view-history");
      await popup.waitForFunction(() => document.querySelectorAll("#versions li").length === 2);
      await back(popup);
      const edited = await fillPlain("Fixture A");
      assert.deepEqual(edited, { username: ALICE.username, password: "N3w-pass!" });

      await openEntry(await h.openPopup(session), "Fixture A");
      await popup.click("#view-history");
      const rollback = await popup.waitForSelector("#versions li[data-version='1'] button");
      await rollback.click();
      await popup.waitForFunction(() => document.querySelectorAll("#versions li").length === 3);
      assert.match(await text(popup, "#versions li[data-version='3']"), /rollback to version 1/);
      await back(popup);
      const old = await fillPlain("Fixture A");
      assert.deepEqual(old, ALICE);
    });

    // Types a login into the plain fixture by hand and submits it, then
    // brings the page and the popup (acting on it) to the front.
    async function typeAndSubmit(username, password) {
      const page = await session.browser.newPage();
      await page.goto(`${A}/plain.html`);
      await page.type("[name=username]", username);
      await page.type("[name=password]", password);
      await h.submit(fixtures, page, "plain");
      await page.bringToFront();
      return { page, popup: await h.openPopup(session) };
    }

    test("save offer after a submit: badge, popup, save, fill", async () => {
      const { page, popup } = await typeAndSubmit("dave", "Fresh-1!");
      await h.waitVisible(popup, "#offer");
      assert.equal(await text(popup, "#offer-text"), "Save login for 127.0.0.1? (dave)");
      assert.equal(await badgeOfTarget(popup), "+");
      await popup.click("#offer-save");
      await popup.waitForFunction(() => document.getElementById("offer").hidden);
      assert.equal(await badgeOfTarget(popup), "");
      await page.close();
      const saved = await fillPlain("127.0.0.1 — dave");
      assert.deepEqual(saved, { username: "dave", password: "Fresh-1!" });

      // The same login again is known: no offer.
      const known = await typeAndSubmit("dave", "Fresh-1!");
      await h.sleep(500);
      assert.equal(await known.popup.$eval("#offer", (el) => el.hidden), true);
      assert.equal(await badgeOfTarget(known.popup), "");
      await known.page.close();

      // A changed password offers an update.
      const changed = await typeAndSubmit("dave", "Fresh-2!");
      await h.waitVisible(popup, "#offer");
      assert.equal(await text(popup, "#offer-text"), "Update password for 127.0.0.1?");
      assert.equal(await badgeOfTarget(popup), "*");
      await popup.click("#offer-dismiss");
      await popup.waitForFunction(() => document.getElementById("offer").hidden);
      await changed.page.close();
    });

    test("a same-origin frame's submit offers to save", async () => {
      const page = await session.browser.newPage();
      await page.goto(`${A}/frame-same.html`);
      const frame = await (await page.waitForSelector("#login")).contentFrame();
      await frame.waitForSelector("[name=password]");
      await frame.type("[name=username]", "erin");
      await frame.type("[name=password]", "framed-2");
      await h.submit(fixtures, frame, "frame-same");
      await page.bringToFront();
      const popup = await h.openPopup(session);
      await h.waitVisible(popup, "#offer");
      assert.equal(await text(popup, "#offer-text"), "Save login for 127.0.0.1? (erin)");
      await popup.click("#offer-dismiss");
      await popup.waitForFunction(() => document.getElementById("offer").hidden);
      await page.close();
    });

    test("a password the page planted and submitted by script makes no offer", async () => {
      const page = await session.browser.newPage();
      await page.goto(`${A}/script-submit.html`);
      const deadline = Date.now() + 10_000;
      while (fixtures.received("script-submit").length === 0) {
        if (Date.now() > deadline) throw new Error("the page did not submit");
        await h.sleep(50);
      }
      await h.sleep(1000);
      await page.bringToFront();
      const popup = await h.openPopup(session);
      await h.waitVisible(popup, "#list-view");
      await h.sleep(500);
      assert.equal(await popup.$eval("#offer", (el) => el.hidden), true);
      assert.equal(await badgeOfTarget(popup), "");
      await page.close();
    });

    test("a cross-origin frame's submit makes no offer", async () => {
      const page = await session.browser.newPage();
      await page.goto(`${A}/frame-cross.html`);
      const frame = await (await page.waitForSelector("#login")).contentFrame();
      await frame.waitForSelector("[name=password]");
      await frame.type("[name=username]", "mallory");
      await frame.type("[name=password]", "framed-1");
      await h.submit(fixtures, frame, "frame-cross");
      await h.sleep(1000);
      await page.bringToFront();
      const popup = await h.openPopup(session);
      await h.waitVisible(popup, "#list-view");
      await h.sleep(500);
      assert.equal(await popup.$eval("#offer", (el) => el.hidden), true);
      assert.equal(await badgeOfTarget(popup), "");
      await page.close();
    });

    test("keyboard: search focused on open, every control by Tab with a focus ring", async () => {
      const popup = await h.openPopup(session);
      await popup.setViewport({ width: 400, height: 700 });
      await popup.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
      await popup.waitForFunction(() => document.activeElement?.id === "search");
      // Let the refreshes the page started settle before walking with Tab.
      await h.sleep(500);
      await popup.focus("#search");

      // Shift+Tab from the search reaches the one control above it.
      await popup.keyboard.down("Shift");
      await popup.keyboard.press("Tab");
      await popup.keyboard.up("Shift");
      assert.equal(await popup.evaluate(() => document.activeElement?.id), "lock");
      await popup.keyboard.press("Tab");

      const reached = await tabUntil(popup, "summary:Settings");
      reached.add("lock");
      for (const control of ["lock", "button:Fill", "button:Open", "summary:Add an entry",
        "summary:Password generator", "summary:Settings"]) {
        assert.ok(reached.has(control), `${control} is not reached by Tab: ${[...reached]}`);
      }

      // Enter on a row's Open shows the entry; its controls are all on the Tab path.
      await popup.evaluate(() => {
        const rows = [...document.querySelectorAll("#entries li")];
        const name = (li) => li.querySelector(".name").textContent;
        const codes = rows.find((li) => name(li).startsWith("Codes A"));
        [...codes.querySelectorAll("button")].find((b) => b.textContent === "Open").focus();
      });
      await popup.keyboard.press("Enter");
      await h.waitVisible(popup, "#entry-view");
      await h.waitVisible(popup, "#otp-copy");
      await popup.focus("#view-back");
      const inView = await tabUntil(popup, "view-history");
      for (const control of ["otp-copy", "view-fill", "view-reveal", "view-copy", "view-edit"]) {
        assert.ok(inView.has(control), `${control} is not reached by Tab: ${[...inView]}`);
      }
      const wide = await popup.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(wide <= 0, `the entry view scrolls sideways by ${wide}px`);
      await popup.focus("#view-back");
      await popup.keyboard.press(" ");
      await h.waitVisible(popup, "#list-view");

      // Enter on the generator's summary opens it; Space ticks a box.
      await popup.focus("#generator summary");
      await popup.keyboard.press("Enter");
      await popup.waitForFunction(() => document.getElementById("generator").open);
      // Space picks the password kind (the test before left passphrases on).
      await popup.focus("#gen-password");
      await popup.keyboard.press(" ");
      await h.waitVisible(popup, "#gen-password-opts");
      await popup.focus("#generator summary");
      const inGenerator = await tabUntil(popup, "gen-make");
      for (const control of ["gen-password", "gen-length", "gen-lower", "gen-alike"]) {
        assert.ok(inGenerator.has(control), `${control} is not reached: ${[...inGenerator]}`);
      }
      const ticked = () => popup.$eval("#gen-alike", (el) => el.checked);
      const before = await ticked();
      await popup.focus("#gen-alike");
      await popup.keyboard.press(" ");
      assert.equal(await ticked(), !before);
      await popup.keyboard.press(" ");
      await popup.evaluate(() => (document.getElementById("generator").open = false));

      await popup.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = true;
      });
      const wideList = await popup.evaluate(
        () => document.documentElement.scrollWidth - innerWidth,
      );
      assert.ok(wideList <= 0, `the list scrolls sideways by ${wideList}px`);
      await popup.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = false;
      });
    });

    test("idle lock on a timer, with the test knob set short", async () => {
      const popup = await h.openPopup(session);
      await sessionArea(popup, "set", { idle_limit_ms: 3000 });
      // Nothing is sent to the worker meanwhile: only its timer can lock.
      await h.sleep(5000);
      const kept = await sessionArea(popup, "get", "session");
      assert.deepEqual(kept, {}, "the unlocked session left storage.session");
      await h.waitVisible(popup, "#unlock");
      await sessionArea(popup, "remove", "idle_limit_ms");
      await h.unlock(popup, PASSPHRASE);
    });

    const chromiumOnly = { skip: kind !== "chromium" };
    test("a vault that fails its integrity check says so", chromiumOnly, async () => {
      // Last: it spoils this browser's vault. Chromium only, because the
      // worker reads storage.local when it starts and only Chromium's driver
      // can stop it so that it starts again.
      const popup = await h.openPopup(session);
      await popup.click("#lock");
      await h.waitVisible(popup, "#unlock");
      await popup.evaluate(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const { store } = await api.storage.local.get("store");
        const stored = JSON.parse(store);
        // A head far past the vault's own: what a store that dropped the
        // newest records (a rollback) looks like to this device.
        stored.head += 1000;
        await api.storage.local.set({ store: JSON.stringify(stored) });
      });
      const worker = session.browser
        .targets()
        .find((t) => t.type() === "service_worker" && t.url().startsWith(session.base));
      const stopped = new Promise((resolve) => {
        session.browser.on("targetdestroyed", (t) => t === worker && resolve());
      });
      const cdp = await popup.createCDPSession();
      await cdp.send("ServiceWorker.enable");
      await cdp.send("ServiceWorker.stopAllWorkers");
      await cdp.detach();
      await stopped;
      await popup.reload();
      await h.waitVisible(popup, "#unlock");
      await popup.type("#unlock-pass", PASSPHRASE);
      await popup.click("#unlock button[type=submit]");
      await h.waitVisible(popup, "#alert");
      assert.match(await text(popup, "#alert"), /failed its integrity check/);
      assert.equal(await popup.$eval("#vault", (el) => el.hidden), true);
    });
  });
}
