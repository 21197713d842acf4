import { i18n } from '../../i18n/i18n.ts';

// An organisation's people: the job title beside the role, and unlinking a person. Merged into
// the app's `translation` namespace under `customerMembers.*`, beside the shared locale files.
const en = {
  jobTitle: 'Job title',
  jobTitlePlaceholder: 'e.g. Purchasing manager',
  remove: 'Remove {{name}}',
  removeTitle: 'Remove {{person}} from {{organization}}?',
  removeText: 'Only the link goes: both customers stay as they are, and can be linked again.',
  removeOk: 'Remove',
  removed: '{{person}} removed from {{organization}}',
};

const zhCN: typeof en = {
  jobTitle: '职位',
  jobTitlePlaceholder: '例如：采购经理',
  remove: '移除 {{name}}',
  removeTitle: '将 {{person}} 移出 {{organization}}？',
  removeText: '只解除关联：两个客户档案都保留，之后可以重新关联。',
  removeOk: '移除',
  removed: '已将 {{person}} 移出 {{organization}}',
};

i18n.addResourceBundle('en', 'translation', { customerMembers: en }, true, false);
i18n.addResourceBundle('zh-CN', 'translation', { customerMembers: zhCN }, true, false);
