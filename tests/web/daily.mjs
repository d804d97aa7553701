// Each role's daily loop in the browser (issue 14), run by run.mjs with its
// browser, server and signed-in sessions; and the main pages on a phone.
//
// - office: publish a month's scores (importing a notice and accepting a report
//   are in run.mjs and evidence_drafts.mjs);
// - focal point: a report with two evidence files, an extension request, a
//   commitment and a comment on its own assignment;
// - viewer: reads the dashboard and a task, and is given no write control;
// - a phone (390 px): the main pages never scroll sideways; screenshots.

function pdf(label) {
  return Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n`);
}

function vnDate(offsetDays = 0) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 + offsetDays * 86400 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/// The month before the current one in Hà Nội, as 10/2025.
function lastMonth() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  let m = d.getUTCMonth(); // 0-based: the previous month's number
  let y = d.getUTCFullYear();
  if (m === 0) { m = 12; y -= 1; }
  return `${String(m).padStart(2, '0')}/${y}`;
}

export async function dailyLoops({ base, sessions, check, assert, shot, signIn }) {
  // An open assignment of the focal point's agency, from its own work page.
  let assignment = null;

  await check('focal point: a progress report with two evidence files', async () => {
    const { page } = sessions.focal;
    await page.goto(`${base}/viec-cua-toi`);
    const link = page.getByRole('link', { name: 'Báo cáo tiến độ' }).first();
    const href = await link.getAttribute('href');
    assignment = Number(href.match(/phan-cong\/(\d+)/)[1]);
    await Promise.all([page.waitForNavigation(), link.click()]);
    await page.getByLabel('Tỷ lệ hoàn thành (%)').fill('60');
    await page.getByLabel(/Kết quả thực hiện/).fill('Đã xây dựng dự thảo và gửi lấy ý kiến; kèm biên bản và báo cáo.');
    await page.getByLabel('Số văn bản minh chứng').fill('45/BCA-HAITEP');
    await page.getByLabel(/Tệp minh chứng/).setInputFiles([
      { name: 'Biên bản họp.pdf', mimeType: 'application/pdf', buffer: pdf('bien ban') },
      { name: 'Báo cáo tiến độ.pdf', mimeType: 'application/pdf', buffer: pdf('bao cao') },
    ]);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(page.url().includes(`/phan-cong/${assignment}`), page.url());
    assert(await page.getByText('Đã gửi báo cáo tiến độ.').isVisible(), 'no confirmation');
    for (const name of ['Biên bản họp.pdf', 'Báo cáo tiến độ.pdf']) {
      assert(await page.getByRole('link', { name }).count() >= 1, `${name} not listed with the report`);
    }
    await shot(page, '30-bao-cao-hai-tep');
  });

  await check('focal point: asks for an extension (a reason first required)', async () => {
    const { page } = sessions.focal;
    await page.goto(`${base}/phan-cong/${assignment}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Xin gia hạn' }).click()]);
    assert(page.url().endsWith(`/phan-cong/${assignment}/gia-han`), page.url());
    await page.getByLabel('Loại thời hạn mới').selectOption('date');
    await page.getByLabel(/Thời hạn mới/).fill(vnDate(60));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.locator('#reason-error').isVisible(), 'no error next to the reason');
    assert(await page.getByLabel(/Thời hạn mới/).inputValue() === vnDate(60), 'typed day lost');
    await page.getByLabel(/Lý do/).fill('Chờ ý kiến thẩm định của Bộ Tư pháp về dự thảo.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.getByText('Đã gửi đề nghị gia hạn.').isVisible(), `not sent: ${page.url()}`);
    assert((await page.content()).includes('Chờ ý kiến thẩm định của Bộ Tư pháp'), 'the request is not on the page');
    await shot(page, '31-gia-han');
  });

  await check('focal point: makes a commitment', async () => {
    const { page } = sessions.focal;
    await page.goto(`${base}/phan-cong/${assignment}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Cam kết' }).click()]);
    await page.getByLabel(/Cam kết hoàn thành trước ngày/).fill(vnDate(30));
    await page.getByLabel('Số văn bản cam kết').fill('77/BCA-CAMKET');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.getByText('Đã ghi nhận cam kết.').isVisible(), `not recorded: ${page.url()}`);
    assert((await page.content()).includes('77/BCA-CAMKET'), 'the commitment is not on the page');
  });

  await check('focal point: comments on its assignment; the office reads it', async () => {
    const { page } = sessions.focal;
    await page.goto(`${base}/phan-cong/${assignment}#trao-doi`);
    await page.getByLabel(/Ý kiến của bạn/).fill('Đề nghị Văn phòng hướng dẫn thêm về mẫu báo cáo.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi ý kiến' }).click()]);
    assert(await page.getByText('Đã gửi ý kiến.').isVisible(), 'no confirmation');
    await shot(page, '32-trao-doi');
    const office = sessions.admin.page;
    await office.goto(`${base}/phan-cong/${assignment}`);
    assert(await office.locator('#trao-doi .thread').getByText('Đề nghị Văn phòng hướng dẫn thêm').count() === 1,
      'the office does not see the comment');
  });

  await check("office: computes, previews and publishes last month's scores", async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/xep-hang`);
    await Promise.all([page.waitForNavigation(), page.locator('#compute-link').click()]);
    assert(page.url().endsWith('/xep-hang/tinh-diem'), page.url());
    const month = lastMonth();
    await page.getByLabel(/Tháng/).first().fill(month);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Tính và xem trước' }).click()]);
    const publish = page.getByRole('button', { name: /Công bố điểm tháng/ });
    assert(await publish.count() === 1, 'no publish button');
    await shot(page, '33-tinh-diem');
    const reason = page.locator('#ly_do');
    if (await reason.count()) await reason.fill('Đính chính sau khi cập nhật báo cáo.');
    // Without ticking the confirmation: refused, said by the form.
    await Promise.all([page.waitForNavigation(), publish.click()]);
    assert(await page.locator('#publish-error').isVisible(), 'no error without the confirmation');
    if (await reason.count()) await reason.fill('Đính chính sau khi cập nhật báo cáo.');
    await page.locator('#xac_nhan').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Công bố điểm tháng/ }).click()]);
    assert(await page.getByText('Đã công bố điểm của tháng.').isVisible(), `not published: ${page.url()}`);
    assert((await page.locator('h1').innerText()).includes(month), `the rankings of ${month}`);
    // Seen by the viewer too.
    const viewer = sessions.viewer.page;
    await viewer.goto(`${base}/xep-hang`);
    assert((await viewer.locator('h1').innerText()).includes(month), 'the viewer sees the published month');
    await shot(page, '34-xep-hang');
  });

  await check('viewer: reads the dashboard and a task, and gets no write control', async () => {
    const { page } = sessions.viewer;
    await page.goto(`${base}/`);
    assert(await page.locator('a.count').count() > 0, 'no counts on the dashboard');
    await page.goto(`${base}/nhiem-vu`);
    const first = page.locator('table.list tbody tr').first().locator('td').first().getByRole('link');
    await Promise.all([page.waitForNavigation(), first.click()]);
    assert(await page.getByRole('heading', { name: /6 rõ/ }).isVisible(), 'not a task page');
    assert(await page.getByRole('link', { name: 'Sửa nhiệm vụ' }).count() === 0, 'an edit link for a viewer');
    const assignmentLink = page.locator('a[href^="/phan-cong/"]').first();
    const pages = [page.url()];
    if (await assignmentLink.count()) {
      await Promise.all([page.waitForNavigation(), assignmentLink.click()]);
      pages.push(page.url());
    }
    for (const url of pages) {
      await page.goto(url);
      // The only POST forms a viewer sees: sign out (and nothing that writes).
      const actions = await page.locator('form[method=post]').evaluateAll((fs) => fs.map((f) => f.getAttribute('action')));
      const writes = actions.filter((a) => a !== '/dang-xuat');
      assert(writes.length === 0, `write forms for a viewer on ${url}: ${writes.join(', ')}`);
      for (const name of ['Báo cáo tiến độ', 'Xin gia hạn', 'Cam kết', 'Gửi ý kiến']) {
        assert(await page.getByRole('link', { name, exact: true }).count() === 0
          && await page.getByRole('button', { name, exact: true }).count() === 0, `${name} offered to a viewer on ${url}`);
      }
    }
    await shot(page, '35-nguoi-xem');
  });

  await check('phone (390 px): the main pages never scroll sideways', async () => {
    const phone = await signIn('vanphong', { width: 390, height: 844 });
    const p = phone.page;
    await p.goto(`${base}/nhiem-vu`);
    const task = await p.locator('table.list tbody tr td a').first().getAttribute('href');
    await p.goto(`${base}/van-ban`);
    await p.goto(`${base}/co-quan`);
    const agency = await p.getByRole('link', { name: 'Bộ Công an' }).first().getAttribute('href');
    const pages = [
      ['/', 'tong-quan'],
      ['/nhiem-vu', 'nhiem-vu'],
      [task, 'nhiem-vu-chi-tiet'],
      [`/phan-cong/${assignment}`, 'phan-cong'],
      ['/xep-hang', 'xep-hang'],
      ['/van-ban', 'van-ban'],
      [agency, 'co-quan'],
      ['/duyet', 'duyet'],
    ];
    const wide = [];
    for (const [path, name] of pages) {
      const r = await p.goto(`${base}${path}`);
      assert(r.status() === 200, `${path}: ${r.status()}`);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      await shot(p, `40-dien-thoai-${name}`);
      if (width > 390) {
        const culprits = await p.evaluate(() => [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > 391)
          .slice(0, 4)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`));
        wide.push(`${path} (${width}px: ${culprits.join(', ')})`);
      }
    }
    await phone.context.close();
    assert(wide.length === 0, `scrolls sideways on a phone: ${wide.join('; ')}`);
  });
}
