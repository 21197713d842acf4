import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { CustomerImportReport, ImportLineError } from '../../api/api-types.ts';
import { formatNumber } from '../../i18n/format.ts';
import { importCustomers, type ImportEncoding, type ImportMode } from './customers.api.ts';
import {
  importFieldLabel,
  importProblemText,
  invalidRows,
  refusalText,
  summaryCounts,
} from './import-report.ts';
import { pageArrows } from '../../i18n/antd-config.tsx';

const MAX_BYTES = 50 * 1024 * 1024;

interface Outcome {
  report: CustomerImportReport | null;
  /** Refused as a whole (all-or-nothing with bad lines): the lines come in the problem. */
  refused: ApiError | null;
  dryRun: boolean;
}

function ErrorTable({ errors }: { errors: ImportLineError[] }) {
  const { t } = useTranslation();
  return (
    <Table<ImportLineError>
      size="small"
      data-testid="import-errors"
      rowKey={(row) => `${row.line}:${row.field}:${row.message}`}
      dataSource={errors}
      pagination={
        errors.length > 20 ? { pageSize: 20, showSizeChanger: false, ...pageArrows } : false
      }
      columns={[
        { title: t('import.line'), dataIndex: 'line', width: 90 },
        {
          title: t('import.field'),
          dataIndex: 'field',
          width: 180,
          render: (field: string) => importFieldLabel(field, t),
        },
        {
          title: t('import.message'),
          dataIndex: 'message',
          render: (_, row) => importProblemText(row, t),
        },
      ]}
    />
  );
}

function Summary({ report, dryRun }: { report: CustomerImportReport; dryRun: boolean }) {
  const { t, i18n } = useTranslation();
  const counts = summaryCounts(report);
  const columns = Object.entries(report.columns);
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, md: 3 }}
        data-testid="import-summary"
        title={dryRun ? t('import.dryRunResult') : t('import.result')}
        items={counts.map(([key, value]) => ({
          key,
          label: t(dryRun ? `import.counts.${key}` : `import.countsDone.${key}`),
          children: formatNumber(value, i18n.language),
        }))}
      />
      {columns.length ? (
        <div className="section" data-testid="import-columns">
          <Typography.Text type="secondary">
            {t('import.columns', { encoding: report.encoding === 'gb18030' ? 'GBK' : 'UTF-8' })}
          </Typography.Text>
          <div>
            {columns.map(([column, field]) => (
              <Tag key={column} className="column-tag">
                {column} → {t(`import.fields.${field}`, { defaultValue: field })}
              </Tag>
            ))}
          </div>
        </div>
      ) : null}
    </>
  );
}

export function CustomerImportPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<ImportEncoding>('auto');
  const [mode, setMode] = useState<ImportMode>('all-or-nothing');
  const [dryRun, setDryRun] = useState(true);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [tooLarge, setTooLarge] = useState(false);

  const upload = useMutation({
    mutationFn: (input: { file: File; dryRun: boolean }) =>
      importCustomers(input.file, { encoding, mode, dryRun: input.dryRun }),
    onMutate: () => setOutcome(null),
    onSuccess: (report, input) => {
      setOutcome({ report, refused: null, dryRun: input.dryRun });
      if (!input.dryRun) void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
    onError: (error, input) => {
      if (error instanceof ApiError && error.fieldErrors.length > 0) {
        setOutcome({ report: null, refused: error, dryRun: input.dryRun });
      }
    },
  });

  const lineErrors: ImportLineError[] = outcome?.refused
    ? outcome.refused.fieldErrors.map((e) => ({ ...e, line: e.line ?? 0 }))
    : (outcome?.report?.errors ?? []);

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('import.title')}</Typography.Title>
      </div>
      <Card>
        <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
        <Upload.Dragger
          accept=".csv,text/csv"
          multiple={false}
          maxCount={1}
          data-testid="import-dropzone"
          fileList={file ? [{ uid: 'csv', name: file.name, size: file.size, status: 'done' }] : []}
          beforeUpload={(chosen) => {
            setTooLarge(chosen.size > MAX_BYTES);
            setFile(chosen.size > MAX_BYTES ? null : chosen);
            setOutcome(null);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setOutcome(null);
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined aria-hidden />
          </p>
          <p className="ant-upload-text">{t('import.drop')}</p>
          <p className="ant-upload-hint">{t('import.hint')}</p>
        </Upload.Dragger>
        {tooLarge ? (
          <Alert type="error" showIcon className="section" title={t('import.tooLarge')} />
        ) : null}
        <Form layout="vertical" className="section import-options">
          <Space wrap size="large" align="start">
            <Form.Item label={t('import.encoding')} htmlFor="import-encoding">
              <Select<ImportEncoding>
                id="import-encoding"
                value={encoding}
                onChange={setEncoding}
                className="import-encoding"
                options={[
                  { value: 'auto', label: t('import.encodings.auto') },
                  { value: 'utf8', label: 'UTF-8' },
                  { value: 'gbk', label: 'GBK / GB18030' },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('import.mode')}>
              <Radio.Group
                value={mode}
                onChange={(e) => setMode(e.target.value as ImportMode)}
                options={[
                  { value: 'all-or-nothing', label: t('import.modes.all-or-nothing') },
                  { value: 'skip-invalid', label: t('import.modes.skip-invalid') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('import.check')}>
              <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
                {t('import.dryRun')}
              </Checkbox>
            </Form.Item>
          </Space>
          <div>
            <Button
              type="primary"
              disabled={!file}
              loading={upload.isPending}
              onClick={() => file && upload.mutate({ file, dryRun })}
              data-testid="import-submit"
            >
              {dryRun ? t('import.validate') : t('import.run')}
            </Button>
          </div>
        </Form>
      </Card>

      {upload.isError && !outcome ? (
        <div className="section">
          <ErrorAlert error={upload.error} />
        </div>
      ) : null}

      {outcome ? (
        <Card className="section" data-testid="import-report">
          {outcome.refused ? (
            <Alert
              type="error"
              showIcon
              title={t(outcome.dryRun ? 'import.refusedDryRun' : 'import.refused', {
                count: lineErrors.length,
              })}
              description={refusalText(lineErrors, outcome.refused.detail, t, i18n.language)}
            />
          ) : outcome.report ? (
            <>
              <Alert
                type={lineErrors.length ? 'warning' : 'success'}
                showIcon
                title={
                  outcome.dryRun
                    ? lineErrors.length
                      ? t(
                          outcome.report.mode === 'skip-invalid'
                            ? 'import.dryRunErrorsSkip'
                            : 'import.dryRunErrorsStrict',
                          {
                            count: outcome.report.errorCount,
                            rows: formatNumber(invalidRows(outcome.report), i18n.language),
                          },
                        )
                      : t('import.dryRunOk')
                    : lineErrors.length
                      ? t('import.doneWithErrors', { count: invalidRows(outcome.report) })
                      : t('import.done')
                }
              />
              <div className="section">
                <Summary report={outcome.report} dryRun={outcome.dryRun} />
              </div>
              {outcome.dryRun && lineErrors.length === 0 && file ? (
                <Button
                  type="primary"
                  className="section"
                  onClick={() => upload.mutate({ file, dryRun: false })}
                >
                  {t('import.runNow')}
                </Button>
              ) : null}
            </>
          ) : null}
          {lineErrors.length > 0 ? (
            <div className="section">
              <Typography.Title level={5}>{t('import.errors')}</Typography.Title>
              <ErrorTable errors={lineErrors} />
            </div>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
