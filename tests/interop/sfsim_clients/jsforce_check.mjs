// jsforce against sfsim, used the way its documentation shows, as a new user would.
//
// Usage: node jsforce_check.mjs LOGIN_URL [CLIENT_ID CLIENT_SECRET]
//
// Takes a token from sfsim's own token endpoint (client credentials, through jsforce's OAuth2
// client), opens `new jsforce.Connection({ instanceUrl, accessToken, version })` with it and
// runs the calls provisioning makes: queries (paged past 2,000 records), sObject create,
// retrieve, update and upsert, their multi-record forms (sObject Collections), composite,
// a partner user's creation and deactivation, limits, identity and error mapping. sfsim must
// serve https (`sfsim --tls`); trust its CA with NODE_EXTRA_CA_CERTS=sfsim/tls/ca.pem. Every
// name written carries a fresh run id, so it can run twice against one org. Prints one line
// per check and a closing "N passed, M failed" line; exits non-zero on any failure.

import { randomUUID } from 'node:crypto';
import jsforce from 'jsforce';

const API_VERSION = '68.0';
// Past one query batch (2,000), so that fetching everything has to follow nextRecordsUrl.
const BULK_CONTACTS = 2100;

// The default org's administrator app: the checks use sfsim as any client would (deleting
// Contacts, freezing), beyond what Gatehouse's integration user (`gatehouse-dev`) holds.
const [loginUrl, clientId = 'sfsim-admin', clientSecret = 'sfsim-admin-secret'] =
  process.argv.slice(2);
if (!loginUrl) {
  console.error('usage: jsforce_check.mjs LOGIN_URL [CLIENT_ID CLIENT_SECRET]');
  process.exit(2);
}
const run = randomUUID().slice(0, 8);
const state = {};
let passed = 0;
let failed = 0;

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function check(name, body) {
  try {
    const detail = await body();
    passed += 1;
    console.log(`ok   ${name}: ${detail}`);
  } catch (error) {
    failed += 1;
    const code = error.errorCode ? ` [${error.errorCode}]` : '';
    console.log(`FAIL ${name}: ${error.name}${code}: ${error.message}`);
  }
}

function conn() {
  expect(state.conn, 'no connection (the token check failed)');
  return state.conn;
}

const base = `/services/data/v${API_VERSION}`;
const bulkSoql = `SELECT Id, Gatehouse_Key__c FROM Contact WHERE Gatehouse_Key__c LIKE 'bulk-${run}-%'`;

await check("token from sfsim's token endpoint (client credentials)", async () => {
  const oauth2 = new jsforce.OAuth2({ loginUrl, clientId, clientSecret });
  const token = await oauth2.requestToken({ grant_type: 'client_credentials' });
  expect(token.instance_url.startsWith('https://'), `instance_url ${token.instance_url}`);
  state.token = token;
  state.conn = new jsforce.Connection({
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    version: API_VERSION,
  });
  return `instance ${token.instance_url}`;
});

await check('Connection.authorize with grant_type client_credentials', async () => {
  const authorized = new jsforce.Connection({
    oauth2: { loginUrl, clientId, clientSecret },
    version: API_VERSION,
  });
  const userInfo = await authorized.authorize({ grant_type: 'client_credentials' });
  expect(userInfo.id.startsWith('005') && userInfo.organizationId.startsWith('00D'),
    `userInfo ${JSON.stringify(userInfo)}`);
  const answer = await authorized.query("SELECT Username FROM User WHERE Id = '" + userInfo.id + "'");
  expect(answer.records[0].Username === 'admin@gatehouse.sfsim', JSON.stringify(answer));
  return `runs as ${answer.records[0].Username}`;
});

await check('query with a parent relationship', async () => {
  const answer = await conn().query(
    "SELECT Id, Name, Account.Name FROM Contact WHERE Gatehouse_Key__c = 'K-101'");
  expect(answer.totalSize === 1 && answer.done, JSON.stringify(answer));
  const [record] = answer.records;
  expect(record.Name === 'Sam Nouser', `Name ${record.Name}`);
  expect(record.Account.Name === 'Northwind Partners', `Account ${JSON.stringify(record.Account)}`);
  const account = await conn().sobject('Account').findOne({ Gatehouse_Key__c: 'P-100' }, ['Id']);
  state.partnerAccount = account.Id;
  return 'K-101 is Sam Nouser at Northwind Partners';
});

await check(`create ${BULK_CONTACTS} Contacts (collections, allowRecursive)`, async () => {
  const records = Array.from({ length: BULK_CONTACTS }, (_, n) => ({
    LastName: `Bulk ${String(n).padStart(4, '0')}`,
    AccountId: state.partnerAccount,
    Gatehouse_Key__c: `bulk-${run}-${String(n).padStart(4, '0')}`,
  }));
  const results = await conn().sobject('Contact').create(records, { allOrNone: true, allowRecursive: true });
  expect(results.length === BULK_CONTACTS, `${results.length} results`);
  const refused = results.filter((r) => !r.success);
  expect(refused.length === 0, `refused ${JSON.stringify(refused.slice(0, 2))}`);
  state.bulkIds = new Set(results.map((r) => r.id));
  expect(state.bulkIds.size === BULK_CONTACTS, 'ids are not distinct');
  return `${results.length} created`;
});

await check('query: first batch of 2,000, queryMore for the rest', async () => {
  expect(state.bulkIds, 'no bulk Contacts (the create check failed)');
  const first = await conn().query(bulkSoql);
  expect(first.totalSize === BULK_CONTACTS && !first.done, `totalSize ${first.totalSize} done ${first.done}`);
  expect(first.records.length === 2000, `${first.records.length} records`);
  const rest = await conn().queryMore(first.nextRecordsUrl);
  expect(rest.done && rest.records.length === BULK_CONTACTS - 2000, `rest ${rest.records.length}`);
  return `2000 + ${rest.records.length} via ${first.nextRecordsUrl}`;
});

await check('query with autoFetch', async () => {
  expect(state.bulkIds, 'no bulk Contacts (the create check failed)');
  const result = await conn()
    .query(bulkSoql)
    .run({ autoFetch: true, maxFetch: 10000 });
  expect(result.done && result.totalSize === BULK_CONTACTS, `done ${result.done} totalSize ${result.totalSize}`);
  const ids = new Set(result.records.map((r) => r.Id));
  expect(ids.size === BULK_CONTACTS && [...ids].every((id) => state.bulkIds.has(id)),
    `${ids.size} distinct records`);
  return `${ids.size} records, every created id once`;
});

await check('SObject.find with $like, sort and limit', async () => {
  expect(state.bulkIds, 'no bulk Contacts (the create check failed)');
  const records = await conn()
    .sobject('Contact')
    .find({ Gatehouse_Key__c: { $like: `bulk-${run}-%` } }, ['Id', 'Gatehouse_Key__c'])
    .sort({ Gatehouse_Key__c: -1 })
    .limit(3);
  const keys = records.map((r) => r.Gatehouse_Key__c);
  expect(JSON.stringify(keys) === JSON.stringify([2099, 2098, 2097].map((n) => `bulk-${run}-${n}`)),
    `keys ${keys}`);
  const count = await conn().sobject('Contact').count({ Gatehouse_Key__c: { $like: `bulk-${run}-%` } });
  expect(count === BULK_CONTACTS, `count ${count}`);
  return `last three keys, count() ${count}`;
});

await check("sobject('Contact').create", async () => {
  const result = await conn().sobject('Contact').create({
    FirstName: 'Grace', LastName: `Create ${run}`, Email: `grace.${run}@northwind.example`,
    AccountId: state.partnerAccount,
  });
  expect(result.success && result.id.startsWith('003'), JSON.stringify(result));
  state.contact = result.id;
  return result.id;
});

await check("sobject('Contact').retrieve", async () => {
  const record = await conn().sobject('Contact').retrieve(state.contact);
  expect(record.Id === state.contact && record.Name === `Grace Create ${run}`, JSON.stringify(record));
  const some = await conn().sobject('Contact').retrieve([state.contact, [...state.bulkIds][0]],
    { fields: ['Id', 'LastName'] });
  expect(some.length === 2 && some[0].Id === state.contact && some[1].LastName.startsWith('Bulk'),
    `many ${JSON.stringify(some)}`);
  return `${record.Name}; two by ids in one call`;
});

await check('retrieve several by id with every described field', async () => {
  expect(state.bulkIds, 'no bulk Contacts (the create check failed)');
  const ids = [...state.bulkIds].slice(0, 2);
  const records = await conn().sobject('Contact').retrieve(ids);
  expect(records.length === 2 && records.every((r, i) => r.Id === ids[i] && r.LastName.startsWith('Bulk')),
    JSON.stringify(records));
  return `${records.length} records, ${Object.keys(records[0]).length - 1} fields each`;
});

await check('find with date literals, IN and null', async () => {
  const hourAgo = new Date(Date.now() - 3600 * 1000);
  const records = await conn().sobject('Contact').find({
    CreatedDate: jsforce.SfDate.TODAY,
    LastModifiedDate: { $gte: jsforce.SfDate.toDateTimeLiteral(hourAgo) },
    Gatehouse_Key__c: { $in: [`bulk-${run}-0001`, `bulk-${run}-0002`, "o'brien"] },
    Email: null,
  }, ['Id', 'Gatehouse_Key__c']);
  expect(records.length === 2, `${records.length} records`);
  return `${records.length} records`;
});

await check("sobject('Contact').update", async () => {
  const result = await conn().sobject('Contact').update({ Id: state.contact, Title: 'Engineer' });
  expect(result.success && result.id === state.contact, JSON.stringify(result));
  const record = await conn().sobject('Contact').retrieve(state.contact, { fields: ['Title'] });
  expect(record.Title === 'Engineer', `Title ${record.Title}`);
  return 'Title changed';
});

const upsertKey = `ups-${run}`;

await check("sobject('Contact').upsert by Gatehouse_Key__c creates, then updates", async () => {
  const contact = conn().sobject('Contact');
  const created = await contact.upsert(
    { Gatehouse_Key__c: upsertKey, LastName: `Upsert ${run}`, AccountId: state.partnerAccount },
    'Gatehouse_Key__c');
  expect(created.success && created.created === true, `first ${JSON.stringify(created)}`);
  const updated = await contact.upsert({ Gatehouse_Key__c: upsertKey, Title: 'Upserted' }, 'Gatehouse_Key__c');
  expect(updated.success && updated.created === false && updated.id === created.id,
    `second ${JSON.stringify(updated)}`);
  const record = await contact.findOne({ Gatehouse_Key__c: upsertKey }, ['Title']);
  expect(record.Title === 'Upserted', `Title ${record.Title}`);
  return `created ${created.id}, then updated it`;
});

await check('upsert matching two records rejects with MULTIPLE_CHOICES', async () => {
  // Contact.Gatehouse_Key__c is an external id but not unique: two matches answer 300.
  const key = `twice-${run}`;
  await conn().sobject('Contact').create([1, 2].map((n) => ({ LastName: `Twice ${n}`, Gatehouse_Key__c: key })));
  try {
    await conn().sobject('Contact').upsert({ Gatehouse_Key__c: key, Title: 'Which one?' }, 'Gatehouse_Key__c');
  } catch (error) {
    expect(error.errorCode === 'MULTIPLE_CHOICES', `errorCode ${error.errorCode}`);
    expect(Array.isArray(error.data) && error.data.length === 2, `data ${JSON.stringify(error.data)}`);
    return `MULTIPLE_CHOICES with ${error.data.length} URLs`;
  }
  throw new Error('the upsert picked a record');
});

await check('multi-record update and upsert (collections)', async () => {
  expect(state.bulkIds, 'no bulk Contacts (the create check failed)');
  const ids = [...state.bulkIds].slice(0, 3);
  const updated = await conn().sobject('Contact').update(ids.map((Id) => ({ Id, Title: 'Collected' })));
  expect(updated.every((r) => r.success), `update ${JSON.stringify(updated)}`);
  const upserted = await conn().sobject('Contact').upsert([
    { Gatehouse_Key__c: `bulk-${run}-0000`, Title: 'Again' },
    { Gatehouse_Key__c: `coll-${run}`, LastName: 'Collected' },
  ], 'Gatehouse_Key__c');
  expect(JSON.stringify(upserted.map((r) => r.created)) === '[false,true]', `upsert ${JSON.stringify(upserted)}`);
  return 'update 3, upsert created [false, true]';
});

await check('multi-record create reports per-record errors', async () => {
  const results = await conn().sobject('Contact').create([
    { LastName: `Kept ${run}` },
    { FirstName: 'No last name' },
  ]);
  expect(results[0].success, `first ${JSON.stringify(results[0])}`);
  const [error] = results[1].errors;
  expect(!results[1].success && error.statusCode === 'REQUIRED_FIELD_MISSING'
    && JSON.stringify(error.fields) === '["LastName"]', `second ${JSON.stringify(results[1])}`);
  return 'success, then REQUIRED_FIELD_MISSING on LastName';
});

await check('requestPost composite with references', async () => {
  const answer = await conn().requestPost(`${base}/composite`, {
    allOrNone: true,
    compositeRequest: [
      { method: 'GET', referenceId: 'account',
        url: `${base}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Gatehouse_Key__c = 'P-100'")}` },
      { method: 'POST', referenceId: 'contact', url: `${base}/sobjects/Contact`,
        body: { LastName: `Composite ${run}`, AccountId: '@{account.records[0].Id}' } },
      { method: 'PATCH', referenceId: 'title', url: `${base}/sobjects/Contact/@{contact.id}`,
        body: { Title: 'Composed' } },
      { method: 'GET', referenceId: 'readBack', url: `${base}/sobjects/Contact/@{contact.id}?fields=AccountId,Title` },
    ],
  });
  const statuses = answer.compositeResponse.map((r) => r.httpStatusCode);
  expect(JSON.stringify(statuses) === '[200,201,204,200]', `statuses ${JSON.stringify(answer)}`);
  const readBack = answer.compositeResponse[3].body;
  expect(readBack.AccountId === state.partnerAccount && readBack.Title === 'Composed', JSON.stringify(readBack));
  return `statuses ${statuses}`;
});

await check('partner User on a Contact, then frozen and deactivated', async () => {
  const profile = await conn().sobject('Profile').findOne({ Name: 'Partner Community User' }, ['Id']);
  const contact = await conn().sobject('Contact').create({
    FirstName: 'Lin', LastName: `Partner ${run}`, Email: `lin.${run}@northwind.example`,
    AccountId: state.partnerAccount,
  });
  const created = await conn().sobject('User').create({
    Username: `lin.${run}@northwind.example.sfsim`, FirstName: 'Lin', LastName: `Partner ${run}`,
    Email: `lin.${run}@northwind.example`, Alias: `l${run.slice(0, 7)}`, CommunityNickname: `lin.${run}`,
    TimeZoneSidKey: 'America/New_York', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8',
    LanguageLocaleKey: 'en_US', ProfileId: profile.Id, ContactId: contact.id,
  });
  expect(created.success && created.id.startsWith('005'), JSON.stringify(created));
  const user = await conn().sobject('User').retrieve(created.id, { fields: ['IsActive', 'UserType', 'AccountId'] });
  expect(user.IsActive === true && user.UserType === 'PowerPartner' && user.AccountId === state.partnerAccount,
    JSON.stringify(user));
  const login = await conn().sobject('UserLogin').findOne({ UserId: created.id }, ['Id', 'IsFrozen']);
  const frozen = await conn().sobject('UserLogin').update({ Id: login.Id, IsFrozen: true });
  expect(frozen.success && !login.IsFrozen, `freeze ${JSON.stringify(frozen)}`);
  await conn().sobject('User').update({ Id: created.id, IsActive: false });
  const after = await conn().sobject('User').retrieve(created.id, { fields: ['IsActive'] });
  expect(after.IsActive === false, 'still active');
  return `${created.id} PowerPartner, frozen, deactivated`;
});

await check('missing required field rejects with errorCode REQUIRED_FIELD_MISSING', async () => {
  try {
    await conn().sobject('Contact').create({ FirstName: 'No last name' });
  } catch (error) {
    expect(error.errorCode === 'REQUIRED_FIELD_MISSING', `errorCode ${error.errorCode}`);
    expect(JSON.stringify(error.data.fields) === '["LastName"]', `data ${JSON.stringify(error.data)}`);
    return `${error.errorCode}: ${error.message}`;
  }
  throw new Error('the create was accepted');
});

await check("sobject('Contact').destroy", async () => {
  const created = await conn().sobject('Contact').create({ LastName: `Destroyed ${run}` });
  const result = await conn().sobject('Contact').destroy(created.id);
  expect(result.success && result.id === created.id, JSON.stringify(result));
  try {
    await conn().sobject('Contact').retrieve(created.id);
  } catch (error) {
    expect(error.errorCode === 'NOT_FOUND', `errorCode ${error.errorCode}`);
    return 'deleted, then NOT_FOUND';
  }
  throw new Error('the deleted Contact is still there');
});

await check('limits()', async () => {
  const limits = await conn().limits();
  const daily = limits.DailyApiRequests;
  expect(daily.Max === 100000 && daily.Remaining < daily.Max, JSON.stringify(daily));
  return `DailyApiRequests ${JSON.stringify(daily)}`;
});

await check('identity()', async () => {
  const identity = await conn().identity();
  expect(identity.username === 'admin@gatehouse.sfsim', `username ${identity.username}`);
  expect(identity.user_id.startsWith('005') && identity.organization_id.startsWith('00D'),
    JSON.stringify(identity));
  return `${identity.username} in ${identity.organization_id}`;
});

await check('describe and describeGlobal', async () => {
  const described = await conn().describe('Contact');
  const key = described.fields.find((f) => f.name === 'Gatehouse_Key__c');
  expect(key && key.externalId === true, `Gatehouse_Key__c ${JSON.stringify(key)}`);
  const global = await conn().describeGlobal();
  expect(global.sobjects.some((o) => o.name === 'UserLogin'), 'no UserLogin in describeGlobal');
  return 'Gatehouse_Key__c is an external id';
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
