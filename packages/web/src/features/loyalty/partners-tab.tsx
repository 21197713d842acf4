import { useState } from 'react';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Skeleton,
  Table,
  Typography,
} from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useFormProblem } from '../../api/error-text.tsx';
import { formatDateTime, formatMoney, formatNumber } from '../../i18n/format.ts';
import { startOfDayIn } from '../../i18n/zoned-date.ts';
import { SecretShownOnce } from '../platform/secret-shown-once.tsx';
import type { DesignerTabProps } from './designer-fields.tsx';
import {
  type Partner,
  type PartnerCreated,
  useCreatePartner,
  usePartners,
  useSettlement,
} from './loyalty.api.ts';
import { clearable, copyButton, pageArrows } from '../../i18n/antd-config.tsx';

function Settlement({
  program,
  partner,
}: {
  program: DesignerTabProps['program'];
  partner: Partner;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const from = range?.[0]
    ? startOfDayIn(range[0].format('YYYY-MM-DD'), program.timeZone)
    : undefined;
  const to = range?.[1]
    ? startOfDayIn(range[1].format('YYYY-MM-DD'), program.timeZone, 1)
    : undefined;
  const settlement = useSettlement(program.id, partner.id, { from, to });
  const n = (value: number) => formatNumber(value, locale);
  return (
    <Card
      size="small"
      title={t('loyalty.partnersDesigner.settlementOf', { name: partner.name })}
      data-testid="partner-settlement"
      className="section"
    >
      <Form layout="vertical">
        <Form.Item
          label={t('loyalty.partnersDesigner.period')}
          extra={t('loyalty.partnersDesigner.periodHelp')}
        >
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            value={range}
            onChange={(value) => setRange(value)}
          />
        </Form.Item>
      </Form>
      {settlement.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : settlement.isError ? (
        <ErrorAlert error={settlement.error} onRetry={() => void settlement.refetch()} />
      ) : (
        <>
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'earned',
                label: t('loyalty.partnersDesigner.earned'),
                children: n(settlement.data.earnedPoints),
              },
              {
                key: 'burned',
                label: t('loyalty.partnersDesigner.burned'),
                children: n(settlement.data.burnedPoints),
              },
              {
                key: 'net',
                label: t('loyalty.partnersDesigner.netPoints'),
                children: n(settlement.data.netPoints),
              },
              {
                key: 'money',
                label: t('loyalty.partnersDesigner.netMoney'),
                children: formatMoney(settlement.data.netMinor, settlement.data.currency, locale),
              },
              {
                key: 'count',
                label: t('loyalty.partnersDesigner.transactions'),
                children: n(settlement.data.transactions),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" className="section">
            {settlement.data.netPoints > 0
              ? t('loyalty.partnersDesigner.tenantPays')
              : settlement.data.netPoints < 0
                ? t('loyalty.partnersDesigner.partnerPays')
                : t('loyalty.partnersDesigner.even')}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

/** Partner organisations: add one (its API key is shown once), list them, settle with each. */
export function PartnersTab({ program, canDesign }: DesignerTabProps) {
  const { t, i18n } = useTranslation();
  const partners = usePartners(program.id);
  const create = useCreatePartner(program.id);
  const [form] = Form.useForm<{ name: string }>();
  const problem = useFormProblem(form);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<PartnerCreated | null>(null);
  const [selected, setSelected] = useState<Partner | null>(null);
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const items = (partners.data?.items ?? []).filter(
    (partner) => !needle || partner.name.toLowerCase().includes(needle),
  );

  // Beside the search, and in the empty list as the way to its first partner.
  const newButton = canDesign ? (
    <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
      {t('loyalty.partnersDesigner.new')}
    </Button>
  ) : null;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('loyalty.partnersDesigner.intro')}
      </Typography.Paragraph>
      <div className="designer-toolbar">
        <Input
          allowClear={clearable(t)}
          prefix={<SearchOutlined aria-hidden />}
          placeholder={t('loyalty.partnersDesigner.search')}
          aria-label={t('loyalty.partnersDesigner.search')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          className="filter-search"
        />
        {newButton}
      </div>
      {partners.isError ? (
        <ErrorAlert error={partners.error} onRetry={() => void partners.refetch()} />
      ) : (
        <Table<Partner>
          rowKey="id"
          size="middle"
          data-testid="partners-table"
          loading={partners.isPending}
          dataSource={items}
          pagination={{ pageSize: 10, hideOnSinglePage: true, ...pageArrows }}
          locale={{
            emptyText: partners.isPending ? (
              ' '
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  needle
                    ? t('loyalty.partnersDesigner.noMatch')
                    : t('loyalty.partnersDesigner.empty')
                }
              >
                {needle ? null : newButton}
              </Empty>
            ),
          }}
          columns={[
            { title: t('loyalty.partnersDesigner.name'), dataIndex: 'name' },
            {
              title: t('loyalty.partnersDesigner.id'),
              dataIndex: 'id',
              render: (id: string) => (
                <Typography.Text code copyable={copyButton()}>
                  {id}
                </Typography.Text>
              ),
            },
            {
              title: t('loyalty.partnersDesigner.createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatDateTime(value, i18n.language, program.timeZone),
            },
            {
              title: '',
              key: 'settlement',
              render: (_, row) => (
                <Button size="small" onClick={() => setSelected(row)}>
                  {t('loyalty.partnersDesigner.settlement')}
                </Button>
              ),
            },
          ]}
        />
      )}
      {selected ? <Settlement key={selected.id} program={program} partner={selected} /> : null}

      <Modal
        open={creating}
        title={t('loyalty.partnersDesigner.new')}
        okText={t('loyalty.partnersDesigner.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setCreating(false);
          problem.clear();
        }}
        destroyOnHidden
      >
        <Form
          form={form}
          name="partner"
          layout="vertical"
          onFinish={(values) => {
            problem.clear();
            create.mutate(
              { name: values.name.trim() },
              {
                onSuccess: (partner) => {
                  setCreating(false);
                  form.resetFields();
                  setCreated(partner);
                },
                onError: problem.report,
              },
            );
          }}
        >
          <Form.Item
            name="name"
            label={t('loyalty.partnersDesigner.name')}
            rules={[{ required: true, whitespace: true, message: t('loyalty.designer.required') }]}
          >
            <Input
              autoFocus
              maxLength={200}
              placeholder={t('loyalty.partnersDesigner.namePlaceholder')}
            />
          </Form.Item>
          {problem.alert}
          <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
        </Form>
      </Modal>

      <SecretShownOnce
        secret={created?.apiKey ?? null}
        title={t('loyalty.partnersDesigner.createdTitle', { name: created?.name ?? '' })}
        warning={t('loyalty.partnersDesigner.keyShownOnce')}
        testId="partner-api-key"
        onClose={() => setCreated(null)}
      >
        <Typography.Paragraph type="secondary" className="section">
          {t('loyalty.partnersDesigner.keyUse', { programId: program.id })}
        </Typography.Paragraph>
      </SecretShownOnce>
    </>
  );
}
