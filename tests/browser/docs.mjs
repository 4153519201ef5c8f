// Drives the example's reference pages in headless Chromium (see run.sh): /docs, the Verify
// Phone section and its constraint, and the try-it form answering an empty code with
// InvalidArgument. Fails on a console error (where a CSP violation shows) or a page asset that
// does not load.
import { createRequire } from "node:module";
import path from "node:path";
import assert from "node:assert/strict";

const { BASE, TOKEN, CHROMIUM, DEPS, SCREENSHOT } = process.env;
for (const [name, value] of Object.entries({ BASE, TOKEN, CHROMIUM, DEPS, SCREENSHOT })) {
  assert.ok(value, `${name} is not set`);
}
const require = createRequire(path.join(DEPS, "package.json"));
const { chromium } = require("playwright-core");

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ["--no-sandbox"],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Answers of the API (the try-it call's 400) and the browser's own /favicon.ico probe are
  // not problems; a page asset that fails to load, a CSP violation or a script error is.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.url().startsWith(`${BASE}/docs`) && response.status() !== 200) {
      problems.push(`${response.url()}: HTTP ${response.status()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  const index = await page.goto(`${BASE}/docs`);
  assert.equal(index.status(), 200);
  assert.match(index.headers()["content-security-policy"], /script-src 'self'/);
  assert.equal(await page.title(), "API reference");

  await page.getByRole("link", { name: "Verify Phone", exact: true }).click();
  await page.waitForURL(/\/docs\/zitadel\.auth\.v1\.AuthService#VerifyMyPhone$/);
  const section = page.locator("section#VerifyMyPhone");
  assert.equal(await section.locator("h2").first().textContent(), "Verify Phone");
  const constraint = section.locator("td.constraints").first();
  assert.equal(await constraint.textContent(), "non-empty and <= 200 characters");
  const content = await section.textContent();
  for (const expected of ["application/json", "application/grpc", "google.rpc.BadRequest", "200: The phone number is verified."]) {
    assert.ok(content.includes(expected), `the section shows ${expected}`);
  }

  const form = section.locator("form.try-it");
  assert.equal(await form.locator("input[name=target]").inputValue(), "/auth/v1/users/me/phone/_verify");
  await form.locator("input[name=token]").fill(TOKEN);
  assert.equal(
    await page.locator("section#GetMyPhone input[name=token]").inputValue(),
    TOKEN,
    "a token typed into one form fills the others",
  );
  await form.locator("textarea[name=body]").fill('{\n  "code": ""\n}');
  await form.getByRole("button", { name: "Send" }).click();
  const status = form.locator(".status");
  await status.filter({ hasText: "InvalidArgument" }).waitFor({ timeout: 10000 });
  assert.equal(await status.textContent(), "HTTP 400 Bad Request · InvalidArgument (3)");
  const answer = JSON.parse(await form.locator(".body").textContent());
  assert.equal(answer.code, 3);
  assert.match(answer.message, /^invalid VerifyMyPhoneRequest\.Code: value length must be between 1 and 200 runes, inclusive$/);
  assert.equal(answer.details[0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
  assert.equal(answer.details[0].fieldViolations[0].field, "code");

  // The token field holds a fresh token each run: blank it so the picture does not change.
  await form.locator("input[name=token]").fill("");
  await section.screenshot({ path: SCREENSHOT });
  assert.deepEqual(problems, [], "no console errors (a CSP violation would be one)");
  console.log("browser: /docs, Verify Phone, its constraint and the try-it answer (InvalidArgument) as expected");
} finally {
  await browser.close();
}
