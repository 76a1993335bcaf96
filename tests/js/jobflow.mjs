import { chromium } from 'playwright-core';
const base = process.env.BASE || 'http://127.0.0.1:8091';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const width of [1300, 420]) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, baseURL: base });
  await page.goto('/signin');
  await page.getByLabel(/e-?mail|user/i).fill('mara.lindqvist@nordhafen.example');
  await page.getByLabel(/password/i).fill('nordhafen-demo');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForLoadState();
  let res = await page.goto('/risks/RISK-1/quantify?iterations=200000');
  console.log('quantify', res.status());
  await page.screenshot({ path: `/tmp/shots/${width}_q.png`, fullPage: true });
  await page.getByLabel('Simulated years').fill('30000000');
  await page.getByRole('button', { name: /Run and save/ }).click();
  await page.waitForLoadState();
  console.log('job url', page.url());
  await page.screenshot({ path: `/tmp/shots/${width}_job1.png`, fullPage: true });
  await page.waitForTimeout(4500);
  await page.screenshot({ path: `/tmp/shots/${width}_job2.png`, fullPage: true });
  await page.goto('/');
  await page.screenshot({ path: `/tmp/shots/${width}_dash.png`, fullPage: true });
  await page.goto('/jobs');
  await page.screenshot({ path: `/tmp/shots/${width}_jobs.png`, fullPage: true });
  await page.close();
}
await browser.close();
