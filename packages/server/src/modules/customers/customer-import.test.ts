import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { countCustomers } from './customer-refs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;

function importCsv(
  tenant: Tenant,
  csv: string | Buffer,
  query = '',
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/customers/imports${query ? `?${query}` : ''}`,
    headers: { ...tenant.auth, 'content-type': 'text/csv', ...headers },
    payload: csv,
  });
}

async function customers(tenant: Tenant, query = 'sort=name') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers?${query}`,
    headers: tenant.auth,
  });
  return (res.json() as { items: Record<string, unknown>[] }).items;
}

const chineseCsv = [
  '姓名,手机,邮箱,生日,性别,外部编号,标签',
  '张三,138 0013 8000,zhangsan@example.cn,1990/1/5,男,M001,VIP;北京',
  '李四,13900000001,,19851231,女,M002,',
  '"王, 五",13700000002,wangwu@example.cn,,,M003,新客',
].join('\r\n');

describe('POST /v1/customers/imports', () => {
  it('imports UTF-8 with a BOM and Chinese headers', async () => {
    const tenant = await newTenant(t);
    const res = await importCsv(tenant, `\uFEFF${chineseCsv}\r\n`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      encoding: 'utf8',
      rows: 3,
      created: 3,
      updated: 0,
      errorCount: 0,
      columns: { 姓名: 'name', 手机: 'phone', 邮箱: 'email', 外部编号: 'externalId', 标签: 'tags' },
    });
    const list = await customers(tenant);
    expect(list.map((c) => c.name)).toEqual(['李四', '王, 五', '张三']);
    expect(list[2]).toMatchObject({
      externalId: 'M001',
      phone: '13800138000',
      email: 'zhangsan@example.cn',
      birthday: '1990-01-05',
      gender: 'male',
      tags: ['VIP', '北京'],
      source: 'import',
    });
    expect(list[0]).toMatchObject({ birthday: '1985-12-31', gender: 'female' });
  });

  it('detects GBK as written by Chinese Excel', async () => {
    const tenant = await newTenant(t);
    const gbk = iconv.encode(chineseCsv, 'gbk');
    expect(gbk.includes(Buffer.from('张三'))).toBe(false); // really not UTF-8
    const res = await importCsv(tenant, gbk);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ encoding: 'gb18030', created: 3 });
    expect((await customers(tenant)).map((c) => c.name)).toEqual(['李四', '王, 五', '张三']);
    const forced = await importCsv(await newTenant(t), gbk, 'encoding=utf8');
    expect(forced.statusCode).toBe(422);
    expect(forced.json()).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [{ field: 'encoding', reason: 'malformed' }],
    });
  });

  it('reports a bad line with its line number and field, and imports nothing', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'name,phone,email,birthday,external_id',
      'Good One,13800000000,good@example.com,1990-01-01,G1',
      'Bad Phone,not-a-phone,bad@example.com,1990-01-01,G2',
      'Bad Date,13800000001,ok@example.com,1990-13-01,G3',
      'Good Two,13800000002,two@example.com,,G4',
    ].join('\n');
    const res = await importCsv(tenant, csv);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [
        {
          line: 3,
          field: 'phone',
          message: 'not a phone number',
          reason: 'invalid_format',
          params: { format: 'phone' },
        },
        { line: 4, field: 'birthday', reason: 'invalid_format', params: { format: 'date' } },
      ],
    });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(0);

    const skipping = await importCsv(tenant, csv, 'mode=skip-invalid');
    expect(skipping.statusCode).toBe(200);
    // The report (200) words its errors as the refusal (422) does.
    expect(skipping.json()).toMatchObject({
      created: 2,
      skipped: 2,
      errorCount: 2,
      errors: [
        { line: 3, field: 'phone', reason: 'invalid_format', params: { format: 'phone' } },
        { line: 4, field: 'birthday', reason: 'invalid_format', params: { format: 'date' } },
      ],
    });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(2);
  });

  it('skips the lines the database checks refuse, and imports the rest', async () => {
    const tenant = await newTenant(t);
    const csv = ['name,external_id', '甲,A1', '乙,A1', '丙,A2'].join('\n');
    const res = await importCsv(tenant, csv, 'mode=skip-invalid');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      created: 2,
      skipped: 1,
      errors: [{ line: 3, field: 'externalId', reason: 'duplicate' }],
    });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(2);
  });

  it('updates on re-import by external id, never duplicating', async () => {
    const tenant = await newTenant(t);
    expect((await importCsv(tenant, chineseCsv)).json()).toMatchObject({ created: 3 });
    const again = await importCsv(
      tenant,
      ['外部编号,姓名,手机,标签', 'M001,张三丰,13800000009,武当', 'M004,赵六,,'].join('\n'),
    );
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 1, updated: 1 });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(4);
    const [zhang] = await customers(tenant, 'q=M001');
    expect(zhang).toMatchObject({
      name: '张三丰',
      phone: '13800000009',
      email: 'zhangsan@example.cn',
      birthday: '1990-01-05',
      tags: ['VIP', '北京', '武当'],
    });
    expect((zhang as { phones: unknown[] }).phones).toHaveLength(2);
    expect((await customers(tenant, 'q=zhangsanfeng')).map((c) => c.name)).toEqual(['张三丰']);
    // The first file again: 张三 gets his name and phone back; the others are as they were.
    const third = await importCsv(tenant, chineseCsv);
    expect(third.json()).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const fourth = await importCsv(tenant, chineseCsv);
    expect(fourth.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect((await customers(tenant, 'q=M001'))[0]).toMatchObject({
      name: '张三',
      phone: '13800138000',
    });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(4);
  });

  it('maps columns explicitly, validates attributes and checks the file against the database', async () => {
    const tenant = await newTenant(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
      payload: {
        key: 'level',
        labelZh: '会员等级',
        labelEn: 'Level',
        type: 'enum',
        options: ['金', '银'],
      },
    });
    const csv = ['客户,会员号,会员等级', '甲,A1,金', '乙,A2,铜', '丙,A1,银'].join('\n');
    const res = await importCsv(
      tenant,
      csv,
      `map=${encodeURIComponent('客户:name')}&map=${encodeURIComponent('会员号:externalId')}`,
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      errors: [
        {
          line: 3,
          field: 'attributes.level',
          reason: 'invalid_value',
          params: { options: '金, 银' },
        },
        {
          line: 4,
          field: 'externalId',
          message: 'repeats the external id of line 2',
          reason: 'duplicate',
        },
      ],
    });
    const mapping = encodeURIComponent(JSON.stringify({ 客户: 'name', 会员号: 'externalId' }));
    const ok = await importCsv(tenant, '客户,会员号,会员等级\n甲,A1,金\n', `mapping=${mapping}`);
    expect(ok.json()).toMatchObject({ created: 1, columns: { 会员等级: 'attributes.level' } });
    expect((await customers(tenant))[0]).toMatchObject({ attributes: { level: '金' } });

    const updateOnly = await importCsv(tenant, 'external_id,tags\nA1,x\nA9,y\n');
    expect(updateOnly.statusCode).toBe(422);
    expect(updateOnly.json()).toMatchObject({
      errors: [{ line: 3, field: 'name', reason: 'required' }],
    });

    const badMapping = await importCsv(tenant, 'a,b\n1,2\n', 'map=a:shoeSize');
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json()).toMatchObject({
      errors: [{ field: 'query.mapping.a', reason: 'invalid_value' }],
    });
    const missingColumn = await importCsv(tenant, 'a,b\n1,2\n', 'map=c:name');
    expect(missingColumn.statusCode).toBe(422);
    expect(missingColumn.json()).toMatchObject({
      errors: [{ line: 1, field: 'c', reason: 'column_missing' }],
    });
    const noName = await importCsv(tenant, 'a,b\n1,2\n');
    expect(noName.json()).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [
        {
          line: 1,
          field: 'name',
          reason: 'column_missing',
          params: { options: 'name, externalId' },
        },
      ],
    });
    const malformed = await importCsv(tenant, 'name,phone\n"unclosed,1\n');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json()).toMatchObject({ errors: [{ field: '(row)', reason: 'malformed' }] });
    // An unmatched quote on line 3 takes line 4 into its cell; the parser gives up on line 4,
    // the report names the line the broken row starts on.
    const swallowed = await importCsv(
      tenant,
      'name,phone,tags\n王一,13800138111,vip\n"Broken, Row,13800138112\n王二,abc,"x"y\n',
    );
    expect(swallowed.json()).toMatchObject({
      errors: [{ line: 3, field: '(row)', reason: 'malformed' }],
    });
    // NUL, which PostgreSQL text cannot hold, is a cell's error, not a 500 of the whole file.
    const nul = await importCsv(
      tenant,
      'name,external_id,tags\nAnn,nul-1,vip\nB\u0000ob,nul-2,x\u0000\n',
    );
    expect(nul.statusCode).toBe(422);
    expect(nul.json()).toMatchObject({
      errors: [
        { line: 3, field: 'name', reason: 'invalid' },
        { line: 3, field: 'tags', reason: 'invalid' },
      ],
    });
    const unknownOption = await importCsv(tenant, 'name\nA\n', 'fast=yes');
    expect(unknownOption.statusCode).toBe(400);
    const json = await t.app.inject({
      method: 'POST',
      url: '/v1/customers/imports',
      headers: tenant.auth,
      payload: { name: 'A' },
    });
    expect(json.statusCode).toBe(415);
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(1);
  });

  it('dry-runs without writing, and refuses erased customers', async () => {
    const tenant = await newTenant(t);
    const dry = await importCsv(tenant, chineseCsv, 'dryRun=true');
    expect(dry.json()).toMatchObject({ dryRun: true, created: 3 });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(0);
    // With a bad row, a dry run still says what the good ones would do.
    const mixed = await importCsv(
      tenant,
      'name,external_id,birthday\n王五,D1,1990-01-01\n赵六,D2,not-a-date\n',
      'dryRun=true',
    );
    expect(mixed.json()).toMatchObject({
      dryRun: true,
      rows: 2,
      created: 1,
      updated: 0,
      unchanged: 0,
      errorCount: 1,
    });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(0);

    await importCsv(tenant, chineseCsv);
    const [one] = await customers(tenant, 'q=M002');
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${String(one!.id)}`,
      headers: tenant.auth,
    });
    const back = await importCsv(tenant, 'name,external_id\n李四,M002\n');
    expect(back.statusCode).toBe(422);
    expect(back.json()).toMatchObject({
      errors: [{ line: 2, field: 'externalId', reason: 'invalid' }],
    });
  });

  it('streams progress lines then the result with accept: application/x-ndjson', async () => {
    const tenant = await newTenant(t);
    const rows = Array.from({ length: 12_000 }, (_, i) => `Person ${i},P${i}`);
    const res = await importCsv(tenant, `name,external_id\n${rows.join('\n')}\n`, '', {
      accept: 'application/x-ndjson',
    });
    expect(res.statusCode).toBe(200);
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; status?: number; body?: unknown });
    expect(lines.some((line) => line.type === 'progress')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'result', status: 200, body: { created: 12_000 } });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(12_000);
  });
});

describe('GET /v1/customers/export.csv', () => {
  it('exports the filtered customers in a file that imports back unchanged', async () => {
    const tenant = await newTenant(t);
    await importCsv(tenant, chineseCsv);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/export.csv?sort=name',
      headers: tenant.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.startsWith('\uFEFFid,externalId,kind,name')).toBe(true);
    const lines = res.body.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('张三');
    const filtered = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/export.csv?tag=${encodeURIComponent('新客')}&bom=false`,
      headers: tenant.auth,
    });
    expect(filtered.body.trim().split('\n')).toHaveLength(2);
    const reimport = await importCsv(tenant, res.body);
    expect(reimport.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3, errorCount: 0 });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(3);
  });

  it('round-trips separators inside list items, and no cell runs as a formula in a spreadsheet', async () => {
    const source = await newTenant(t);
    const target = await newTenant(t);
    const created = async (tenant: Tenant, url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });
      expect(res.statusCode, res.body).toBe(201);
    };
    for (const tenant of [source, target])
      for (const definition of [
        { key: 'motto', labelZh: '座右铭', labelEn: 'Motto', type: 'string' },
        { key: 'score', labelZh: '分数', labelEn: 'Score', type: 'number' },
      ])
        await created(tenant, '/v1/customer-attributes', definition);
    const profile = {
      kind: 'person',
      name: '=HYPERLINK("http://example.com","x")',
      externalId: '@ext-1',
      phone: '+86 161 9575 6062',
      tags: ['-vip', 'a;b', 'c', 'x\\y', '|'], // in the order the API lists them
      interests: ['x,y', '读书、写字'],
      occupation: '+engineer',
      notes: "'=already quoted",
      familyNotes: '\tindented',
      attributes: { motto: '-so it goes', score: -5 },
    };
    await created(source, '/v1/customers', profile);
    const exported = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/export.csv?bom=false',
      headers: source.auth,
    });
    const cells = (parse(exported.body) as string[][]).flat();
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("http://example.com","x")');

    const imported = await importCsv(target, exported.body);
    expect(imported.json()).toMatchObject({ created: 1, errorCount: 0 });
    const [copy] = await customers(target);
    const { kind: _kind, phone: _phone, ...expected } = profile;
    expect(copy).toMatchObject({ ...expected, phone: '+8616195756062' });
    // And into the tenant it came from: every value already there, nothing changes.
    const again = await importCsv(source, exported.body);
    expect(again.json()).toMatchObject({ unchanged: 1, errorCount: 0 });
  });
});
