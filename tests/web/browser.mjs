// End-to-end test of `casereview serve` in a real browser: Debian's chromium,
// headless, driven by playwright-core (no browser is ever downloaded).
//
//   node tests/web/browser.mjs BASE_URL OUT_DIR
//
// BASE_URL is a running server over a repository holding the fixture
// reports; OUT_DIR receives a screenshot of each page visited. It searches,
// clicks a facet, opens a report, follows a compare cell, and checks on the
// way that nothing is fetched from another machine, no page logs an error,
// the keyboard reaches the content, and a phone-width screen needs no
// sideways scrolling. Exit status 0 when every check held.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
    console.error('usage: node browser.mjs BASE_URL OUT_DIR');
    process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const problems = [];
function check(ok, what) {
    if (!ok) problems.push(what);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function shot(page, name) {
    await page.screenshot({ path: join(outDir, name), fullPage: true });
    console.log(`     screenshot ${join(outDir, name)}`);
}

// Every request must go to our server, and no page may log an error.
function watch(page, label) {
    page.on('request', (req) => {
        const url = req.url();
        if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('about:'))
            problems.push(`${label}: asked another machine for ${url}`);
    });
    page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`${label}: console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('response', (r) => {
        if (r.status() >= 400) console.log(`     ${label}: ${r.status()} for ${r.url()}`);
    });
    page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
}

const profile = mkdtempSync(join(tmpdir(), 'casereview-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: false, // the pages must work without it
});

try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, 'desktop');

    // 1. the home page; the keyboard first reaches the skip link, then the content
    let resp = await page.goto(base);
    check(resp.status() === 200, 'home page answers 200');
    check((await page.locator('.notice').innerText()).includes('children'),
          'home page carries the notice about what the reports describe');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement?.classList.contains('skip')),
          'Tab first reaches "Skip to the content"');
    const skipBox = await page.locator('.skip').boundingBox();
    check(skipBox && skipBox.x >= 0 && skipBox.width > 0, 'the focused skip link is visible');

    // 2. search with the box, as a user would
    await page.getByLabel('Search the full text of the reports').fill('neglect');
    await Promise.all([page.waitForURL(/\/search\?q=neglect/), page.keyboard.press('Enter')]);
    check(new URL(page.url()).searchParams.get('q') === 'neglect',
          'the search is a plain URL: /search?q=neglect');
    const heading = await page.locator('#results-h').innerText();
    check(/report(s)? match/.test(heading), `results heading reads "${heading}"`);
    check(await page.locator('.hit mark').count() > 0, 'snippets mark the matched words');
    check(await page.locator('script').count() === 0, 'the page holds no script');
    await shot(page, '01-search.png');

    // 3. click a facet: the results narrow and the URL says how
    const facets = page.locator('.facets a');
    check(await facets.count() > 0, 'the search page offers facets');
    {
        const before = page.url();
        const facet = facets.first();
        const label = (await facet.innerText()).trim();
        const count = parseInt((await facet.locator('xpath=..').locator('.count').innerText()), 10);
        await Promise.all([page.waitForURL((u) => u.href !== before), facet.click()]);
        const added = [...new URL(page.url()).searchParams].filter(
            ([k, v]) => !new URL(before).searchParams.getAll(k).includes(v));
        check(added.length > 0, `clicking the facet "${label}" adds it to the URL (${page.url()})`);
        check(new URL(before).search === '?q=neglect', `a plain search has a plain URL (${before})`);
        check(await page.locator('.active a').count() > 0, 'the facet shows as a filter in force');
        const h = await page.locator('#results-h').innerText();
        check(h.startsWith(`${count} report`), `the facet's count (${count}) is the results' ("${h}")`);
        await shot(page, '02-facet.png');
        await page.goBack();
        check(page.url() === before, 'the back button returns to the search');
    }

    // 4. open a report
    const first = page.locator('.hit h3 a').first();
    const title = (await first.innerText()).trim();
    await Promise.all([page.waitForURL(/\/report\/\d+/), first.click()]);
    check((await page.locator('h1').innerText()).trim() === title,
          `the report page is headed by its title "${title}"`);
    check(await page.locator('#matches').count() === 1, 'the report lists the pages that match');
    await shot(page, '03-report.png');
    const fileHref = await page.locator('.pagehits a').first().getAttribute('href');
    check(/^\/file\/[0-9a-f]{64}#page=\d+$/.test(fileHref ?? ''),
          `pages link to the file at a page (${fileHref})`);
    const file = await page.request.get(new URL(fileHref, base).href);
    check(file.status() === 200 && file.headers()['content-type'] === 'application/pdf',
          'the file is served as application/pdf');

    // 5. follow a compare cell to the search it counts
    resp = await page.goto(new URL('compare', base).href);
    check(resp.status() === 200, 'the compare page answers 200');
    {
        const cell = page.locator('table.heat td a').first();
        check(await cell.count() === 1, 'the compare page has linked cells');
        check(await page.locator('svg.chart rect.bar').count() > 0, 'it draws reports per year');
        const count = parseInt((await cell.innerText()).trim(), 10);
        await shot(page, '04-compare.png');
        await Promise.all([page.waitForURL(/\/search\?/), cell.click()]);
        const h = await page.locator('#results-h').innerText();
        check(h.startsWith(`${count} report`), `the cell's count (${count}) is the search's ("${h}")`);
        await shot(page, '05-compare-cell.png');
    }

    // 6. save a search; the saved searches page lists it (a real browser's POST passes
    //    the server's check that the form comes from its own pages)
    await page.goto(new URL('search?q=neglect', base).href);
    await page.getByLabel('Save this search, to be told of new reports that match it').fill('Neglect');
    await Promise.all([page.waitForURL(/\/saved\?done=saved/), page.getByRole('button', { name: 'Save' }).click()]);
    check((await page.locator('.saved h2').first().innerText()).trim() === 'Neglect',
          'the saved search is listed on /saved');
    await shot(page, '08-saved.png');

    // 7. a phone: one column, no sideways scrolling
    const phone = await context.newPage();
    watch(phone, 'phone');
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(new URL('search?q=neglect', base).href);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(overflow <= 390, `the search page fits a 390 px screen (${overflow} px wide)`);
    await shot(phone, '06-phone-search.png');
    await phone.goto(new URL('report/1?q=neglect', base).href);
    const overflow2 = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(overflow2 <= 390, `the report page fits a 390 px screen (${overflow2} px wide)`);
    await shot(phone, '07-phone-report.png');
} catch (e) {
    problems.push(`the test stopped: ${e.message}`);
} finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
}

for (const p of problems) console.error(`problem: ${p}`);
process.exit(problems.length ? 1 : 0);
