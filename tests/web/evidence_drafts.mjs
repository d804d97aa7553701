// Browser tests of evidence files and of the review of imported documents
// (issue 4), run by run.mjs with its browser, server and signed-in sessions.
//
// 1. A focal point attaches a file to a completion report: a file over the limit
//    (10 MB) comes back with the error next to the field and everything typed
//    kept; a PDF goes through; the office sees the report with its file in the
//    queue and downloads it as an attachment.
// 2. The office pastes a notice's text, reviews the proposed tasks (each beside
//    its highlighted sentence), corrects one and confirms it: a task is created.

const MB = 1024 * 1024;

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function pdf(size = 0) {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
  return size > head.length ? Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]) : head;
}

const NOTICE = `VĂN PHÒNG CHÍNH PHỦ
Số: 950/TB-VPCP
Hà Nội, ngày 10 tháng 11 năm 2026
THÔNG BÁO
Kết luận của Thủ tướng Chính phủ tại cuộc họp về chuyển đổi số quốc gia
Ngày 05 tháng 11 năm 2026, Thủ tướng Chính phủ chủ trì cuộc họp về chuyển đổi số. Thủ tướng Chính phủ kết luận như sau:
1. Bộ Khoa học và Công nghệ chủ trì, phối hợp với Bộ Công an xây dựng nền tảng tích hợp, chia sẻ dữ liệu quốc gia phiên bản 2.0, hoàn thành trước ngày 31 tháng 12 năm 2026.
2. Bộ Y tế hoàn thiện cơ sở dữ liệu quốc gia về bảo hiểm y tế và kết nối với cơ sở dữ liệu quốc gia về dân cư, hoàn thành trong quý I năm 2027.
3. Bộ Giáo dục và Đào tạo số hóa toàn bộ văn bằng, chứng chỉ, hoàn thành trong tháng 6 năm 2027.
`;


// Today in Hà Nội (UTC+7, no summer time) as dd/mm/yyyy: a completion claim gives its day.
function todayVN() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

export async function evidenceAndDrafts({ base, sessions, check, assert, shot }) {
  let fileName = null;
  await check('focal point attaches an evidence file to a report (too large first, nothing typed lost)', async () => {
    const { page } = sessions.focal;
    await page.goto(`${base}/viec-cua-toi`);
    const link = page.getByRole('link', { name: 'Báo cáo tiến độ' }).first();
    await Promise.all([page.waitForNavigation(), link.click()]);
    assert(await page.locator('form[enctype="multipart/form-data"]').count() === 1, 'the report form is not multipart');
    await page.getByLabel(/Kết quả thực hiện/).fill('Đã hoàn thành; biên bản nghiệm thu kèm theo.');
    await page.getByLabel('Khó khăn, vướng mắc').fill('Không có');
    await page.getByLabel('Số văn bản minh chứng').fill('321/BCA-MINHCHUNG');
    await page.getByLabel(/Đã hoàn thành nhiệm vụ/).check();
    await page.locator('#completed_on').fill(todayVN());
    // Over 10 MB: the server reads it to its end, and answers with the form.
    await page.getByLabel('Tệp minh chứng').setInputFiles({ name: 'quá lớn.pdf', mimeType: 'application/pdf', buffer: pdf(10 * MB + 4096) });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.locator('#file-error').isVisible(), 'no error next to the file field');
    const msg = await page.locator('#file-error').innerText();
    assert(msg.includes('10 MB'), `error: ${msg}`);
    assert(await page.getByLabel(/Kết quả thực hiện/).inputValue() === 'Đã hoàn thành; biên bản nghiệm thu kèm theo.', 'narrative lost');
    assert(await page.getByLabel('Số văn bản minh chứng').inputValue() === '321/BCA-MINHCHUNG', 'evidence number lost');
    assert(await page.getByLabel(/Đã hoàn thành nhiệm vụ/).isChecked(), 'completion claim lost');
    await shot(page, '19-bao-cao-tep-qua-lon');
    // Far over (beyond the route's body limit of (5 files + 1) × 10 MB + 1 MB): the
    // 413 page. Playwright passes a buffer this large only as a file on disk.
    const hugeDir = mkdtempSync(join(tmpdir(), 'tiendo-huge-'));
    const huge = join(hugeDir, 'rất lớn.pdf');
    writeFileSync(huge, pdf(62 * MB));
    await page.getByLabel('Tệp minh chứng').setInputFiles(huge);
    const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    rmSync(hugeDir, { recursive: true, force: true });
    assert(resp && resp.status() === 413, `status ${resp && resp.status()}`);
    assert(await page.getByRole('heading', { name: 'Tệp quá lớn' }).isVisible(), 'no 413 page');
    await page.goBack();
    assert(await page.getByLabel(/Kết quả thực hiện/).inputValue() === 'Đã hoàn thành; biên bản nghiệm thu kèm theo.', 'narrative lost after going back');
    // A PDF of the right size goes through with the report.
    fileName = 'Biên bản nghiệm thu.pdf';
    await page.getByLabel('Tệp minh chứng').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: pdf(200 * 1024) });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi' }).click()]);
    assert(await page.getByText('Đã gửi báo cáo tiến độ.').isVisible(), `not sent: ${page.url()}`);
    assert(await page.getByRole('link', { name: fileName }).count() === 1, 'the file is not listed with the report');
    await shot(page, '20-phan-cong-tep');
  });

  await check("the office sees the file in its queue and downloads it", async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/duyet`);
    const card = page.locator('article.review', { hasText: '321/BCA-MINHCHUNG' });
    assert(await card.count() === 1, 'report not in the queue');
    const file = card.getByRole('link', { name: fileName });
    assert(await file.count() === 1, 'no file link in the queue');
    await shot(page, '21-duyet-tep');
    const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
    assert(download.suggestedFilename() === fileName, `downloaded as ${download.suggestedFilename()}`);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path);
    assert(bytes.length === 200 * 1024 && bytes.subarray(0, 5).toString() === '%PDF-', `downloaded ${bytes.length} bytes`);
    // The response itself: an attachment, never sniffed.
    const href = await file.getAttribute('href');
    const r = await page.request.get(`${base}${href}`);
    assert(r.status() === 200, `status ${r.status()}`);
    assert(r.headers()['x-content-type-options'] === 'nosniff', 'no nosniff');
    assert(r.headers()['content-disposition'].startsWith('attachment;'), r.headers()['content-disposition']);
  });

  await check('the office imports a notice and confirms a proposed task', async () => {
    const { page } = sessions.admin;
    await page.goto(`${base}/duyet`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Nhập văn bản mới' }).click()]);
    assert(page.url().endsWith('/van-ban/nhap'), page.url());
    await page.getByLabel('Dán nội dung văn bản').fill(NOTICE);
    await shot(page, '22-nhap-van-ban');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đọc văn bản' }).click()]);
    assert(/\/van-ban\/\d+\/du-thao/.test(page.url()), page.url());
    assert(await page.getByText('3 nhiệm vụ đề xuất mới').isVisible(), 'no notice of 3 proposals');
    const cards = page.locator('article.draft');
    assert(await cards.count() === 3, `${await cards.count()} proposals`);
    // Each proposal beside its source sentence, highlighted.
    const first = cards.first();
    const marked = await first.locator('blockquote.source mark').innerText();
    assert(marked.startsWith('Bộ Khoa học và Công nghệ chủ trì'), `marked: ${marked}`);
    await shot(page, '23-ra-soat-de-xuat');
    // Correct the text and the deadline, then save and confirm.
    const text = first.getByLabel('Nội dung nhiệm vụ');
    await text.fill('Xây dựng nền tảng tích hợp, chia sẻ dữ liệu quốc gia phiên bản 2.0');
    await first.getByLabel(/Thời hạn \(một ngày trong kỳ\)/).fill('30/12/2026');
    await Promise.all([page.waitForNavigation(), first.getByRole('button', { name: 'Lưu và xác nhận' }).click()]);
    assert(await page.getByText('Đã xác nhận: nhiệm vụ đã được tạo.').isVisible(), 'not confirmed');
    assert(await page.locator('#count-confirmed').innerText() === '1', 'confirmed count');
    const taskLink = page.getByRole('link', { name: 'Xem nhiệm vụ đã tạo' });
    assert(await taskLink.count() === 1, 'no link to the task');
    await shot(page, '24-de-xuat-da-xac-nhan');
    await Promise.all([page.waitForNavigation(), taskLink.click()]);
    assert(/\/nhiem-vu\/\d+/.test(page.url()), page.url());
    const h1 = await page.getByRole('heading', { level: 1 }).innerText();
    assert(h1.includes('Xây dựng nền tảng tích hợp') || (await page.content()).includes('Xây dựng nền tảng tích hợp, chia sẻ dữ liệu quốc gia phiên bản 2.0'), 'task text');
    assert((await page.content()).includes('30/12/2026'), 'the corrected deadline');
  });
}
