import { chromium } from 'playwright-core';
const base = process.env.BASE || 'http://127.0.0.1:8090';
const paths = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const width of [1300, 420]) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, baseURL: base });
  await page.goto('/signin');
  await page.getByLabel(/e-?mail|user/i).fill('mara.lindqvist@nordhafen.example');
  await page.getByLabel(/password/i).fill('nordhafen-demo');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForLoadState();
  for (const p of paths) {
    const res = await page.goto(p);
    const name = p.replace(/[^a-z0-9]+/gi, '_') || 'root';
    await page.screenshot({ path: `/tmp/shots/${width}${name}.png`, fullPage: true });
    console.log(width, p, res.status());
  }
  await page.close();
}
await browser.close();
