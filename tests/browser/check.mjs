// Opens an mlgate HTML report in headless Chromium (Debian's package) and asserts that it
// loads with no console errors, no page errors and no network requests; writes a
// full-page screenshot and a printed PDF.
//
// usage: node check.mjs REPORT.html SCREENSHOT.png PDF.pdf
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { statSync } from "node:fs";

const [report, screenshot, pdf] = process.argv.slice(2);
if (!report || !screenshot || !pdf) {
  console.error("usage: node check.mjs REPORT.html SCREENSHOT.png PDF.pdf");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const problems = [];
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("request", (r) => {
  const url = r.url();
  if (!url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("about:")) problems.push(`network request: ${url}`);
});
page.on("requestfailed", (r) => { if (!r.url().startsWith("file:")) problems.push(`failed request: ${r.url()}`); });
const url = pathToFileURL(report).href;
const response = await page.goto(url, { waitUntil: "load" });
if (!response || !response.ok()) problems.push(`could not load ${url}`);
// The verdict banner comes first and the charts rendered.
const banner = await page.locator("section.banner").first().textContent();
if (!banner || !/(PASS|FAIL|WARN|ERROR|SKIPPED)/.test(banner)) problems.push(`no verdict banner: ${banner}`);
const charts = await page.locator("svg").count();
if (charts < 1) problems.push("no charts rendered");
const scripts = await page.locator("script").count();
if (scripts > 0) problems.push(`${scripts} script elements in the report`);
// The top of the report (verdict, gates, findings) is what a reviewer sees first.
await page.screenshot({ path: screenshot, clip: { x: 0, y: 0, width: 1200, height: 1700 } });
await page.screenshot({ path: screenshot.replace(/\.png$/, "-full.png"), fullPage: true });
await page.emulateMedia({ media: "print" });
await page.pdf({ path: pdf, format: "A4", printBackground: true });
await browser.close();
if (statSync(screenshot).size < 10000) problems.push("screenshot suspiciously small");
if (statSync(pdf).size < 10000) problems.push("PDF suspiciously small");
if (problems.length) {
  console.error(`browser check FAILED for ${report}:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`browser check passed: ${report} (${charts} charts, no console errors, no network requests)`);
