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
  const row = await popup.waitForFunction(
    (title) =>
      [...document.querySelectorAll("#entries li")].find((li) =>
        li.querySelector(".name").textContent.startsWith(title),
      ),
    {},
    title,
  );
  const buttons = await row.asElement().$$("button");
  for (const b of buttons) {
    if ((await b.evaluate((el) => el.textContent)) === "Open") await b.click();
  }
  await h.waitVisible(popup, "#entry-view");
}

async function back(popup) {
  await popup.click("#view-back");
  await h.waitVisible(popup, "#list-view");
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent);

async function fillAndSubmit(session, fixtures, url, title, kase) {
  const page = await h.fillPage(session, url, title);
  await page.waitForFunction(() => document.querySelector("[name=password]").value !== "");
  await h.submit(fixtures, page, kase);
  await page.close();
  return fixtures.received(kase).at(-1);
}

// The badge text of the tab the popup acts on, read in the popup page.
function badgeOfTarget(popup) {
  return popup.evaluate(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const self = await api.tabs.getCurrent();
    const others = (await api.tabs.query({ windowId: self.windowId })).filter((t) => t.id !== self.id);
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

    after(async () => {
      await session?.close();
      await fixtures?.close();
    });

    test("TOTP: the code shown is RFC 6238's, with the seconds left", async () => {
      const popup = await h.openPopup(session);
      await openEntry(popup, "Codes A");
      await popup.waitForFunction(() => /^\d{6}$/.test(document.getElementById("otp-code").textContent));
      const now = Date.now() / 1000;
      const code = await text(popup, "#otp-code");
      const left = Number((await text(popup, "#otp-left")).match(/^(\d+) s left$/)[1]);
      assert.ok([totp(OTP_SECRET, now), totp(OTP_SECRET, now - 30)].includes(code), code);
      const expected = 30 - (Math.floor(now) % 30);
      assert.ok(Math.abs(left - expected) <= 1 || left === 30, `${left} vs ${expected}`);
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
      await page.waitForFunction(() => [...document.querySelectorAll(".otp input")].every((i) => i.value));
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
        await popup.waitForFunction(() => document.getElementById("gen-output").textContent.length === 31);
        const made = await text(popup, "#gen-output");
        const allowed = [..."abcdefghijklmnopqrstuvwxyz0123456789"].filter((c) => !LOOK_ALIKES.includes(c));
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
      await popup.waitForFunction(() => document.getElementById("gen-output").textContent.includes("_"));
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
      await popup.waitForFunction(() => /Saved the changes/.test(document.getElementById("status").textContent));
      await popup.click("#view-history");
      await popup.waitForFunction(() => document.querySelectorAll("#versions li").length === 2);
      await back(popup);
      const edited = await fillAndSubmit(session, fixtures, `${A}/plain.html`, "Fixture A", "plain");
      assert.deepEqual(edited, { username: ALICE.username, password: "N3w-pass!" });

      await openEntry(await h.openPopup(session), "Fixture A");
      await popup.click("#view-history");
      const rollback = await popup.waitForSelector("#versions li[data-version='1'] button");
      await rollback.click();
      await popup.waitForFunction(() => document.querySelectorAll("#versions li").length === 3);
      assert.match(await text(popup, "#versions li[data-version='3']"), /rollback to version 1/);
      await back(popup);
      const old = await fillAndSubmit(session, fixtures, `${A}/plain.html`, "Fixture A", "plain");
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
      const saved = await fillAndSubmit(session, fixtures, `${A}/plain.html`, "127.0.0.1 — dave", "plain");
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

      const reached = new Set(["lock"]);
      // Up to the last control, so the focus stays in the page.
      for (let i = 0; i < 80 && !reached.has("summary:Settings"); i++) {
        await popup.keyboard.press("Tab");
        const seen = await popup.evaluate(() => {
          const el = document.activeElement;
          // Past the last control the focus leaves the page for the browser.
          if (!el || el === document.body) return { key: "(page)", ring: true };
          const style = getComputedStyle(el);
          return {
            key: el.id || `${el.tagName.toLowerCase()}:${el.textContent.trim()}`,
            ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          };
        });
        assert.ok(seen.ring, `${seen.key} has no visible focus`);
        reached.add(seen.key);
      }
      for (const control of ["lock", "button:Fill", "button:Open", "summary:Add an entry",
        "summary:Password generator", "summary:Settings"]) {
        assert.ok(reached.has(control), `${control} is not reached by Tab: ${[...reached]}`);
      }

      // Enter opens an entry, Space goes back; nothing scrolls sideways at 400 px.
      await popup.focus("#entries li button:nth-of-type(4)");
      await popup.keyboard.press("Enter");
      await h.waitVisible(popup, "#entry-view");
      const wide = await popup.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(wide <= 0, `the entry view scrolls sideways by ${wide}px`);
      await popup.focus("#view-back");
      await popup.keyboard.press(" ");
      await h.waitVisible(popup, "#list-view");
      await popup.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = true;
      });
      const wideList = await popup.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(wideList <= 0, `the list scrolls sideways by ${wideList}px`);
      await popup.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = false;
      });
    });

    test("idle lock on a timer, with the test knob set short", async () => {
      const popup = await h.openPopup(session);
      await popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).storage.session.set({ idle_limit_ms: 3000 }));
      // Nothing is sent to the worker meanwhile: only its timer can lock.
      await h.sleep(5000);
      const kept = await popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).storage.session.get("session"));
      assert.deepEqual(kept, {}, "the unlocked session left storage.session");
      await h.waitVisible(popup, "#unlock");
      await popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).storage.session.remove("idle_limit_ms"));
      await h.unlock(popup, PASSPHRASE);
    });
  });
}
