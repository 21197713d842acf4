import { i18n } from '../../i18n/i18n.ts';

// What the dashboard's counts count, said where the Analytics page counts differently; kept here,
// merged into the app's `translation` namespace under `dashboard.*`, beside the shared locale files.
const en = {
  totalCustomersHelp:
    'Every customer record, whether or not they have bought yet. Analytics counts only the customers with at least one purchase that was not fully refunded.',
  newVsReturningHelp:
    "New: customers whose first purchase ever falls in the month, in the tenant's time zone, refunded later or not. Analytics' cohorts leave out customers whose purchases were all refunded or in another currency.",
  noPurchasesYet:
    "Customers are in, but no purchases yet. Shops and systems send them to the API (POST /v1/events); a history of transactions is imported into this server with `npx fidelis import transactions FILE --url <this server's address> --key <API key>` (an API key that may write events).",
  apiDocs: 'API documentation',
};

const zhCN: typeof en = {
  totalCustomersHelp:
    '全部客户档案，无论是否已有购买。分析页只统计至少有一笔未全额退款购买的客户。',
  newVsReturningHelp:
    '新客户：首次购买落在该月的客户（按租户时区），无论之后是否退款。分析页的同期群不含购买全部退款或使用其他币种的客户。',
  noPurchasesYet:
    '已有客户，但还没有购买记录。门店和业务系统通过 API 发送购买（POST /v1/events）；历史交易可用 `npx fidelis import transactions 文件 --url <本服务器地址> --key <API 密钥>` 导入本服务器（API 密钥需可写入事件）。',
  apiDocs: 'API 文档',
};

i18n.addResourceBundle('en', 'translation', { dashboard: en }, true, false);
i18n.addResourceBundle('zh-CN', 'translation', { dashboard: zhCN }, true, false);
