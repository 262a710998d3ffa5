// schema.cpp - the migrations. Each is frozen once released: change the
// schema by adding a migration, never by editing an old one.
#include "storage/schema.h"

#include <string>
#include <vector>

namespace crm {

namespace {

struct Migration {
    int version;
    const char* name;
    const char* sql;
    void (*after)(Database&) = nullptr;   // a step SQL cannot say, in the same transaction
};

//-----------------------------------------------------------------------------
// 1: the CRM tables. Text columns are NOT NULL DEFAULT '' and numbers NOT
// NULL DEFAULT 0, so keyset paging can order by them without NULL cases;
// references are NULL when unset, so foreign keys hold, and their indexes are
// partial (most references are unset; `col = ?` still uses the index).
//-----------------------------------------------------------------------------
const char* kV1 = R"SQL(
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  team TEXT NOT NULL DEFAULT '',
  territory TEXT NOT NULL DEFAULT '',
  skills TEXT NOT NULL DEFAULT '',
  line INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_by_name ON users(deleted, name, id);
CREATE TABLE accounts (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT 'prospect',
  industry TEXT NOT NULL DEFAULT '',
  employees INTEGER NOT NULL DEFAULT 0,
  annual_revenue INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  tier TEXT NOT NULL DEFAULT 'Bronze',
  sic_code TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  street TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  parent_id TEXT REFERENCES accounts(id),
  owner_id TEXT REFERENCES users(id),
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accounts_by_name ON accounts(deleted, name, id);
CREATE INDEX accounts_by_industry ON accounts(deleted, industry, id);
CREATE INDEX accounts_by_tier ON accounts(deleted, tier, id);
CREATE INDEX accounts_by_city ON accounts(deleted, city, id);
CREATE INDEX accounts_by_country ON accounts(deleted, country, id);
CREATE INDEX accounts_parent_id ON accounts(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX accounts_owner_id ON accounts(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX accounts_by_created_at ON accounts(deleted, created_at, id);
CREATE TABLE contacts (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  account_id TEXT REFERENCES accounts(id),
  salutation TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  job_title TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  buying_role TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  email2 TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  mobile TEXT NOT NULL DEFAULT '',
  street TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '',
  gender TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  preferred_channel TEXT NOT NULL DEFAULT 'any',
  preferred_time TEXT NOT NULL DEFAULT '',
  email_format TEXT NOT NULL DEFAULT 'html',
  do_not_call INTEGER NOT NULL DEFAULT 0,
  opt_out_offers INTEGER NOT NULL DEFAULT 0,
  opt_out_newsletter INTEGER NOT NULL DEFAULT 0,
  opt_out_product_news INTEGER NOT NULL DEFAULT 0,
  opt_out_events INTEGER NOT NULL DEFAULT 0,
  opt_out_surveys INTEGER NOT NULL DEFAULT 0,
  opt_out_partners INTEGER NOT NULL DEFAULT 0,
  lead_source TEXT NOT NULL DEFAULT '',
  owner_id TEXT REFERENCES users(id),
  notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_account_id ON contacts(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX contacts_by_first_name ON contacts(deleted, first_name, id);
CREATE INDEX contacts_by_last_name ON contacts(deleted, last_name, id);
CREATE INDEX contacts_by_email ON contacts(deleted, email, id);
CREATE INDEX contacts_by_city ON contacts(deleted, city, id);
CREATE INDEX contacts_by_country ON contacts(deleted, country, id);
CREATE INDEX contacts_owner_id ON contacts(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX contacts_by_created_at ON contacts(deleted, created_at, id);
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'planned',
  start_date TEXT NOT NULL DEFAULT '',
  end_date TEXT NOT NULL DEFAULT '',
  budget INTEGER NOT NULL DEFAULT 0,
  actual_cost INTEGER NOT NULL DEFAULT 0,
  expected_revenue INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  target_segment TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  owner_id TEXT REFERENCES users(id)
);
CREATE INDEX campaigns_by_name ON campaigns(deleted, name, id);
CREATE INDEX campaigns_by_start_date ON campaigns(deleted, start_date, id);
CREATE INDEX campaigns_owner_id ON campaigns(owner_id) WHERE owner_id IS NOT NULL;
CREATE TABLE leads (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  company TEXT NOT NULL DEFAULT '',
  job_title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  industry TEXT NOT NULL DEFAULT '',
  line_of_business TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  campaign_id TEXT REFERENCES campaigns(id),
  status TEXT NOT NULL DEFAULT 'new',
  score INTEGER NOT NULL DEFAULT 0,
  owner_id TEXT REFERENCES users(id),
  disqualify_reason TEXT NOT NULL DEFAULT '',
  converted_at TEXT NOT NULL DEFAULT '',
  converted_account_id TEXT REFERENCES accounts(id),
  converted_contact_id TEXT REFERENCES contacts(id),
  converted_opportunity_id TEXT REFERENCES opportunities(id),
  notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leads_by_last_name ON leads(deleted, last_name, id);
CREATE INDEX leads_by_company ON leads(deleted, company, id);
CREATE INDEX leads_campaign_id ON leads(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX leads_by_score ON leads(deleted, score, id);
CREATE INDEX leads_owner_id ON leads(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX leads_converted_account_id ON leads(converted_account_id) WHERE converted_account_id IS NOT NULL;
CREATE INDEX leads_converted_contact_id ON leads(converted_contact_id) WHERE converted_contact_id IS NOT NULL;
CREATE INDEX leads_converted_opportunity_id ON leads(converted_opportunity_id) WHERE converted_opportunity_id IS NOT NULL;
CREATE INDEX leads_by_created_at ON leads(deleted, created_at, id);
CREATE TABLE opportunities (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  account_id TEXT REFERENCES accounts(id),
  contact_id TEXT REFERENCES contacts(id),
  lead_id TEXT REFERENCES leads(id),
  campaign_id TEXT REFERENCES campaigns(id),
  amount INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  stage TEXT NOT NULL DEFAULT 'qualify',
  probability INTEGER NOT NULL DEFAULT 10,
  expected_close TEXT NOT NULL DEFAULT '',
  closed_at TEXT NOT NULL DEFAULT '',
  lost_reason TEXT NOT NULL DEFAULT '',
  owner_id TEXT REFERENCES users(id),
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX opportunities_by_name ON opportunities(deleted, name, id);
CREATE INDEX opportunities_account_id ON opportunities(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX opportunities_contact_id ON opportunities(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX opportunities_lead_id ON opportunities(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX opportunities_campaign_id ON opportunities(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX opportunities_by_amount ON opportunities(deleted, amount, id);
CREATE INDEX opportunities_by_expected_close ON opportunities(deleted, expected_close, id);
CREATE INDEX opportunities_owner_id ON opportunities(owner_id) WHERE owner_id IS NOT NULL;
CREATE TABLE queues (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  line INTEGER NOT NULL DEFAULT 1,
  case_types TEXT NOT NULL DEFAULT '',
  skills TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queues_by_name ON queues(deleted, name, id);
CREATE TABLE product_categories (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  parent_id TEXT REFERENCES product_categories(id)
);
CREATE INDEX product_categories_by_name ON product_categories(deleted, name, id);
CREATE INDEX product_categories_parent_id ON product_categories(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE products (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL DEFAULT '',
  category_id TEXT REFERENCES product_categories(id),
  price INTEGER NOT NULL DEFAULT 0,
  cost INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  active INTEGER NOT NULL DEFAULT 1,
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX products_by_name ON products(deleted, name, id);
CREATE INDEX products_by_code ON products(deleted, code, id);
CREATE INDEX products_category_id ON products(category_id) WHERE category_id IS NOT NULL;
CREATE INDEX products_by_price ON products(deleted, price, id);
CREATE TABLE cases (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  number TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT 'problem',
  priority TEXT NOT NULL DEFAULT 'normal',
  status TEXT NOT NULL DEFAULT 'new',
  origin TEXT NOT NULL DEFAULT 'phone',
  line INTEGER NOT NULL DEFAULT 1,
  queue_id TEXT REFERENCES queues(id),
  account_id TEXT REFERENCES accounts(id),
  contact_id TEXT REFERENCES contacts(id),
  product_id TEXT REFERENCES products(id),
  owner_id TEXT REFERENCES users(id),
  first_owner_id TEXT REFERENCES users(id),
  tier TEXT NOT NULL DEFAULT '',
  response_due_at TEXT NOT NULL DEFAULT '',
  resolution_due_at TEXT NOT NULL DEFAULT '',
  first_response_at TEXT NOT NULL DEFAULT '',
  resolved_at TEXT NOT NULL DEFAULT '',
  resolution TEXT NOT NULL DEFAULT '',
  satisfaction INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_by_number ON cases(deleted, number, id);
CREATE INDEX cases_queue_id ON cases(queue_id) WHERE queue_id IS NOT NULL;
CREATE INDEX cases_account_id ON cases(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX cases_contact_id ON cases(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX cases_product_id ON cases(product_id) WHERE product_id IS NOT NULL;
CREATE INDEX cases_owner_id ON cases(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX cases_first_owner_id ON cases(first_owner_id) WHERE first_owner_id IS NOT NULL;
CREATE INDEX cases_by_response_due_at ON cases(deleted, response_due_at, id);
CREATE INDEX cases_by_resolution_due_at ON cases(deleted, resolution_due_at, id);
CREATE TABLE activities (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  type TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  duration_s INTEGER NOT NULL DEFAULT 0,
  occurred_at TEXT NOT NULL DEFAULT '',
  contact_id TEXT REFERENCES contacts(id),
  account_id TEXT REFERENCES accounts(id),
  lead_id TEXT REFERENCES leads(id),
  opportunity_id TEXT REFERENCES opportunities(id),
  case_id TEXT REFERENCES cases(id),
  campaign_id TEXT REFERENCES campaigns(id),
  owner_id TEXT REFERENCES users(id)
);
CREATE INDEX activities_by_occurred_at ON activities(deleted, occurred_at, id);
CREATE INDEX activities_contact_id ON activities(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX activities_account_id ON activities(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX activities_lead_id ON activities(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX activities_opportunity_id ON activities(opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX activities_case_id ON activities(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX activities_campaign_id ON activities(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE TABLE tasks (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  due_at TEXT NOT NULL DEFAULT '',
  remind_at TEXT NOT NULL DEFAULT '',
  priority TEXT NOT NULL DEFAULT 'normal',
  done INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT NOT NULL DEFAULT '',
  owner_id TEXT REFERENCES users(id),
  contact_id TEXT REFERENCES contacts(id),
  account_id TEXT REFERENCES accounts(id),
  lead_id TEXT REFERENCES leads(id),
  opportunity_id TEXT REFERENCES opportunities(id),
  case_id TEXT REFERENCES cases(id)
);
CREATE INDEX tasks_by_due_at ON tasks(deleted, due_at, id);
CREATE INDEX tasks_owner_id ON tasks(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX tasks_contact_id ON tasks(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX tasks_account_id ON tasks(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX tasks_lead_id ON tasks(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX tasks_opportunity_id ON tasks(opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX tasks_case_id ON tasks(case_id) WHERE case_id IS NOT NULL;
CREATE TABLE orders (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  number TEXT NOT NULL DEFAULT '',
  account_id TEXT REFERENCES accounts(id),
  contact_id TEXT REFERENCES contacts(id),
  opportunity_id TEXT REFERENCES opportunities(id),
  status TEXT NOT NULL DEFAULT 'placed',
  ordered_at TEXT NOT NULL DEFAULT '',
  delivered_at TEXT NOT NULL DEFAULT '',
  total INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  owner_id TEXT REFERENCES users(id)
);
CREATE INDEX orders_by_number ON orders(deleted, number, id);
CREATE INDEX orders_account_id ON orders(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX orders_contact_id ON orders(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX orders_opportunity_id ON orders(opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX orders_by_ordered_at ON orders(deleted, ordered_at, id);
CREATE INDEX orders_by_total ON orders(deleted, total, id);
CREATE INDEX orders_owner_id ON orders(owner_id) WHERE owner_id IS NOT NULL;
CREATE TABLE order_lines (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  order_id TEXT REFERENCES orders(id),
  product_id TEXT REFERENCES products(id),
  quantity INTEGER NOT NULL DEFAULT 1,
  unit_price INTEGER NOT NULL DEFAULT 0,
  discount_pct INTEGER NOT NULL DEFAULT 0,
  line_total INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order_id ON order_lines(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX order_lines_product_id ON order_lines(product_id) WHERE product_id IS NOT NULL;
CREATE TABLE tags (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tags_by_name ON tags(deleted, name, id);
CREATE TABLE record_tags (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  tag_id TEXT REFERENCES tags(id),
  entity TEXT NOT NULL DEFAULT '',
  record_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX record_tags_tag_id ON record_tags(tag_id) WHERE tag_id IS NOT NULL;

-- Lists that boards and work queues filter on.
CREATE INDEX leads_status ON leads(status);
CREATE INDEX opportunities_stage ON opportunities(stage);
CREATE INDEX cases_status ON cases(status);
CREATE UNIQUE INDEX cases_number ON cases(number) WHERE number <> '';
CREATE INDEX tasks_open_due ON tasks(owner_id, done, due_at);
CREATE INDEX record_tags_record ON record_tags(entity, record_id);

-- Key/value settings of this database (device id, counters, preferences).
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

-- Devices that wrote to this database; the change log refers to them by number.
CREATE TABLE devices (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE
);

-- Every write made through the core: one row per created record (field '*'),
-- per changed field (with its new value), per deletion (field 'deleted').
-- Serves audit history now and sync later.
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value ANY,
  at INTEGER NOT NULL,              -- ms since the epoch, UTC
  device INTEGER NOT NULL REFERENCES devices(n)
);
CREATE INDEX change_log_record ON change_log(record_id, seq);
)SQL";

//-----------------------------------------------------------------------------
// 2: full-text search over contacts, accounts and leads. One FTS5 table for
// the three, kept current by triggers, so every write path (the core, an
// import, a sync) updates it. rowid = source rowid * 4 + kind, which lets a
// trigger find its row without a scan.
//-----------------------------------------------------------------------------
#define CRM_DIGITS(x) "replace(replace(replace(replace(replace(replace(" x ",' ',''),'-',''),'(',''),')',''),'+',''),'.','')"
const char* kV2 = R"SQL(
CREATE VIRTUAL TABLE search_index USING fts5(
  kind UNINDEXED, name, company, contact_info, notes,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts WHEN new.deleted = 0 BEGIN
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) VALUES (
    new.rowid * 4 + 1, 'contacts', new.first_name || ' ' || new.last_name,
    coalesce((SELECT name FROM accounts WHERE id = new.account_id), ''),
    new.email || ' ' || new.email2 || ' ' || new.phone || ' ' || new.mobile || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL( || ' ' || )SQL" CRM_DIGITS("new.mobile") R"SQL(,
    new.notes);
END;
CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 1;
END;
CREATE TRIGGER contacts_search_au AFTER UPDATE ON contacts BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 1;
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) SELECT
    new.rowid * 4 + 1, 'contacts', new.first_name || ' ' || new.last_name,
    coalesce((SELECT name FROM accounts WHERE id = new.account_id), ''),
    new.email || ' ' || new.email2 || ' ' || new.phone || ' ' || new.mobile || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL( || ' ' || )SQL" CRM_DIGITS("new.mobile") R"SQL(,
    new.notes
  WHERE new.deleted = 0;
END;

CREATE TRIGGER accounts_search_ai AFTER INSERT ON accounts WHEN new.deleted = 0 BEGIN
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) VALUES (
    new.rowid * 4 + 2, 'accounts', new.name, new.industry || ' ' || new.city || ' ' || new.country,
    new.email || ' ' || new.phone || ' ' || new.website || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL(,
    new.description);
END;
CREATE TRIGGER accounts_search_ad AFTER DELETE ON accounts BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 2;
END;
CREATE TRIGGER accounts_search_au AFTER UPDATE ON accounts BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 2;
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) SELECT
    new.rowid * 4 + 2, 'accounts', new.name, new.industry || ' ' || new.city || ' ' || new.country,
    new.email || ' ' || new.phone || ' ' || new.website || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL(,
    new.description
  WHERE new.deleted = 0;
END;
-- A renamed account renames the company its contacts are found by.
CREATE TRIGGER accounts_search_rename AFTER UPDATE OF name ON accounts WHEN old.name <> new.name BEGIN
  UPDATE search_index SET company = new.name
   WHERE rowid IN (SELECT rowid * 4 + 1 FROM contacts WHERE account_id = new.id AND deleted = 0);
END;

CREATE TRIGGER leads_search_ai AFTER INSERT ON leads WHEN new.deleted = 0 BEGIN
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) VALUES (
    new.rowid * 4 + 3, 'leads', new.first_name || ' ' || new.last_name, new.company,
    new.email || ' ' || new.phone || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL(, new.notes);
END;
CREATE TRIGGER leads_search_ad AFTER DELETE ON leads BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 3;
END;
CREATE TRIGGER leads_search_au AFTER UPDATE ON leads BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4 + 3;
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) SELECT
    new.rowid * 4 + 3, 'leads', new.first_name || ' ' || new.last_name, new.company,
    new.email || ' ' || new.phone || ' ' || )SQL" CRM_DIGITS("new.phone") R"SQL(, new.notes
  WHERE new.deleted = 0;
END;

-- Records that existed before this migration.
INSERT INTO search_index(rowid, kind, name, company, contact_info, notes)
  SELECT c.rowid * 4 + 1, 'contacts', c.first_name || ' ' || c.last_name, coalesce(a.name, ''),
         c.email || ' ' || c.email2 || ' ' || c.phone || ' ' || c.mobile || ' ' || )SQL" CRM_DIGITS("c.phone") R"SQL( || ' ' || )SQL" CRM_DIGITS("c.mobile") R"SQL(,
         c.notes
    FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.deleted = 0;
INSERT INTO search_index(rowid, kind, name, company, contact_info, notes)
  SELECT rowid * 4 + 2, 'accounts', name, industry || ' ' || city || ' ' || country,
         email || ' ' || phone || ' ' || website || ' ' || )SQL" CRM_DIGITS("phone") R"SQL(, description
    FROM accounts WHERE deleted = 0;
INSERT INTO search_index(rowid, kind, name, company, contact_info, notes)
  SELECT rowid * 4 + 3, 'leads', first_name || ' ' || last_name, company,
         email || ' ' || phone || ' ' || )SQL" CRM_DIGITS("phone") R"SQL(, notes
    FROM leads WHERE deleted = 0;
)SQL";
#undef CRM_DIGITS

//-----------------------------------------------------------------------------
// 3: the operational workflows' configuration and content: lead assignment
// and scoring rules, SLA targets per tier and priority (editable), knowledge
// base articles (searchable through the same index, kind 0), e-mail
// templates and saved segments for campaigns.
//-----------------------------------------------------------------------------
const char* kV3 = R"SQL(
CREATE TABLE assignment_rules (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  match TEXT NOT NULL DEFAULT '',
  user_id TEXT REFERENCES users(id),
  team TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assignment_rules_by_position ON assignment_rules(deleted, position, id);
CREATE INDEX assignment_rules_user_id ON assignment_rules(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX assignment_rules_by_created_at ON assignment_rules(deleted, created_at, id);

CREATE TABLE scoring_rules (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL DEFAULT '',
  field TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL DEFAULT '',
  points INTEGER NOT NULL DEFAULT 0,
  label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scoring_rules_by_created_at ON scoring_rules(deleted, created_at, id);

CREATE TABLE sla_targets (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  tier TEXT NOT NULL DEFAULT '',
  priority TEXT NOT NULL DEFAULT '',
  response_minutes INTEGER NOT NULL DEFAULT 0,
  resolution_minutes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sla_targets_by_tier ON sla_targets(deleted, tier, id);
CREATE INDEX sla_targets_by_created_at ON sla_targets(deleted, created_at, id);

CREATE TABLE kb_articles (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  problem TEXT NOT NULL DEFAULT '',
  solution TEXT NOT NULL DEFAULT '',
  case_type TEXT NOT NULL DEFAULT '',
  product_id TEXT REFERENCES products(id)
);
CREATE INDEX kb_articles_by_title ON kb_articles(deleted, title, id);
CREATE INDEX kb_articles_product_id ON kb_articles(product_id) WHERE product_id IS NOT NULL;
CREATE INDEX kb_articles_by_created_at ON kb_articles(deleted, created_at, id);

CREATE TABLE email_templates (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT ''
);
CREATE INDEX email_templates_by_name ON email_templates(deleted, name, id);
CREATE INDEX email_templates_by_created_at ON email_templates(deleted, created_at, id);

CREATE TABLE segments (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  rules TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX segments_by_name ON segments(deleted, name, id);
CREATE INDEX segments_by_created_at ON segments(deleted, created_at, id);

ALTER TABLE cases ADD COLUMN kb_article_id TEXT REFERENCES kb_articles(id);
ALTER TABLE campaigns ADD COLUMN segment_id TEXT REFERENCES segments(id);
ALTER TABLE campaigns ADD COLUMN template_id TEXT REFERENCES email_templates(id);

CREATE TRIGGER kb_articles_search_ai AFTER INSERT ON kb_articles WHEN new.deleted = 0 BEGIN
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) VALUES (
    new.rowid * 4, 'kb_articles', new.title, new.case_type, new.problem, new.solution);
END;
CREATE TRIGGER kb_articles_search_ad AFTER DELETE ON kb_articles BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4;
END;
CREATE TRIGGER kb_articles_search_au AFTER UPDATE ON kb_articles BEGIN
  DELETE FROM search_index WHERE rowid = old.rowid * 4;
  INSERT INTO search_index(rowid, kind, name, company, contact_info, notes)
    SELECT new.rowid * 4, 'kb_articles', new.title, new.case_type, new.problem, new.solution WHERE new.deleted = 0;
END;
)SQL";

//-----------------------------------------------------------------------------
// 4: what each import did, so the last one can be reverted as a whole.
//-----------------------------------------------------------------------------
const char* kV4 = R"SQL(
CREATE TABLE imports (
  id TEXT PRIMARY KEY NOT NULL,
  at TEXT NOT NULL,
  file TEXT NOT NULL DEFAULT '',
  entity TEXT NOT NULL DEFAULT '',
  rows INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  reverted_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE import_items (
  import_id TEXT NOT NULL REFERENCES imports(id),
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  action TEXT NOT NULL,          -- created | updated
  before TEXT NOT NULL DEFAULT '' -- updated: the changed fields' previous values, as JSON
);
CREATE INDEX import_items_by_import ON import_items(import_id);
)SQL";


//-----------------------------------------------------------------------------
// 5: sync. Each change_log row gets its hybrid-logical-clock stamp (hlc:
// wall ms << 16 | counter, see base/hlc.h); `at` stays the wall time of the
// write, shown in history and taken for updated_at; seq never repeats. Rows written before this
// version are stamped from `at`, made strictly increasing per device in log
// order (a wall clock that stepped back must not reorder a device's own
// edits). The tables below are this device's own and never sync:
//   sync_pending   messages this version cannot apply yet (an entity or field
//                  of a newer schema), applied after a later migration;
//   sync_dangling  references to records not received yet, filled in when
//                  they arrive (the row holds NULL meanwhile);
//   sync_conflicts a field value that lost to a concurrent edit from another
//                  device, for the record's History tab.
// Orders get an index on their number (cases have a unique one) for the
// lookups that keep numbers apart. Settings that were counters of this
// device move under "local.", and the
// round-robin positions go: assignment now follows from the data.
//-----------------------------------------------------------------------------
const char* kV5 = R"SQL(
-- The log is rebuilt with AUTOINCREMENT: a sequence number is never given
-- twice, even after an erasure deleted the newest rows (sync sends every row
-- after the last one the server acknowledged, by this number).
CREATE TABLE change_log_v5 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value ANY,
  at INTEGER NOT NULL,              -- wall ms of the write, UTC
  device INTEGER NOT NULL REFERENCES devices(n),
  hlc INTEGER NOT NULL DEFAULT 0    -- hybrid logical clock stamp (base/hlc.h)
);
INSERT INTO change_log_v5(seq, entity, record_id, field, value, at, device)
  SELECT seq, entity, record_id, field, value, at, device FROM change_log ORDER BY seq;
DROP TABLE change_log;
ALTER TABLE change_log_v5 RENAME TO change_log;
CREATE INDEX change_log_record ON change_log(record_id, seq);
CREATE TABLE sync_pending (
  seq INTEGER PRIMARY KEY,
  message TEXT NOT NULL            -- the message as received (JSON)
);
CREATE TABLE sync_dangling (
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (entity, record_id, field)
) WITHOUT ROWID;
CREATE INDEX sync_dangling_target ON sync_dangling(target);
CREATE TABLE sync_conflicts (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  lost_value ANY,
  lost_device TEXT NOT NULL,
  lost_at INTEGER NOT NULL,        -- wall ms of the losing write
  won_value ANY,
  won_device TEXT NOT NULL,
  won_at INTEGER NOT NULL
);
CREATE INDEX sync_conflicts_record ON sync_conflicts(record_id);
-- Numbers are looked up when a number is given out or arrives from another device.
CREATE INDEX orders_number ON orders(number) WHERE number <> '';
UPDATE settings SET key = 'local.next.cases' WHERE key = 'next_case_number';
UPDATE settings SET key = 'local.next.orders' WHERE key = 'next_order_number';
DELETE FROM settings WHERE key LIKE 'leads.round\_robin.%' ESCAPE '\';
)SQL";

void stamp_change_log(Database& db) {
    Statement rows = db.prepare("SELECT seq, at, device FROM change_log ORDER BY seq");
    Statement set = db.prepare("UPDATE change_log SET hlc = ?2 WHERE seq = ?1");
    std::vector<int64_t> last;   // per device number
    while (rows.step()) {
        int64_t seq = rows.column_int(0), at = rows.column_int(1), dev = rows.column_int(2);
        if (dev < 0) dev = 0;
        if ((size_t)dev >= last.size()) last.resize((size_t)dev + 1, 0);
        int64_t h = at << 16;
        if (h <= last[(size_t)dev]) h = last[(size_t)dev] + 1;
        last[(size_t)dev] = h;
        set.bind_all(seq, h).run();
        set.reset();
    }
}

//-----------------------------------------------------------------------------
// 6: what a campaign send reached and whom it skipped (opt-outs, do-not-call,
// duplicate addresses), kept on the campaign for its results.
//-----------------------------------------------------------------------------
const char* kV6 = R"SQL(
ALTER TABLE campaigns ADD COLUMN sent_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN suppressed_count INTEGER NOT NULL DEFAULT 0;
)SQL";

//-----------------------------------------------------------------------------
// 7: the search index also indexes one-character prefixes. Without them the
// first letter typed merged the postings of every word starting with it
// (52k contacts for "s" at 100k contacts: 20 ms natively, several frames in
// the browser); with them it is one doclist, read once for a list's count and
// the rows it shows (listing.cpp).
// About 1 % more file. FTS5 cannot change its prefixes in place: the rows
// are copied out, the table made again under its name (the triggers name it
// and find it again), the rows put back and merged into one segment.
//-----------------------------------------------------------------------------
const char* kV7 = R"SQL(
CREATE TEMP TABLE search_copy AS SELECT rowid AS r, kind, name, company, contact_info, notes FROM search_index;
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5(
  kind UNINDEXED, name, company, contact_info, notes,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO search_index(rowid, kind, name, company, contact_info, notes)
  SELECT r, kind, name, company, contact_info, notes FROM search_copy ORDER BY r;
DROP TABLE temp.search_copy;
INSERT INTO search_index(search_index) VALUES ('optimize');
)SQL";

//-----------------------------------------------------------------------------
// 8: how many live records each table holds, kept by triggers. A count(*)
// reads a whole index (2,000 pages for 100k contacts): the status bar, the
// first-run check and every unfiltered list asked for it at start, which
// opened on demand (pagevfs.h) meant reading megabytes before the first
// screen. A trigger's UPDATE of a one-page table costs each write little.
// record_tags and order_lines are counted too: one rule for every table with
// a deleted flag.
//-----------------------------------------------------------------------------
const char* const kCountedTables[] = {
    "users", "accounts", "contacts", "campaigns", "leads", "opportunities", "queues", "product_categories",
    "products", "cases", "activities", "tasks", "orders", "order_lines", "tags", "record_tags",
    "assignment_rules", "scoring_rules", "sla_targets", "kb_articles", "email_templates", "segments",
};
const char* kV8 = R"SQL(
CREATE TABLE record_counts (
  entity TEXT PRIMARY KEY NOT NULL,
  live INTEGER NOT NULL
) WITHOUT ROWID;
)SQL";
void count_table(Database& db, const std::string& T) {
    db.exec("INSERT INTO record_counts(entity, live) SELECT '" + T + "', count(*) FROM " + T + " WHERE deleted = 0;"
            "CREATE TRIGGER " + T + "_count_insert AFTER INSERT ON " + T + " WHEN NEW.deleted = 0 BEGIN "
            "UPDATE record_counts SET live = live + 1 WHERE entity = '" + T + "'; END;"
            "CREATE TRIGGER " + T + "_count_delete AFTER DELETE ON " + T + " WHEN OLD.deleted = 0 BEGIN "
            "UPDATE record_counts SET live = live - 1 WHERE entity = '" + T + "'; END;"
            "CREATE TRIGGER " + T + "_count_flag AFTER UPDATE OF deleted ON " + T + " WHEN (NEW.deleted = 0) <> (OLD.deleted = 0) BEGIN "
            "UPDATE record_counts SET live = live + (NEW.deleted = 0) - (OLD.deleted = 0) WHERE entity = '" + T + "'; END;");
}
void count_records(Database& db) {
    for (const char* t : kCountedTables) count_table(db, t);
}

//-----------------------------------------------------------------------------
// 9: the search index is written in batches. FTS5 writes its pending terms
// out as a new segment whenever a statement opens a statement journal, which
// every INSERT with triggers does: a trigger that indexed each row as it was
// written made one segment per row in a bulk write, merged again and again,
// half the time of a CSV import. Now the triggers only queue the search-index
// rowid of what changed (rowid * 4 + kind, as in migration 2), and
// index_queued_search() indexes the queue with one statement per kind before
// each commit, or every slice of a long job. A row the sqlite3 shell writes
// is queued too and indexed at the app's next write or open.
//-----------------------------------------------------------------------------
#define CRM_DIGITS(x) "replace(replace(replace(replace(replace(replace(" x ",' ',''),'-',''),'(',''),')',''),'+',''),'.','')"
const char* kV9 = R"SQL(
DROP TRIGGER contacts_search_ai;  DROP TRIGGER contacts_search_ad;  DROP TRIGGER contacts_search_au;
DROP TRIGGER accounts_search_ai;  DROP TRIGGER accounts_search_ad;  DROP TRIGGER accounts_search_au;
DROP TRIGGER accounts_search_rename;
DROP TRIGGER leads_search_ai;     DROP TRIGGER leads_search_ad;     DROP TRIGGER leads_search_au;
DROP TRIGGER kb_articles_search_ai; DROP TRIGGER kb_articles_search_ad; DROP TRIGGER kb_articles_search_au;

CREATE TABLE search_queue (key INTEGER PRIMARY KEY);

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts WHEN new.deleted = 0 BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 1);
END;
CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (old.rowid * 4 + 1);
END;
CREATE TRIGGER contacts_search_au AFTER UPDATE OF first_name, last_name, account_id, email, email2, phone, mobile, notes, deleted ON contacts BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 1);
END;
CREATE TRIGGER accounts_search_ai AFTER INSERT ON accounts WHEN new.deleted = 0 BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 2);
END;
CREATE TRIGGER accounts_search_ad AFTER DELETE ON accounts BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (old.rowid * 4 + 2);
END;
CREATE TRIGGER accounts_search_au AFTER UPDATE OF name, industry, city, country, email, phone, website, description, deleted ON accounts BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 2);
END;
-- A renamed account renames the company its contacts are found by.
CREATE TRIGGER accounts_search_rename AFTER UPDATE OF name ON accounts WHEN old.name <> new.name BEGIN
  INSERT OR IGNORE INTO search_queue SELECT rowid * 4 + 1 FROM contacts WHERE account_id = new.id AND deleted = 0;
END;
CREATE TRIGGER leads_search_ai AFTER INSERT ON leads WHEN new.deleted = 0 BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 3);
END;
CREATE TRIGGER leads_search_ad AFTER DELETE ON leads BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (old.rowid * 4 + 3);
END;
CREATE TRIGGER leads_search_au AFTER UPDATE OF first_name, last_name, company, email, phone, notes, deleted ON leads BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4 + 3);
END;
CREATE TRIGGER kb_articles_search_ai AFTER INSERT ON kb_articles WHEN new.deleted = 0 BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4);
END;
CREATE TRIGGER kb_articles_search_ad AFTER DELETE ON kb_articles BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (old.rowid * 4);
END;
CREATE TRIGGER kb_articles_search_au AFTER UPDATE OF title, case_type, problem, solution, deleted ON kb_articles BEGIN
  INSERT OR IGNORE INTO search_queue VALUES (new.rowid * 4);
END;
)SQL";

// What each queued key indexes: the rows of migration 2's triggers. The
// delete comes first, so a key is the same work whether its row was
// created, changed or removed, and a run a missing block stopped half-way
// (pagevfs.h) simply runs again.
const char* const kIndexQueued[] = {
    "DELETE FROM search_index WHERE rowid IN (SELECT key FROM search_queue)",
    "INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) "
    "SELECT q.key, 'contacts', c.first_name || ' ' || c.last_name, coalesce(a.name, ''), "
    "       c.email || ' ' || c.email2 || ' ' || c.phone || ' ' || c.mobile || ' ' || " CRM_DIGITS("c.phone") " || ' ' || " CRM_DIGITS("c.mobile") ", "
    "       c.notes "
    "  FROM search_queue q JOIN contacts c ON c.rowid = q.key >> 2 LEFT JOIN accounts a ON a.id = c.account_id "
    " WHERE q.key & 3 = 1 AND c.deleted = 0 ORDER BY q.key",
    "INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) "
    "SELECT q.key, 'accounts', a.name, a.industry || ' ' || a.city || ' ' || a.country, "
    "       a.email || ' ' || a.phone || ' ' || a.website || ' ' || " CRM_DIGITS("a.phone") ", a.description "
    "  FROM search_queue q JOIN accounts a ON a.rowid = q.key >> 2 WHERE q.key & 3 = 2 AND a.deleted = 0 ORDER BY q.key",
    "INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) "
    "SELECT q.key, 'leads', l.first_name || ' ' || l.last_name, l.company, "
    "       l.email || ' ' || l.phone || ' ' || " CRM_DIGITS("l.phone") ", l.notes "
    "  FROM search_queue q JOIN leads l ON l.rowid = q.key >> 2 WHERE q.key & 3 = 3 AND l.deleted = 0 ORDER BY q.key",
    "INSERT INTO search_index(rowid, kind, name, company, contact_info, notes) "
    "SELECT q.key, 'kb_articles', k.title, k.case_type, k.problem, k.solution "
    "  FROM search_queue q JOIN kb_articles k ON k.rowid = q.key >> 2 WHERE q.key & 3 = 0 AND k.deleted = 0 ORDER BY q.key",
    "DELETE FROM search_queue",
};
#undef CRM_DIGITS

//-----------------------------------------------------------------------------
// 10: duplicates. A contact, account or lead merged into another stays as a
// tombstone naming its survivor (merged_into_id syncs like any field). The
// tables below are this device's own and never sync: merges, to undo one
// (what each changed, like the import journal), and the pairs the user said
// are not duplicates.
//-----------------------------------------------------------------------------
const char* kV10 = R"SQL(
ALTER TABLE contacts ADD COLUMN merged_into_id TEXT REFERENCES contacts(id);
ALTER TABLE accounts ADD COLUMN merged_into_id TEXT REFERENCES accounts(id);
ALTER TABLE leads ADD COLUMN merged_into_id TEXT REFERENCES leads(id);
CREATE TABLE merges (
  id TEXT PRIMARY KEY NOT NULL,
  at TEXT NOT NULL,
  entity TEXT NOT NULL,
  survivor_id TEXT NOT NULL,
  merged TEXT NOT NULL,              -- the other records' ids, comma-separated
  undone_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE merge_items (
  merge_id TEXT NOT NULL REFERENCES merges(id),
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  action TEXT NOT NULL,              -- updated | removed | tag_removed
  before TEXT NOT NULL DEFAULT ''    -- updated: the changed fields' previous values, as JSON
);
CREATE INDEX merge_items_by_merge ON merge_items(merge_id);
CREATE TABLE duplicate_dismissals (
  entity TEXT NOT NULL,
  a_id TEXT NOT NULL,                -- the smaller id of the pair
  b_id TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (entity, a_id, b_id)
) WITHOUT ROWID;
)SQL";

//-----------------------------------------------------------------------------
// 11: when each contact and account was last verified (data decay). Empty
// for the records that existed before: their last edit stands for it, so
// the migration writes no row (a database opened on demand stays instant).
//-----------------------------------------------------------------------------
const char* kV11 = R"SQL(
ALTER TABLE contacts ADD COLUMN verified_at TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN verified_at TEXT NOT NULL DEFAULT '';
)SQL";

//-----------------------------------------------------------------------------
// 12: custom fields (records/custom_fields.h). Each definition is a record
// that syncs; its values live in a real column of the entity's table
// ("cf_renewal_date"), added when the definition first loads, so the file
// stays plain SQL for the sqlite3 shell and a filter is an indexed compare.
//-----------------------------------------------------------------------------
const char* kV12 = R"SQL(
CREATE TABLE custom_fields (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  entity TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  column_name TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT 'text',
  choices TEXT NOT NULL DEFAULT '',
  required INTEGER NOT NULL DEFAULT 0,
  in_form INTEGER NOT NULL DEFAULT 1,
  in_list INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX custom_fields_by_label ON custom_fields(deleted, label, id);
CREATE INDEX custom_fields_by_created_at ON custom_fields(deleted, created_at, id);
)SQL";
void count_custom_fields(Database& db) { count_table(db, "custom_fields"); }

//-----------------------------------------------------------------------------
// 13: customer journeys (workflows/journeys.h): the journeys, and each
// record's way through one. Both sync like every record.
//-----------------------------------------------------------------------------
const char* kV13 = R"SQL(
CREATE TABLE journeys (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  trigger TEXT NOT NULL DEFAULT 'segment_entered',
  segment_id TEXT REFERENCES segments(id),
  lead_source TEXT NOT NULL DEFAULT '',
  campaign_id TEXT REFERENCES campaigns(id),
  date_field TEXT NOT NULL DEFAULT '',
  days_before INTEGER NOT NULL DEFAULT 0,
  steps TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'draft',
  activated_at TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journeys_by_name ON journeys(deleted, name, id);
CREATE INDEX journeys_by_created_at ON journeys(deleted, created_at, id);
CREATE TABLE journey_enrollments (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  journey_id TEXT REFERENCES journeys(id),
  contact_id TEXT REFERENCES contacts(id),
  lead_id TEXT REFERENCES leads(id),
  case_id TEXT REFERENCES cases(id),
  trigger_key TEXT NOT NULL DEFAULT '',
  step INTEGER NOT NULL DEFAULT 0,
  due_at TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  entered_at TEXT NOT NULL DEFAULT '',
  last_action TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journey_enrollments_by_due_at ON journey_enrollments(deleted, due_at, id);
CREATE INDEX journey_enrollments_by_created_at ON journey_enrollments(deleted, created_at, id);
CREATE INDEX journey_enrollments_by_journey ON journey_enrollments(journey_id, status);
CREATE INDEX journey_enrollments_by_contact ON journey_enrollments(contact_id);
CREATE INDEX journey_enrollments_by_lead ON journey_enrollments(lead_id);
)SQL";
void count_journeys(Database& db) {
    count_table(db, "journeys");
    count_table(db, "journey_enrollments");
}

//-----------------------------------------------------------------------------
// 14: the list indexes lose their trailing id. Every (deleted, column, id)
// index repeated the 36-character text id in each entry, while an index entry
// of a rowid table already ends with the row's rowid: listing.cpp breaks ties
// by rowid instead, with the same index. A tenth of the file at the benchmark
// size. The SQL that makes each index is read from the file, so every such
// index a version made is rewritten, and nothing else.
//-----------------------------------------------------------------------------
const char* kV14 = "";
void list_indexes_without_id(Database& db) {
    std::vector<std::pair<std::string, std::string>> rewrite;   // name, new SQL
    {
        Statement st = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%(deleted, %, id)'");
        while (st.step()) {
            std::string sql = st.column_text(1);
            sql.replace(sql.size() - 5, 5, ")");   // ", id)" -> ")"
            rewrite.emplace_back(st.column_text(0), sql);
        }
    }
    for (const auto& [name, sql] : rewrite) {
        db.exec("DROP INDEX \"" + name + "\"");
        db.exec(sql);
    }
}

//-----------------------------------------------------------------------------
// 15: the change log keeps a record's id as 16 bytes when it is a UUID
// (crm_id_key / crm_id_text in db.cpp; any other id stays text), in the row
// and in its index: 40 bytes less per change, the log and its index having
// been a fifth of the file. The sequence carries over, so a number is still
// never given twice.
//-----------------------------------------------------------------------------
const char* kV15 = R"SQL(
CREATE TABLE change_log_v15 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  record_id BLOB NOT NULL,          -- crm_id_key(id): 16 bytes for a UUID, else the id's text
  field TEXT NOT NULL,
  value ANY,
  at INTEGER NOT NULL,              -- wall ms of the write, UTC
  device INTEGER NOT NULL REFERENCES devices(n),
  hlc INTEGER NOT NULL DEFAULT 0    -- hybrid logical clock stamp (base/hlc.h)
);
INSERT INTO change_log_v15(seq, entity, record_id, field, value, at, device, hlc)
  SELECT seq, entity, crm_id_key(record_id), field, value, at, device, hlc FROM change_log ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'change_log_v15';
UPDATE sqlite_sequence SET name = 'change_log_v15' WHERE name = 'change_log';
DROP TABLE change_log;
ALTER TABLE change_log_v15 RENAME TO change_log;
CREATE INDEX change_log_record ON change_log(record_id, seq);
)SQL";

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
        {1, "CRM tables", kV1},
        {2, "full-text search", kV2},
        {3, "workflow rules, SLA targets, knowledge base, templates, segments", kV3},
        {4, "import journal", kV4},
        {5, "sync: clock stamps, pending messages, dangling references, conflicts", kV5, stamp_change_log},
        {6, "campaign sends and suppressions", kV6},
        {7, "one-character search prefixes", kV7},
        {8, "live record counts", kV8, count_records},
        {9, "search index written in batches", kV9},
        {10, "duplicates: merged records, merge journal, dismissed pairs", kV10},
        {11, "data decay: when contacts and accounts were last verified", kV11},
        {12, "custom fields", kV12, count_custom_fields},
        {13, "customer journeys", kV13, count_journeys},
        {14, "list indexes without the trailing id", kV14, list_indexes_without_id},
        {15, "change log ids in 16 bytes", kV15},
    };
    return all;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

bool search_queued(Database& db) {
    Statement& any = db.cached("SELECT EXISTS (SELECT 1 FROM search_queue)");
    bool queued = any.step() && any.column_int(0) != 0;
    any.reset();
    return queued;
}

void index_queued_search(Database& db) {
    if (!search_queued(db)) return;
    // In a savepoint of its own, also inside a BulkWrite: FTS5 writes its
    // pending terms out when the savepoint is released, here, where a block
    // still loading (PageMiss) undoes it whole. Left pending, they would be
    // written by whatever statement came next, where a miss could leave half
    // a segment behind.
    db.cached("SAVEPOINT search_queue").run();
    try {
        for (const char* sql : kIndexQueued) db.cached(sql).run();
        db.cached("RELEASE search_queue").run();
    } catch (...) {
        try {
            db.cached("ROLLBACK TO search_queue").run();
            db.cached("RELEASE search_queue").run();
        } catch (...) {}
        throw;
    }
}

void migrate(Database& db, int target) {
    if (target < 0) target = latest_schema_version();
    int app_id = (int)db.query_int("PRAGMA application_id");
    int version = db.user_version();
    if (app_id != 0 && app_id != kApplicationId)
        throw DbError(0, "'" + db.path() + "' is not a CRM database (application_id " + std::to_string(app_id) + ")");
    if (app_id == 0 && version == 0 && db.query_int("SELECT count(*) FROM sqlite_schema") > 0)
        throw DbError(0, "'" + db.path() + "' is not a CRM database (it holds other tables)");
    if (version > latest_schema_version())
        throw DbError(0, "'" + db.path() + "' was written by a newer version of the app (schema " +
                             std::to_string(version) + ", this app knows up to " +
                             std::to_string(latest_schema_version()) + ")");
    for (const Migration& m : migrations()) {
        if (m.version <= version || m.version > target) continue;
        Transaction tx(db);
        try {
            db.exec(m.sql);
            if (m.after) m.after(db);
        } catch (const PageMiss&) {
            throw;   // opened on demand: runs again when the blocks came
        } catch (const DbError& e) {
            throw DbError(e.code, "migration " + std::to_string(m.version) + " (" + m.name + "): " + e.what());
        }
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.set_user_version(m.version);
        tx.commit();
    }
    if (target >= 9) db.set_before_commit(index_queued_search);
}

}  // namespace crm
