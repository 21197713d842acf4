import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-client.ts';
import { useErrorText } from '../../api/error-text.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { login, sessionKey, useSession, type LoginInput } from './session.ts';

/** Only paths inside the app: never redirect to another site after login. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const next = safeNext(params.get('next'));

  if (session.data) return <Navigate to={next} replace />;

  async function submit(values: LoginInput) {
    setSubmitting(true);
    setError(null);
    try {
      const created = await login({ email: values.email.trim(), password: values.password });
      queryClient.setQueryData(sessionKey, created);
      await navigate(next, { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'INVALID_CREDENTIALS') {
        setError(t('login.invalid'));
      } else {
        setError(errorText(caught).line);
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <main className="login-page">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <Card className="login-card">
        <Typography.Title level={2} className="login-brand">
          Fidelis
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        <Form<LoginInput>
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => void submit(values)}
          onValuesChange={() => setError(null)}
          name="login"
        >
          <Form.Item
            label={t('login.email')}
            name="email"
            rules={[
              { required: true, message: t('login.emailRequired') },
              { type: 'email', message: t('login.emailInvalid') },
            ]}
          >
            <Input autoFocus autoComplete="username" type="email" inputMode="email" />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error ? (
            <Alert type="error" showIcon title={error} role="alert" className="login-error" />
          ) : null}
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
