import { useRef } from 'react';
import { Button, Form, Input, Select, Space } from 'antd';
import { NumberInput } from '../../forms/number-input.tsx';
import { numberRules } from '../../forms/number-rules.ts';
import { PlusCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { adjustmentReasons } from '@fidelis/contracts';
import { useFormProblem } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { formatNumber } from '../../i18n/format.ts';
import { type AdjustmentReason, type MemberLoyalty, useAdjustPoints } from './loyalty.api.ts';
import { ModalButton } from './modal-button.tsx';
import './loyalty.i18n.ts';
import { useMessage } from '../../i18n/antd-config.tsx';

interface Values {
  points: number | null;
  reason: AdjustmentReason;
  note?: string;
}

function AdjustForm({ member, onDone }: { member: MemberLoyalty; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const [form] = Form.useForm<Values>();
  const problem = useFormProblem(form);
  const adjust = useAdjustPoints(member.programId, member.customerId);
  // One key per credit meant: a resubmit after a lost answer replays it, never credits twice.
  const key = useRef<string | null>(null);
  function submit(values: Values) {
    problem.clear();
    key.current ??= newIdempotencyKey();
    const note = values.note?.trim();
    adjust.mutate(
      {
        points: values.points ?? 0,
        reason: values.reason,
        ...(note ? { note } : {}),
        idempotencyKey: key.current,
      },
      {
        onSuccess: (result) => {
          key.current = null;
          void message.success(
            t('loyalty.adjust.done', { points: formatNumber(result.points, i18n.language) }),
          );
          onDone();
        },
        onError: (error) => problem.report(error),
      },
    );
  }
  return (
    <Form<Values>
      form={form}
      name="member-adjust"
      layout="vertical"
      initialValues={{ reason: 'service_recovery' }}
      onValuesChange={() => {
        key.current = null;
      }}
      onFinish={submit}
      data-testid="adjust-form"
    >
      <Form.Item
        name="points"
        label={t('loyalty.adjust.points')}
        rules={[
          { required: true, message: t('loyalty.adjust.pointsRequired') },
          ...numberRules({ min: 1, max: 1_000_000, integer: true }, t),
        ]}
      >
        <NumberInput
          min={1}
          max={1_000_000}
          precision={0}
          autoFocus
          className="full-width"
          aria-label={t('loyalty.adjust.points')}
          data-testid="adjust-points"
        />
      </Form.Item>
      <Form.Item name="reason" label={t('loyalty.adjust.reason')}>
        <Select<AdjustmentReason>
          aria-label={t('loyalty.adjust.reason')}
          options={adjustmentReasons.map((reason) => ({
            value: reason,
            label: t(`loyalty.adjust.reasons.${reason}`),
          }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('loyalty.adjust.note')}>
        <Input
          maxLength={500}
          placeholder={t('loyalty.adjust.notePlaceholder')}
          aria-label={t('loyalty.adjust.note')}
          data-testid="adjust-note"
        />
      </Form.Item>
      {problem.alert}
      <Space>
        <Button type="primary" htmlType="submit" loading={adjust.isPending}>
          {t('loyalty.adjust.confirm')}
        </Button>
        <Button onClick={onDone}>{t('loyalty.wallet.cancel')}</Button>
      </Space>
    </Form>
  );
}

/**
 * "Credit by hand" (人工补发) on the 360 page (owners and managers): points by hand after a complaint
 * (service recovery), as a goodwill gesture or to correct a mistake, with a note for the
 * history; available at once.
 */
export function MemberAdjustButton({ member }: { member: MemberLoyalty }) {
  const { t } = useTranslation();
  return (
    <ModalButton
      icon={<PlusCircleOutlined aria-hidden />}
      label={t('loyalty.adjust.button')}
      title={t('loyalty.adjust.title', { program: member.programName })}
      testId="adjust-button"
    >
      {(close) => <AdjustForm member={member} onDone={close} />}
    </ModalButton>
  );
}
