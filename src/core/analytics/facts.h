// facts.h - the analytical CRM's working set: a compact, columnar copy of the
// rows the measures read (orders and their lines, opportunities, leads, cases,
// activities, campaigns, with the accounts, users and products they point to),
// loaded from SQLite in one pass per table and then scanned in memory.
//
// Why a copy: every page filters by owner, team, territory, tier, industry,
// country and channel over a period and compares it with another; over arrays
// of integers that is milliseconds, where the same GROUP BYs through SQLite's
// text dates and UUID joins take a second at the benchmark size. The load runs
// in slices (FactsLoader::step) so the page never freezes; a write bumps the
// data version and the screens load again behind the figures they show.
//
// Money is converted to one currency (Settings: analytics.currency, default
// EUR) at the rates kept in analytics.rates ("USD 0.92, GBP 1.17": one unit of
// the currency in the base currency). An amount in a currency without a rate
// is left out of the sums, and each report says how many were.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "records/entity.h"
#include "records/store.h"

namespace crm {

// Days since 1970-01-01 (UTC) of "YYYY-MM-DD..." text; kNoDay when empty or malformed.
constexpr int32_t kNoDay = INT32_MIN;
int32_t day_of(std::string_view iso);
std::string day_text(int32_t day);                // "YYYY-MM-DD"
int32_t month_of(int32_t day);                     // months since 1970-01 (0 = Jan 1970)
std::string month_text(int32_t month);            // "YYYY-MM"
int32_t first_day_of_month(int32_t month);

// The period a measure covers, both ends included, and the one it is compared with.
struct Period {
    int32_t from = 0, to = 0;
    int32_t days() const { return to - from + 1; }
    bool has(int32_t d) const { return d >= from && d <= to; }
    Period previous() const { return {from - days(), from - 1}; }
};
// "YYYY-MM-DD" texts; empty `to` = today, empty `from` = a year before `to`.
Period make_period(const std::string& from, const std::string& to, int32_t today);

// Filters every measure takes; an empty field does not filter. owner is a user id.
struct Filter {
    std::string owner, team, territory, tier, industry, country, channel;
    bool empty() const;
    std::string describe() const;   // "tier Gold, country DE" or "none"
};

// Index 0 of each dimension table is "none" (an unset reference).
struct Facts {
    int32_t today = 0;
    std::string currency = "EUR";
    std::map<std::string, double> rates;          // currency -> base units per unit
    int32_t dormancy_days = 182;
    double default_margin = 0.30;
    int64_t sales_cost_per_month = 0;             // minor units of the base currency
    int64_t quota_per_rep_month = 0;
    double rule_min_support = 0.01, rule_min_confidence = 0.3;

    // Interned texts (tiers, stages, sources, ...); 0 = "".
    struct TextHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using TextMap = std::unordered_map<std::string, int32_t, TextHash, std::equal_to<>>;
    std::vector<std::string> codes;
    TextMap code_index;
    int32_t code(std::string_view text);          // interns
    int32_t find_code(std::string_view text) const;   // -1 when unknown
    const std::string& text(int32_t c) const { return codes[(size_t)c]; }

    struct User { int64_t rowid = 0; std::string id, name; int32_t team = 0, territory = 0, role = 0; };
    struct Account { int64_t rowid = 0; std::string id, name; int32_t tier = 0, industry = 0, country = 0, owner = 0, created = 0; };
    struct Product { int64_t rowid = 0; std::string name; int32_t category = 0; int64_t cost = 0; };
    // counted: a sale (not cancelled or returned); convertible: its total is in the base currency.
    struct Order { int64_t rowid = 0; int32_t account = 0, owner = 0, day = 0; int64_t total = 0; bool counted = true, convertible = true; double rate = 1; };
    struct Line { int32_t order = 0, product = 0; int64_t quantity = 0, total = 0; };
    struct Opportunity {
        int64_t rowid = 0; int32_t account = 0, owner = 0, campaign = 0, lead = 0;
        int32_t stage = 0, reached = 0;           // reached: index of the furthest open stage (0 qualify .. 2 propose, 3 won)
        int32_t created = 0, closed = kNoDay, expected_close = kNoDay;
        int64_t amount = 0; int32_t probability = 0; bool convertible = true;
    };
    struct Lead { int64_t rowid = 0; int32_t owner = 0, source = 0, campaign = 0, status = 0, country = 0, created = 0, converted = kNoDay, opportunity = 0; };
    struct Case {
        int64_t rowid = 0; int32_t account = 0, owner = 0, type = 0, origin = 0, tier = 0, queue = 0, status = 0, line = 1;
        int64_t created_ms = 0, response_due_ms = 0, resolution_due_ms = 0, first_response_ms = 0, resolved_ms = 0;
        int32_t satisfaction = 0, activities = 0; int64_t handling_s = 0;   // activities: interactions logged (notes not counted)
        int32_t created = 0;
    };
    struct Activity { int64_t rowid = 0; int32_t owner = 0, type = 0, channel = 0, account = 0, day = 0, campaign = 0; int64_t duration_s = 0; };
    struct Campaign { int64_t rowid = 0; std::string id, name; int32_t type = 0, start = kNoDay; int64_t cost = 0; bool convertible = true; int64_t sent = 0, suppressed = 0; };
    struct Queue { std::string name; };

    std::vector<User> users{User{}};
    std::vector<Account> accounts{Account{}};
    std::vector<int32_t> account_id_rank;           // per account: its place in id order (ties in rankings go by id)
    std::vector<Product> products{Product{}};
    std::vector<Queue> queues{Queue{"(no queue)"}};
    std::vector<Campaign> campaigns{Campaign{}};
    std::vector<Order> orders;
    std::vector<Line> lines;                       // grouped by order, in order of `orders`
    std::vector<uint32_t> order_first_line;        // orders.size() + 1 offsets into lines
    std::vector<Opportunity> opportunities{Opportunity{}};
    std::vector<Lead> leads;
    std::vector<Case> cases;
    std::vector<Activity> activities;
    // Custom fields as pivot dimensions (choice, checkbox, text): per
    // "accounts.cf_x", "opportunities.cf_x" or "cases.cf_x", the interned value
    // of each record, parallel to accounts, opportunities or cases.
    std::map<std::string, std::vector<int32_t>> custom;
    // Intermediate results several reports share (each customer's sales for a
    // filter, RFM scores, all-time rules), made on first use, by key.
    mutable std::map<std::string, std::shared_ptr<void>> memo;
    template <class T, class Make> const T& remember(const std::string& key, Make make) const {
        auto it = memo.find(key);
        if (it == memo.end()) {
            if (memo.size() > 64) memo.clear();   // filters tried and left
            it = memo.emplace(key, std::make_shared<T>(make())).first;
        }
        return *std::static_pointer_cast<T>(it->second);
    }
    int64_t unconverted = 0;                       // amounts left out: no rate for their currency
    std::map<std::string, int64_t> unconverted_by_currency;

    // Filters: a user's team and territory, an account's tier, industry and country.
    bool owner_passes(const Filter& f, int32_t user) const;
    bool account_passes(const Filter& f, int32_t account) const;
    // A minor-unit amount in `currency` in base minor units; false when there is no rate.
    bool convert(const std::string& currency, int64_t& amount) const;
    bool revenue(const Order& o) const { return o.counted && o.convertible; }
};

// Loads the facts a slice at a time. Facts::today is the store's clock.
// The custom fields of accounts, opportunities or cases a pivot can group by
// (choice, checkbox, text), loaded with the facts (Facts::custom); as pivot
// dimensions "cf_x" (the opportunity's or case's own) and "account.cf_x".
std::vector<const FieldSpec*> pivot_custom_fields(const EntitySpec& e);

class FactsLoader {
public:
    explicit FactsLoader(Store& store);
    ~FactsLoader();
    // Works for about budget_ms (<= 0: to the end); true when the facts are complete.
    bool step(double budget_ms);
    double fraction() const;
    std::shared_ptr<const Facts> result() const;  // null until step() returned true
private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};
std::shared_ptr<const Facts> load_facts(Store& store);

// What a report returns: the table behind a page, its chart series and the
// records each row counts. Cells are plain: numbers as C locale decimals,
// money in major units of the base currency, shares as fractions (0.25).
struct Drill {
    const EntitySpec* entity = nullptr;
    std::vector<int64_t> rowids;
};
struct Table {
    std::string name, title;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<Drill> drill;                     // per row, may be empty
    std::vector<std::string> notes;               // what was counted, how money was converted
    void add(std::vector<std::string> row, Drill d = {});
    std::string csv() const;
    double number(size_t row, size_t col) const;  // NaN when not a number
    int column(std::string_view name) const;      // -1 when absent
};

std::string num(double v, int decimals = 4);       // "0.25", "-" for NaN
std::string money(int64_t minor);                  // "1234.50"
std::string money_note(const Facts& f);            // "money in EUR; 3 amounts in CHF left out (no rate)"

// Record ids of rows drilled into (by rowid), in the given order.
std::vector<std::string> drill_ids(Store& store, const Drill& d, size_t offset = 0, size_t limit = SIZE_MAX);

}  // namespace crm
