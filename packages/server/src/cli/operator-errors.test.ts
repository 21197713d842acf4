import { CommanderError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { DataDirectoryInUseError } from '../db/connect.ts';
import { MigrationFailedError } from '../db/migrate.ts';
import { setCliLanguage } from './i18n/translate.ts';
import { operatorError } from './operator-errors.ts';
import { CliInputError } from './output.ts';

const withCode = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

afterEach(() => setCliLanguage('en'));

describe('what the CLI tells an operator instead of a stack trace', () => {
  it('says it in one line with an exit code, hiding the database password', () => {
    const env = { DATABASE_URL: 'postgres://app:s3cret@db:5432/fidelis' };
    const refused = new MigrationFailedError(
      undefined,
      withCode('connect ECONNREFUSED 10.0.0.1:5432', { code: 'ECONNREFUSED' }),
    );
    expect(operatorError(refused, env)).toEqual({
      message:
        'cannot connect to the database postgres://app:***@db:5432/fidelis (DATABASE_URL): connect ECONNREFUSED 10.0.0.1:5432',
      exitCode: 1,
    });
    const noDatabase = withCode('database "fidelis" does not exist', { code: '3D000' });
    expect(operatorError(noDatabase, env)?.message).toContain('does not exist');
    const inUse = withCode('listen EADDRINUSE', {
      code: 'EADDRINUSE',
      address: '0.0.0.0',
      port: 3000,
    });
    expect(operatorError(inUse, {})?.message).toBe(
      'cannot listen on 0.0.0.0:3000: the port is in use (another server?); set PORT to another port',
    );
    expect(operatorError(new ConfigError('PORT must be a port number, not x'))).toEqual({
      message: 'PORT must be a port number, not x',
      exitCode: 1,
    });
    expect(operatorError(new CliInputError('x.csv is empty'))?.exitCode).toBe(1);
    expect(operatorError(new DataDirectoryInUseError('/data'))).toEqual({
      message: new DataDirectoryInUseError('/data').message,
      exitCode: 2,
    });
    expect(operatorError(new CommanderError(1, 'commander.unknownOption', 'shown'))).toEqual({
      message: '',
      exitCode: 1,
    });
  });

  it('says it in Chinese when that is the language, with the same exit codes', () => {
    setCliLanguage('zh-CN');
    const env = { DATABASE_URL: 'postgres://app:s3cret@db:5432/fidelis' };
    const refused = withCode('connect ECONNREFUSED 10.0.0.1:5432', { code: 'ECONNREFUSED' });
    expect(operatorError(refused, env)).toEqual({
      message:
        '无法连接数据库 postgres://app:***@db:5432/fidelis（DATABASE_URL）：连接被拒绝（PostgreSQL 是否在该端口运行？）',
      exitCode: 1,
    });
    // PostgreSQL's own refusals by their SQLSTATE, not in its English.
    const noDatabase = withCode('database "fidelis" does not exist', { code: '3D000' });
    expect(operatorError(noDatabase, env)?.message).toBe(
      '无法连接数据库 postgres://app:***@db:5432/fidelis（DATABASE_URL）：数据库不存在',
    );
    const wrongPassword = withCode('password authentication failed for user "app"', {
      code: '28P01',
    });
    expect(operatorError(wrongPassword, env)?.message).toMatch(/：密码错误$/);
    const inUse = withCode('listen EADDRINUSE', { code: 'EADDRINUSE', address: '::', port: 80 });
    expect(operatorError(inUse, {})?.message).toBe(
      '无法监听 :::80：端口已被占用（另一个服务器？）；请将 PORT 设为其他端口',
    );
    expect(operatorError(new ConfigError('PORT must be …', 'PORT', 'x'))).toEqual({
      message: 'PORT 必须是端口号，而不是 x',
      exitCode: 1,
    });
    expect(operatorError(new ConfigError('DATABASE_URL must be …', 'DATABASE_URL'))?.message).toBe(
      'DATABASE_URL 必须是 PostgreSQL 地址，例如 postgres://user:pass@host:5432/fidelis',
    );
    // A setting without a wording here keeps its English message.
    expect(operatorError(new ConfigError('HOST is odd'))?.message).toBe('HOST is odd');
    expect(operatorError(new DataDirectoryInUseError('/data'))).toEqual({
      message: expect.stringMatching(/^\/data 中的内嵌数据库正被另一个 Fidelis 进程使用/),
      exitCode: 2,
    });
  });

  it('lets a bug through with its stack', () => {
    expect(operatorError(new TypeError('x is undefined'))).toBeNull();
    // A failed migration is not the operator's: its SQL error must show in full.
    const failed = new MigrationFailedError(
      '0300_loyalty_ledger',
      withCode('syntax', { code: '42601' }),
    );
    expect(operatorError(failed, { DATABASE_URL: 'postgres://h/db' })).toBeNull();
  });
});
