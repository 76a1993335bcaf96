import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 420, height: 900 }, baseURL: 'http://127.0.0.1:8090' });
await page.goto('/signin');
await page.getByLabel(/e-?mail|user/i).fill('mara.lindqvist@nordhafen.example');
await page.getByLabel(/password/i).fill('nordhafen-demo');
await page.getByRole('button', { name: /sign in/i }).click();
await page.waitForLoadState();
for (const p of process.argv.slice(2)) {
  await page.goto(p);
  const r = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, vw: window.innerWidth,
     wide: [...document.querySelectorAll('table')].map(t => [t.scrollWidth, t.parentElement.clientWidth, getComputedStyle(t.parentElement).overflowX]) }));
  console.log(p, JSON.stringify(r));
}
await browser.close();
