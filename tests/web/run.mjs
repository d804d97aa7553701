// Browser tests of tiendo's web pages: the system Chromium driven by
// playwright-core, against a real `tiendo serve` on 127.0.0.1 with a fresh data
// folder (demo data). Screenshots of the main pages go to target/screenshots/.
//
//   cargo build -p tiendo && (cd tests/web && npm install && node run.mjs)
//
// Environment: TIENDO_BIN (default: $CARGO_TARGET_DIR or target, /debug/tiendo),
// CHROMIUM (default /usr/bin/chromium), TIENDO_WEB_PORT (default: a free port).

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { evidenceAndDrafts } from './evidence_drafts.mjs';
import { dailyLoops } from './daily.mjs';


// Today in Hà Nội (UTC+7, no summer time) as dd/mm/yyyy: a completion claim gives its day.
function todayVN() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const bin = process.env.TIENDO_BIN || join(targetDir, 'debug', 'tiendo');
const shots = join(root, 'target', 'screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'mật khẩu thử nghiệm';

if (!existsSync(bin)) {
  console.error(`no tiendo binary at ${bin}: run \`cargo build -p tiendo\` first (or set TIENDO_BIN)`);
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

const data = mkdtempSync(join(tmpdir(), 'tiendo-web-'));
const env = { ...process.env };
delete env.DATABASE_URL; // always the embedded database here
const users = [
  ['vanphong', 'admin', null],
  ['daumoi.bca', 'focal', 'Bộ Công an'],
  ['lanhdao', 'viewer', null],
];
for (const [u, role, agency] of users) {
  const args = ['user', 'add', '--username', u, '--password', PASSWORD, '--role', role, '--data', data];
  if (agency) args.push('--agency', agency);
  execFileSync(bin, args, { env, stdio: 'pipe' });
}
const port = Number(process.env.TIENDO_WEB_PORT || (await freePort()));
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', data], {
  env: { ...env, RUST_LOG: 'warn' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });

async function waitForServer() {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tiendo did not start:\n${serverLog}`);
}

const failures = [];
let passed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
const num = (s) => Number(String(s).replace(/[^\d]/g, '') || 0);

let browser;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  async function signIn(username, viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ viewport, locale: 'vi-VN' });
    // Nothing may be fetched from anywhere but tiendo itself.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
      failures.push(`external request: ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    assert(page.url().includes('/dang-nhap'), `not sent to sign-in: ${page.url()}`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
    assert(!page.url().includes('/dang-nhap'), `${username} still on the sign-in page`);
    return { context, page };
  }

  async function shot(page, name, fullPage = true) {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
  }

  async function counts(page) {
    await page.goto(`${base}/`);
    const read = async (cls) => num(await page.locator(`a.count.${cls} .n`).first().innerText());
    return {
      overdue: await read('overdue'),
      onTime: await read('completed_on_time'),
      late: await read('completed_late'),
    };
  }

  // The sign-in page itself.
  await check('sign-in page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const r = await page.goto(`${base}/dang-nhap`);
    assert(r.status() === 200, `status ${r.status()}`);
    await shot(page, '01-dang-nhap');
    // A wrong password says so and keeps the name.
    await page.getByLabel('Tên đăng nhập').fill('lanhdao');
    await page.getByLabel('Mật khẩu').fill('sai mật khẩu');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
    assert(await page.getByText('Sai tên đăng nhập hoặc mật khẩu').isVisible(), 'no error message');
    assert(await page.getByLabel('Tên đăng nhập').inputValue() === 'lanhdao', 'username lost');
    await context.close();
  });

  const sessions = {};
  for (const [u, role] of users) {
    await check(`sign in as ${role} (${u})`, async () => {
      sessions[role] = await signIn(u);
      const { page } = sessions[role];
      await page.goto(`${base}/`);
      assert(await page.getByRole('heading', { level: 1 }).innerText().then((t) => t.includes('Tổng quan')), 'no dashboard heading');
      const cookies = await sessions[role].context.cookies();
      const session = cookies.find((c) => c.name === 'tiendo_session');
      assert(session && session.httpOnly && session.sameSite === 'Lax', `session cookie: ${JSON.stringify(session)}`);
      const nav = await page.getByRole('navigation', { name: 'Điều hướng chính' }).innerText();
      assert(nav.includes('Duyệt') === (role === 'admin'), `review link for ${role}: ${nav}`);
      assert(nav.includes('Việc của đơn vị tôi') === (role === 'focal'), `work link for ${role}`);
    });
  }

  await check('viewer: dashboard, as of 16/07/2025, English, phone', async () => {
    const { page } = sessions.viewer;
    await page.goto(`${base}/`);
    await shot(page, '02-tong-quan');
    await page.getByLabel('Xem tại ngày').fill('16/07/2025');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Xem', exact: true }).click()]);
    assert(page.url().includes('as_of=16%2F07%2F2025'), page.url());
    const banner = await page.locator('.banner.past').innerText();
    assert(banner.includes('16/07/2025'), `banner: ${banner}`);
    await shot(page, '03-tong-quan-16-07-2025');
    // Numbers link to the filtered list, keeping the day.
    await Promise.all([page.waitForNavigation(), page.locator('a.count.overdue').click()]);
    assert(page.url().includes('status=overdue') && page.url().includes('as_of=2025-07-16'), page.url());
    const total = await page.locator('.list-head [role=status] strong').innerText();
    assert(num(total) === 33, `33 overdue tasks on 16/07/2025 (the appendix of 365/TB-VPCP), got ${total}`);
    await page.goto(`${base}/?lang=en`);
    assert(await page.locator('html').getAttribute('lang') === 'en', 'not English');
    await shot(page, '04-dashboard-en');
    await page.goto(`${base}/?lang=vi`);
    const phone = await signIn('lanhdao', { width: 390, height: 844 });
    await phone.page.goto(`${base}/`);
    await shot(phone.page, '05-tong-quan-dien-thoai');
    await phone.page.goto(`${base}/nhiem-vu?status=overdue`);
    await shot(phone.page, '06-nhiem-vu-dien-thoai');
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 400, `the task list scrolls sideways on a phone (${width}px)`);
    await phone.context.close();
  });

  await check('find a task by a search typed without diacritics', async () => {
    const { page } = sessions.viewer;
    await page.goto(`${base}/nhiem-vu`);
    await page.getByLabel('Tìm trong nội dung (không cần dấu)').fill('thanh lap uy ban du lieu');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lọc' }).click()]);
    const rows = page.locator('table.list tbody tr');
    assert(await rows.count() > 0, 'no result');
    const texts = (await rows.allInnerTexts()).map((t) => t.toLowerCase());
    const hit = texts.findIndex((t) => t.includes('thành lập ủy ban dữ liệu'));
    assert(hit >= 0, `results: ${texts.map((t) => t.slice(0, 80)).join(' | ')}`);
    assert(texts.every((t) => t.includes('dữ liệu')), 'a result without the words');
    await shot(page, '07-nhiem-vu-tim-kiem');
    // The task page: 6 rõ, document passage, assignments, history.
    await Promise.all([page.waitForNavigation(), rows.nth(hit).locator('td').first().getByRole('link').click()]);
    assert(await page.getByRole('heading', { name: /6 rõ/ }).isVisible(), 'no 6 rõ');
    assert(await page.locator('blockquote.excerpt mark').count() === 1, 'no passage of the document');
    await shot(page, '08-nhiem-vu-chi-tiet');
    await Promise.all([page.waitForNavigation(), page.locator('nav.crumbs a').nth(1).click()]);
    assert(page.url().includes('/van-ban/'), page.url());
    await shot(page, '09-van-ban');
  });

  let reportedAssignment = null;
  let before = null;
  await check('focal point submits a completion report (an error first, nothing typed lost)', async () => {
    const { page } = sessions.focal;
    before = await counts(sessions.admin.page);
    await page.goto(`${base}/viec-cua-toi`);
    await shot(page, '10-viec-cua-toi');
    const link = page.getByRole('link', { name: 'Báo cáo tiến độ' }).first();
    const href = await link.getAttribute('href');
    reportedAssignment = Number(href.match(/phan-cong\/(\d+)/)[1]);
    await Promise.all([page.waitForNavigation(), link.click()]);
    // Submitting without the narrative keeps what was typed and says what is missing.
    await page.getByLabel('Khó khăn, vướng mắc').fill('Chờ ý kiến thẩm định của Bộ Tư pháp');
    await page.getByLabel('Tỷ lệ hoàn thành (%)').fill('150');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.locator('#narrative-error').isVisible(), 'no error next to the narrative');
    assert(await page.locator('#percent-error').isVisible(), 'no error next to the percent');
    assert(await page.getByLabel('Khó khăn, vướng mắc').inputValue() === 'Chờ ý kiến thẩm định của Bộ Tư pháp', 'typed text lost');
    await shot(page, '11-bao-cao-loi');
    await page.getByLabel('Tỷ lệ hoàn thành (%)').fill('100');
    await page.getByLabel(/Đã hoàn thành nhiệm vụ/).check();
    await page.getByLabel(/Kết quả thực hiện/).fill('Đã trình Chính phủ ban hành Nghị định; gửi kèm văn bản.');
    await page.getByLabel('Số văn bản minh chứng').fill('999/BCA-WEBTEST');
    // A completion claim without its day is refused by the field, never guessed.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.locator('#completed_on-error').isVisible(), 'no error next to the completion day');
    assert(await page.getByLabel('Số văn bản minh chứng').inputValue() === '999/BCA-WEBTEST', 'typed text lost');
    await page.locator('#completed_on').fill(todayVN());
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(page.url().includes(`/phan-cong/${reportedAssignment}`), page.url());
    assert(await page.getByText('Đã gửi báo cáo tiến độ.').isVisible(), 'no confirmation');
    await shot(page, '12-phan-cong');
  });

  await check("the report is in the office's queue; accepting it changes the dashboard", async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/duyet`);
    const card = page.locator('article.review', { hasText: '999/BCA-WEBTEST' });
    assert(await card.count() === 1, 'report not in the queue');
    await shot(page, '13-duyet');
    // Returning without a reason is refused, next to the note.
    await Promise.all([page.waitForNavigation(), card.getByRole('button', { name: 'Trả lại' }).click()]);
    assert(await page.locator('.field-error').first().isVisible(), 'no error for a return without a reason');
    const again = page.locator('article.review', { hasText: '999/BCA-WEBTEST' });
    await Promise.all([page.waitForNavigation(), again.getByRole('button', { name: /Chấp nhận/ }).click()]);
    assert(await page.getByText('Đã chấp nhận báo cáo.').isVisible(), 'no confirmation');
    const after = await counts(page);
    assert(after.onTime + after.late === before.onTime + before.late + 1,
      `completed ${before.onTime + before.late} → ${after.onTime + after.late}`);
    await shot(page, '14-tong-quan-sau-duyet');
    const a = await page.goto(`${base}/phan-cong/${reportedAssignment}`);
    assert(a.status() === 200, `status ${a.status()}`);
    assert(await page.locator('dl.meta .badge').first().innerText().then((t) => t.startsWith('Hoàn thành')), 'assignment not completed');
  });

  await check("a focal point cannot open another agency's report form, and the server refuses the POST", async () => {
    const { page, context } = sessions.focal;
    // An assignment of another agency, found through the API as the office.
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vanphong', password: PASSWORD }),
    }).then((r) => r.json());
    const list = await fetch(`${base}/api/v1/assignments?status=overdue&per_page=200`, {
      headers: { authorization: `Bearer ${login.token}` },
    }).then((r) => r.json());
    const other = list.items.find((a) => a.agency_name !== 'Bộ Công an');
    assert(other, 'no assignment of another agency');
    // The demo may already hold a report of its own on it (waiting for review).
    const reportsOf = () => fetch(`${base}/api/v1/progress-reports?assignment=${other.id}`, {
      headers: { authorization: `Bearer ${login.token}` },
    }).then((r) => r.json()).then((j) => j.total);
    const reportsBefore = await reportsOf();
    const r = await page.goto(`${base}/phan-cong/${other.id}/bao-cao`);
    assert(r.status() === 403, `GET form: ${r.status()}`);
    assert(await page.getByRole('heading', { name: /Không có quyền truy cập/ }).isVisible(), 'no 403 page');
    await shot(page, '15-403');
    // The focal point's own CSRF value, from one of its pages, and a well-formed POST.
    await page.goto(`${base}/viec-cua-toi`);
    const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
    const post = await context.request.post(`${base}/phan-cong/${other.id}/bao-cao`, {
      form: { csrf, narrative: 'Báo cáo giả', percent: '100', claims_completion: 'on' },
      maxRedirects: 0,
    });
    assert(post.status() === 403, `POST: ${post.status()}`);
    assert(await reportsOf() === reportsBefore, 'a report was stored');
    // Without the CSRF field even its own form is refused.
    const nocsrf = await context.request.post(`${base}/phan-cong/${reportedAssignment}/bao-cao`, {
      form: { narrative: 'x' }, maxRedirects: 0,
    });
    assert(nocsrf.status() === 403, `POST without CSRF: ${nocsrf.status()}`);
  });

  await check('agency and document pages; keyboard reaches the main content', async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/co-quan`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Bộ Công an' }).first().click()]);
    assert(await page.getByText('Tỷ lệ hoàn thành đúng hạn').isVisible(), 'no on-time rate');
    await shot(page, '16-co-quan');
    await page.goto(`${base}/van-ban`);
    await shot(page, '17-van-ban-danh-sach');
    // The skip link is the first stop of the keyboard.
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
    assert(focused.includes('Bỏ qua'), `first tab stop: ${focused}`);
    await page.goto(`${base}/nhiem-vu`);
    await shot(page, '18-nhiem-vu');
  });

  // Evidence files and the review of imported documents (evidence_drafts.mjs).
  await evidenceAndDrafts({ base, sessions, check, assert, shot });

  // Each role's daily loop, and the main pages on a phone (daily.mjs).
  await dailyLoops({ base, sessions, check, assert, shot, signIn });

  await check('account page: reached from the name in the header; a wrong current password is said on the form', async () => {
    const { page } = sessions.viewer;
    await page.goto(`${base}/`);
    await Promise.all([page.waitForNavigation(), page.locator('header a.who').click()]);
    assert(page.url().endsWith('/tai-khoan'), page.url());
    await page.locator('#current_password').fill('không phải mật khẩu này');
    await page.locator('#password').fill('một mật khẩu mới dài');
    await page.locator('#password_again').fill('một mật khẩu mới dài');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đổi mật khẩu' }).click()]);
    const error = await page.locator('#account-error').innerText();
    assert(error.includes('Mật khẩu hiện tại không đúng'), `error: ${error}`);
    await shot(page, '19-tai-khoan');
  });

  await check('office: "Nhập văn bản" in the main menu opens the import form', async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/van-ban`);
    const menu = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await Promise.all([page.waitForNavigation(), menu.getByRole('link', { name: 'Nhập văn bản' }).click()]);
    assert(page.url().endsWith('/van-ban/nhap'), page.url());
  });

  await check('office: "Người dùng" in the main menu; the user pages do not scroll sideways on a phone', async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/`);
    const menu = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await Promise.all([page.waitForNavigation(), menu.getByRole('link', { name: 'Người dùng' }).click()]);
    assert(page.url().endsWith('/nguoi-dung'), page.url());
    const account = await page.locator('#users tbody a').first().getAttribute('href');
    const phone = await signIn('vanphong', { width: 390, height: 844 });
    for (const path of ['/nguoi-dung', '/nguoi-dung/moi', account]) {
      await phone.page.goto(`${base}${path}`);
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 400, `${path} scrolls sideways on a phone (${width}px)`);
    }
    await shot(phone.page, '20-nguoi-dung-dien-thoai');
    await phone.context.close();
  });

  await check('sign out', async () => {
    const { page } = sessions.viewer;
    await page.goto(`${base}/`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đăng xuất' }).click()]);
    assert(page.url().includes('/dang-nhap'), page.url());
    await page.goto(`${base}/nhiem-vu`);
    assert(page.url().includes('/dang-nhap'), 'still signed in');
  });
} catch (e) {
  failures.push(String(e && e.stack || e));
  console.error(e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
}

console.log(`\n${passed} passed, ${failures.length} failed; screenshots in ${shots}`);
if (failures.length) {
  console.log(failures.map((f) => ` - ${f}`).join('\n'));
  process.exit(1);
}
