import { Button, Empty, Result } from 'antd';
import { CompassOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { PlannedModule } from './planned-modules.ts';

export function ComingSoonPage({ module }: { module: PlannedModule }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      icon={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={false} />}
      title={t('comingSoon.title', { module: t(`nav.${module}`) })}
      subTitle={t(`comingSoon.${module}`)}
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          {t('comingSoon.back')}
        </Button>
      }
    />
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    // Not status="404": antd's picture for it carries an English <title>, "No Found".
    <Result
      icon={<CompassOutlined aria-hidden />}
      title={t('notFound.title')}
      subTitle={t('notFound.text')}
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          {t('comingSoon.back')}
        </Button>
      }
    />
  );
}
