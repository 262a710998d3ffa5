// test_analytics.cpp - every measure of the analytical CRM on small fixtures
// whose figures are worked out by hand in the comments, the edge cases (no
// orders, ties at quintile edges, currencies, deleted and cancelled records,
// filters), and the association rules against a brute-force reference.
#include <cmath>
#include <map>
#include <set>

#include "analytics/reports.h"
#include "workflows/campaigns.h"
#include "workflows/pipeline.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

int64_t at(const char* iso) { return *parse_datetime(iso); }

size_t row_count(const Table& t) { return t.rows.size(); }

// The cell of a "measure, value, ..." table.
std::string cell(const Table& t, const std::string& row, const std::string& column) {
    int c = t.column(column);
    REQUIRE(c >= 0);
    for (const auto& r : t.rows)
        if (r[0] == row) return r[(size_t)c];
    FAIL("no row '" << row << "' in " << t.name);
    return "";
}

// Five customers over 2024-2025, reported on 2025 (a 365-day year).
//   A Gold DE:   2024-11-15 P1x1 100.00 | 2025-02-10 P1x2 200.00 | 2025-06-01 P1x1 + P2x2 200.00 | 2025-12-20 P2x1 50.00
//   B Silver FR: 2024-03-01 P2x1 50.00  | 2025-03-15 P2x4 200.00
//   C Bronze DE: 2024-10-01 P1x1 100.00 | 2025-05-05 P1x5 cancelled
//   D Bronze DE: no orders
//   E Silver FR: 2025-09-01 P1x1 100.00
// P1 costs 60.00 of its 100.00; P2 (50.00) has no cost: the default margin (30 %) applies.
struct Shop : Fixture {
    std::string ann, A, B, C, D, E, p1, p2;
    ReportArgs year;
    Shop() {
        ann = store.create(kUsers, {{"name", "Ann"}, {"role", "sales_rep"}, {"team", "North"}, {"territory", "DE"}});
        A = store.create(kAccounts, {{"name", "Alpha"}, {"tier", "Gold"}, {"country", "DE"}, {"industry", "Retail"}, {"owner_id", ann}});
        B = store.create(kAccounts, {{"name", "Beta"}, {"tier", "Silver"}, {"country", "FR"}, {"industry", "Retail"}});
        C = store.create(kAccounts, {{"name", "Gamma"}, {"tier", "Bronze"}, {"country", "DE"}, {"industry", "Energy"}});
        D = store.create(kAccounts, {{"name", "Delta"}, {"tier", "Bronze"}, {"country", "DE"}});
        E = store.create(kAccounts, {{"name", "Epsilon"}, {"tier", "Silver"}, {"country", "FR"}});
        p1 = store.create(kProducts, {{"name", "Printer"}, {"price", int64_t(10000)}, {"cost", int64_t(6000)}});
        p2 = store.create(kProducts, {{"name", "Toner"}, {"price", int64_t(5000)}});
        order(A, "2024-11-15", {{p1, 1}}, ann);
        order(A, "2025-02-10", {{p1, 2}}, ann);
        order(A, "2025-06-01", {{p1, 1}, {p2, 2}}, ann);
        order(A, "2025-12-20", {{p2, 1}}, ann);
        order(B, "2024-03-01", {{p2, 1}});
        order(B, "2025-03-15", {{p2, 4}});
        order(C, "2024-10-01", {{p1, 1}});
        order(C, "2025-05-05", {{p1, 5}}, "", "cancelled");
        order(E, "2025-09-01", {{p1, 1}});
        // Campaigns: the actual cost once entered, else the budget; one outside the year.
        store.create(kCampaigns, {{"name", "Spring"}, {"start_date", "2025-04-01"}, {"budget", int64_t(30000)}});
        store.create(kCampaigns, {{"name", "May"}, {"start_date", "2025-05-01"}, {"budget", int64_t(50000)}, {"actual_cost", int64_t(20000)}});
        store.create(kCampaigns, {{"name", "Old"}, {"start_date", "2024-06-01"}, {"budget", int64_t(99900)}});
        year.period = {day_of("2025-01-01"), day_of("2025-12-31")};
    }
    std::string order(const std::string& account, const char* day, std::vector<std::pair<std::string, int64_t>> lines,
                      const std::string& owner = "", const char* status = "delivered") {
        Fields f{{"account_id", account}, {"ordered_at", std::string(day) + "T10:00:00Z"}, {"status", status}};
        if (!owner.empty()) f.push_back({"owner_id", owner});
        std::string o = store.create(kOrders, f);
        for (auto& [product, qty] : lines) {
            int64_t price = store.must_get(kProducts, product).integer("price");
            store.create(kOrderLines, {{"order_id", o}, {"product_id", product}, {"quantity", qty}, {"unit_price", price}});
        }
        return o;
    }
    std::shared_ptr<const Facts> facts() { return load_facts(store); }
};

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("value: average sale, LTV, CLV, equity, CAC and LTV:CAC, worked by hand") {
    Shop s;
    Table t = report_value(*s.facts(), s.year);
    // 2025's sales: A 200 + 200 + 50, B 200, E 100 = 750.00 in 5 sales by 3 customers; E is new (first sale in 2025).
    CHECK(cell(t, "customers", "value") == "3");
    CHECK(cell(t, "new customers", "value") == "1");
    CHECK(cell(t, "sales", "value") == "5");
    CHECK(cell(t, "revenue", "value") == "750.00");
    CHECK(cell(t, "average sale value", "value") == "150.00");            // 750 / 5
    CHECK(cell(t, "sales per customer per year", "value") == "1.6667");   // 5 / 3 / 1 year
    // Active on 2024-12-31 (a sale after 2024-07-02): A and C; on 2025-12-31 (a sale after 2025-07-02): A only.
    CHECK(cell(t, "churn rate (count)", "value") == "0.5");
    CHECK(cell(t, "retention time", "value") == "2");                     // 1 / (1 - 0.5^(365/365))
    CHECK(cell(t, "LTV", "value") == "500.00");                           // 150 x 1.6667 x 2
    // Margin: P1 lines 200 + 100 + 100 at 40 % = 160; P2 lines 100 + 50 + 200 at 30 % = 105; 265 / 750.
    CHECK(cell(t, "margin", "value") == "0.3533");
    CHECK(cell(t, "CLV", "value") == "176.67");                           // 500 x 0.35333
    CHECK(cell(t, "customer equity", "value") == "530.00");               // 3 x 176.667
    CHECK(cell(t, "marketing cost", "value") == "500.00");                // 300 budget + 200 actual; 2024's campaign not counted
    CHECK(cell(t, "CAC", "value") == "500.00");                           // (500 + 0 sales cost) / 1 new customer
    CHECK(cell(t, "LTV:CAC", "value") == "1");
    bool rule_shown = false;
    for (auto& n : t.notes) rule_shown = rule_shown || n.find("below the 3:1 rule") != std::string::npos;
    CHECK(rule_shown);
    // The previous period (2024-01-02 .. 2024-12-31): A 100, B 50, C 100 = 250.00 in 3 sales.
    CHECK(cell(t, "revenue", "previous") == "250.00");
    CHECK(cell(t, "sales", "previous") == "3");
}

TEST_CASE("value: filters by tier and owner; a sales cost per month enters CAC") {
    Shop s;
    s.store.set_setting("analytics.sales_cost_per_month", "10000");   // 100.00 a month
    ReportArgs a = s.year;
    a.filter.tier = "Silver";
    Table t = report_value(*s.facts(), a);
    CHECK(cell(t, "customers", "value") == "2");                          // B and E
    CHECK(cell(t, "revenue", "value") == "300.00");
    // Sales cost: 100.00 x 365 / (365.25 / 12) = 1199.18; CAC = (500 + 1199.18) / 1 new customer (E).
    CHECK(cell(t, "sales cost", "value") == "1199.18");
    CHECK(cell(t, "CAC", "value") == "1699.18");
    a.filter = {};
    a.filter.owner = s.ann;                                               // only A's orders carry Ann as owner
    Table o = report_value(*s.facts(), a);
    CHECK(cell(o, "customers", "value") == "1");
    CHECK(cell(o, "revenue", "value") == "450.00");
}

TEST_CASE("retention: churn by count, revenue and lifetime value, per tier") {
    Shop s;
    Table t = report_retention(*s.facts(), s.year);
    // At start: A (sales 2024-07-02..2024-12-31: 100.00) and C (100.00). C churns.
    CHECK(cell(t, "All customers", "customers_at_start") == "2");
    CHECK(cell(t, "All customers", "churned") == "1");
    CHECK(cell(t, "All customers", "churn_rate") == "0.5");
    CHECK(cell(t, "All customers", "retention_rate") == "0.5");
    CHECK(cell(t, "All customers", "revenue_at_start") == "200.00");
    CHECK(cell(t, "All customers", "churn_rate_revenue") == "0.5");
    // Lifetime value before 2025: margin of 2024's sales = (40 + 15 + 40) / 250 = 0.38; A and C 100 x 0.38 each.
    CHECK(cell(t, "All customers", "lifetime_value_at_start") == "76.00");
    CHECK(cell(t, "All customers", "churned_lifetime_value") == "38.00");
    CHECK(cell(t, "Gold", "churned") == "0");
    CHECK(cell(t, "Bronze", "churn_rate") == "1");
    CHECK(cell(t, "Silver", "churn_rate") == "");                        // nobody at start: no rate, not 0
    // The churned customers are what the row drills into.
    REQUIRE(t.drill[0].rowids.size() == 1);
    CHECK(drill_ids(s.store, t.drill[0]) == std::vector<std::string>{s.C});
}

TEST_CASE("retention: a dormancy period from Settings changes who churned") {
    Shop s;
    s.store.set_setting("analytics.dormancy_days", "400");   // C's 2024-10-01 sale keeps it active to 2025-11-05
    Table t = report_retention(*s.facts(), s.year);
    // At start (a sale in the 400 days to 2024-12-31): A, B (2024-03-01) and C; at the end: A, B (2025-03-15), E.
    CHECK(cell(t, "All customers", "customers_at_start") == "3");
    CHECK(cell(t, "All customers", "churned") == "1");
}

TEST_CASE("loyalty: repeat purchasers, repeat sales, key customers, relationship duration") {
    Shop s;
    Table t = report_loyalty(*s.facts(), s.year);
    CHECK(cell(t, "customers buying in the period", "value") == "3");
    CHECK(cell(t, "repeat purchasers", "value") == "2");                       // A and B; E has one sale
    CHECK(cell(t, "repeat purchasers, share of customers", "value") == "0.6667");
    CHECK(cell(t, "repeat sales, share of revenue", "value") == "0.8667");     // A 450 + B 200 of 750; E's first is not
    CHECK(cell(t, "sales to key customers", "value") == "450.00");             // Gold: A
    CHECK(cell(t, "key customers, share of revenue", "value") == "0.6");
    // A 2024-11-15..2025-12-31 (active) 411 days; B 2024-03-01..2025-03-15 379; C 0; E 2025-09-01..2025-12-31 121.
    CHECK(cell(t, "average relationship duration", "value") == "227.8");      // 911 / 4 = 227.75
    CHECK(cell(t, "average relationship duration, key customers", "value") == "411");
}

TEST_CASE("cohorts: month of first sale, share buying k months later") {
    Shop s;
    ReportArgs a;
    a.period = {day_of("2024-03-01"), day_of("2025-12-31")};
    Table t = report_cohorts(*s.facts(), a);
    CHECK(t.columns.size() == 2 + 13);                                         // m0..m12
    // Cohort 2024-03: B; buys again 2025-03 = m12.
    CHECK(cell(t, "2024-03", "customers") == "1");
    CHECK(cell(t, "2024-03", "m0") == "1");
    CHECK(cell(t, "2024-03", "m1") == "0");
    CHECK(cell(t, "2024-03", "m12") == "1");
    // Cohort 2024-11: A; buys 2025-02 (m3), 2025-06 (m7), 2025-12 (m13, beyond the table).
    CHECK(cell(t, "2024-11", "m3") == "1");
    CHECK(cell(t, "2024-11", "m4") == "0");
    CHECK(cell(t, "2024-11", "m7") == "1");
    // Cohort 2025-09: E; months after 2025-12 are blank, not zero.
    CHECK(cell(t, "2025-09", "m3") == "0");
    CHECK(cell(t, "2025-09", "m4") == "");
    CHECK(cell(t, "2025-01", "customers") == "0");
}

TEST_CASE("RFM: scores by quintile of rank, ties by customer id, segments from R and F") {
    Shop s;
    Table t = report_rfm(*s.facts(), s.year);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.columns == std::vector<std::string>{"customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"});
    std::map<std::string, std::vector<std::string>> by;
    for (auto& r : t.rows) by[r[0]] = r;
    // Recency to 2025-12-31: A 11 days, E 121, B 291. Ranked worst first (B, E, A): scores 1 + rank x 5 / 3 = 1, 2, 4.
    CHECK(by[s.A] == std::vector<std::string>{s.A, "11", "3", "450.00", "4", "4", "4", "Loyal customers"});
    CHECK(by[s.E][1] == "121");
    CHECK(by[s.E][4] == "2");
    CHECK(by[s.B][1] == "291");
    CHECK(by[s.B][4] == "1");
    // B and E both bought once: the lower id ranks first and scores 1, the other 2.
    const std::string& low = std::min(s.B, s.E);
    const std::string& high = std::max(s.B, s.E);
    CHECK(by[low][5] == "1");
    CHECK(by[high][5] == "2");
    CHECK(by[s.B][7] == "Hibernating");
    CHECK(by[s.E][7] == "Hibernating");
    // Monetary: E 100, B 200, A 450.
    CHECK(by[s.E][6] == "1");
    CHECK(by[s.B][6] == "2");
    // Rows by value, largest first.
    CHECK(t.rows[0][0] == s.A);
}

TEST_CASE("RFM: ten customers fall two to a quintile; the R-F map names every pair once") {
    Fixture fx;
    std::string p = fx.store.create(kProducts, {{"name", "Widget"}, {"price", int64_t(100)}});
    for (int i = 0; i < 10; i++) {
        std::string acc = fx.store.create(kAccounts, {{"name", "Customer " + std::to_string(i)}});
        for (int k = 0; k <= i; k++) {   // customer i buys i + 1 times
            std::string o = fx.store.create(kOrders, {{"account_id", acc}, {"ordered_at", format_datetime(at("2025-06-01T10:00:00Z") + (int64_t)k * 86400000)}});
            fx.store.create(kOrderLines, {{"order_id", o}, {"product_id", p}, {"quantity", int64_t(1)}, {"unit_price", int64_t(100)}});
        }
    }
    ReportArgs a;
    a.period = {day_of("2025-01-01"), day_of("2025-12-31")};
    Table t = report_rfm(*load_facts(fx.store), a);
    REQUIRE(t.rows.size() == 10);
    std::map<std::string, int> f_scores;
    for (auto& r : t.rows) f_scores[r[2]] = std::stoi(r[5]);   // frequency -> F
    CHECK(f_scores == std::map<std::string, int>{{"1", 1}, {"2", 1}, {"3", 2}, {"4", 2}, {"5", 3}, {"6", 3}, {"7", 4}, {"8", 4}, {"9", 5}, {"10", 5}});
    std::set<std::string> names;
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++) names.insert(rfm_segment(r, f));
    CHECK(names.size() == 10);
    CHECK(std::string(rfm_segment(5, 5)) == "Champions");
    CHECK(std::string(rfm_segment(1, 5)) == "Can't lose them");
    CHECK(std::string(rfm_segment(5, 1)) == "New customers");
    CHECK(std::string(rfm_segment(3, 3)) == "Need attention");
    Table seg = report_rfm_segments(*load_facts(fx.store), a);
    int64_t total = 0;
    for (auto& r : seg.rows) total += std::stoll(r[1]);
    CHECK(total == 10);
}

TEST_CASE("no orders at all, or a period without data: figures are blank, nothing fails") {
    Fixture fx;
    auto f = load_facts(fx.store);
    ReportArgs a;
    a.period = {day_of("2025-01-01"), day_of("2025-12-31")};
    for (const ReportInfo& r : all_reports()) {
        CAPTURE(r.name);
        Table t = r.run(*f, a);
        CHECK(!t.columns.empty());
    }
    Table v = report_value(*f, a);
    CHECK(cell(v, "customers", "value") == "0");
    CHECK(cell(v, "average sale value", "value") == "");
    CHECK(cell(v, "CAC", "value") == "");
    CHECK(report_rfm(*f, a).rows.empty());
    CHECK(report_rules(*f, a).rows.empty());
}

TEST_CASE("currencies: converted at the rates in Settings, left out and said when a rate is missing") {
    Shop s;
    std::string usd = s.store.create(kOrders, {{"account_id", s.D}, {"ordered_at", "2025-07-01T10:00:00Z"}, {"currency", "USD"}});
    s.store.create(kOrderLines, {{"order_id", usd}, {"product_id", s.p1}, {"quantity", int64_t(1)}, {"unit_price", int64_t(20000)}});
    Table t = report_value(*s.facts(), s.year);
    CHECK(cell(t, "revenue", "value") == "750.00");                       // 200.00 USD left out...
    bool said = false;
    for (auto& n : t.notes) said = said || n.find("1 in USD") != std::string::npos;
    CHECK(said);                                                           // ...and said
    s.store.set_setting("analytics.rates", "USD 0.5");
    Table c = report_value(*s.facts(), s.year);
    CHECK(cell(c, "revenue", "value") == "850.00");                       // 750 + 200 x 0.5
}

TEST_CASE("deleted and cancelled records are not counted") {
    Shop s;
    std::string extra = s.order(s.E, "2025-10-01", {{s.p1, 3}});
    CHECK(cell(report_value(*s.facts(), s.year), "revenue", "value") == "1050.00");
    s.store.remove(kOrders, extra);
    CHECK(cell(report_value(*s.facts(), s.year), "revenue", "value") == "750.00");
}

TEST_CASE("an RFM segment saved as a campaign segment holds its customers' contacts") {
    Shop s;
    std::string a1 = s.contact("Ann", "Alpha", s.A), b1 = s.contact("Ben", "Beta", s.B), c1 = s.contact("Cy", "Gamma", s.C);
    Table seg = report_rfm_segments(*s.facts(), s.year);
    int hib = -1;
    for (size_t r = 0; r < seg.rows.size(); r++)
        if (seg.rows[r][0] == "Hibernating") hib = (int)r;
    REQUIRE(hib >= 0);
    std::vector<std::string> accounts = drill_ids(s.store, seg.drill[(size_t)hib]);
    std::sort(accounts.begin(), accounts.end());
    std::vector<std::string> want{s.B, s.E};
    std::sort(want.begin(), want.end());
    CHECK(accounts == want);
    std::string id = save_accounts_as_segment(s.store, "Hibernating", accounts, "RFM 2025");
    std::vector<std::string> members = segment_members(s.store, s.store.must_get(kSegments, id).text("rules"));
    CHECK(members == std::vector<std::string>{b1});                       // B's contact; E has none; A and C are not in it
    CHECK_THROWS(save_accounts_as_segment(s.store, "Empty", {}, ""));
}

TEST_CASE("top customers and one customer's value for the 360 view") {
    Shop s;
    Table t = report_customers(*s.facts(), s.year);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0][1] == "Alpha");
    CHECK(t.rows[0][4] == "3");
    CHECK(t.rows[0][5] == "450.00");
    CHECK(t.rows[0][6] == "0.6");
    CHECK(t.rows[0][8] == "2024-11-15");                                  // the customer's first sale ever
    CHECK(t.rows[0][9] == "2025-12-20");
    CHECK(t.rows[1][1] == "Beta");
    // The fixture's clock is 2026-03-01: A's sales in the last 365 days (from 2025-03-02): 200 + 50.
    auto f = s.facts();
    int64_t rowid = s.db.query_int("SELECT rowid FROM accounts WHERE id = '" + s.A + "'");
    CustomerValue v = customer_value(*f, rowid);
    REQUIRE(v.found);
    CHECK(v.orders == 4);
    CHECK(v.revenue == 55000);
    CHECK(v.first_order == "2024-11-15");
    CHECK(v.last_order == "2025-12-20");
    CHECK(!v.churned);                                                     // 2025-12-20 is within 182 days of 2026-03-01
    CHECK(!v.segment.empty());
}

TEST_CASE("sales: win rate, quote-to-close, effectiveness, deal size, cycle, productivity, unit cost, target") {
    Fixture fx;
    fx.store.set_setting("analytics.quota_per_rep_month", "10000");       // 100.00 per rep a month
    fx.store.set_setting("analytics.sales_cost_per_month", "30000");
    std::string ann = fx.store.create(kUsers, {{"name", "Ann"}, {"role", "sales_rep"}, {"team", "North"}});
    std::string bob = fx.store.create(kUsers, {{"name", "Bob"}, {"role", "sales_rep"}, {"team", "South"}});
    std::string acc = fx.account();
    auto opp = [&](const char* created, int64_t amount, const std::string& owner, const char* close = "2026-04-15") {
        fx.now = at(created);
        return fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"amount", amount}, {"owner_id", owner}, {"expected_close", close}});
    };
    auto move = [&](const std::string& id, const char* when, const char* stage) {
        fx.now = at(when);
        move_opportunity(fx.store, id, stage, std::string(stage) == "lost" ? "Price" : "");
    };
    // o1 Ann 1000 won after 60 days; o2 Ann 500 lost at Develop; o3 Bob 2000 won after 151 days;
    // o4 Bob 300 lost at Propose; o5 Ann 800 open (10 %), expected 2026-04-15.
    std::string o1 = opp("2025-02-01T09:00:00Z", 100000, ann), o2 = opp("2025-03-01T09:00:00Z", 50000, ann),
                o3 = opp("2025-03-01T09:00:00Z", 200000, bob), o4 = opp("2025-06-01T09:00:00Z", 30000, bob),
                o5 = opp("2025-10-01T09:00:00Z", 80000, ann);
    move(o1, "2025-02-10T09:00:00Z", "develop"); move(o1, "2025-03-01T09:00:00Z", "propose"); move(o1, "2025-04-02T09:00:00Z", "won");
    move(o2, "2025-03-10T09:00:00Z", "develop"); move(o2, "2025-05-01T09:00:00Z", "lost");
    move(o3, "2025-04-01T09:00:00Z", "develop"); move(o3, "2025-05-01T09:00:00Z", "propose"); move(o3, "2025-07-30T09:00:00Z", "won");
    move(o4, "2025-06-10T09:00:00Z", "develop"); move(o4, "2025-07-01T09:00:00Z", "propose"); move(o4, "2025-08-01T09:00:00Z", "lost");
    fx.now = at("2026-03-01T09:00:00Z");
    auto f = load_facts(fx.store);
    ReportArgs a;
    a.period = {day_of("2025-01-01"), day_of("2025-12-31")};
    Table t = report_sales(*f, a);
    CHECK(cell(t, "opportunities created", "value") == "5");
    CHECK(cell(t, "won", "value") == "2");
    CHECK(cell(t, "lost", "value") == "2");
    CHECK(cell(t, "win rate", "value") == "0.5");
    CHECK(cell(t, "quote-to-close", "value") == "0.6667");               // won 2 of the 3 closed that reached Propose (o1, o3, o4)
    CHECK(cell(t, "overall effectiveness (contracts / opportunities)", "value") == "0.4");
    CHECK(cell(t, "won amount", "value") == "3000.00");
    CHECK(cell(t, "average deal size", "value") == "1500.00");
    CHECK(cell(t, "sales cycle", "value") == "105.5");                    // (60 + 151) / 2
    CHECK(cell(t, "productivity (won amount per rep)", "value") == "1500.00");
    // Sales cost 300.00 x 365 / 30.4375 = 3597.54; per contract / 2.
    CHECK(cell(t, "unit cost per contract", "value") == "1798.77");
    CHECK(cell(t, "weighted forecast, next 90 days", "value") == "80.00");  // o5: 800 x 10 %
    // Target: 100.00 x 11.9918 months x 2 reps = 2398.36; won 3000 / 2398.36.
    CHECK(cell(t, "target", "value") == "2398.36");
    CHECK(cell(t, "won against target", "value") == "1.2509");

    Table funnel = report_funnel(*f, a);
    CHECK(cell(funnel, "qualify", "reached") == "5");
    CHECK(cell(funnel, "develop", "reached") == "4");
    CHECK(cell(funnel, "propose", "reached") == "3");                     // o4 lost at Propose still reached it
    CHECK(cell(funnel, "won", "reached") == "2");
    CHECK(cell(funnel, "develop", "step_conversion") == "0.8");
    CHECK(cell(funnel, "propose", "step_conversion") == "0.75");
    CHECK(cell(funnel, "won", "step_conversion") == "0.6667");
    CHECK(cell(funnel, "won", "cumulative_conversion") == "0.4");
    CHECK(cell(funnel, "propose", "drop_off") == "1");

    Table reps = report_reps(*f, a);
    CHECK(cell(reps, "Bob", "won_amount") == "2000.00");
    CHECK(cell(reps, "Ann", "opportunities_created") == "3");
    CHECK(cell(reps, "Ann", "sales_cycle_days") == "60");
    CHECK(cell(reps, "Ann", "weighted_forecast_90_days") == "80.00");
    CHECK(cell(reps, "Ann", "target") == "1199.18");
    CHECK(cell(reps, "Ann", "won_against_target") == "0.8339");           // 1000 / 1199.18
    CHECK(reps.rows[0][0] == "Bob");                                      // by won amount
    a.by = "team";
    CHECK(cell(report_reps(*f, a), "South", "won") == "1");
}

TEST_CASE("leads: by source, generated-to-qualified and lead-to-close") {
    Fixture fx;
    fx.now = at("2025-01-15T09:00:00Z");
    std::string acc = fx.account();
    std::string won = fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"stage", "won"}, {"amount", int64_t(1000)}});
    fx.store.create(kLeads, {{"last_name", "One"}, {"source", "web_form"}, {"status", "qualified"}});
    fx.store.create(kLeads, {{"last_name", "Two"}, {"source", "web_form"}, {"status", "disqualified"}, {"disqualify_reason", "No budget"}});
    fx.store.create(kLeads, {{"last_name", "Three"}, {"source", "referral"}, {"status", "new"}});
    fx.store.create(kLeads, {{"last_name", "Four"}, {"source", "web_form"}, {"status", "converted"}, {"converted_opportunity_id", won}});
    ReportArgs a;
    a.period = {day_of("2025-01-01"), day_of("2025-12-31")};
    Table t = report_leads(*load_facts(fx.store), a);
    CHECK(cell(t, "web_form", "leads") == "3");
    CHECK(cell(t, "web_form", "qualified") == "2");                      // qualified + converted
    CHECK(cell(t, "web_form", "generated_to_qualified") == "0.6667");
    CHECK(cell(t, "web_form", "lead_to_close") == "0.3333");
    CHECK(cell(t, "Total", "leads") == "4");
    a.filter.channel = "referral";
    CHECK(cell(report_leads(*load_facts(fx.store), a), "Total", "leads") == "1");
}

TEST_CASE("service: first-contact resolution, SLA shares, handling and resolution time, escalation, satisfaction, backlog") {
    Fixture fx;
    fx.now = at("2025-06-10T12:00:00Z");
    auto kase = [&](const char* tier, const char* opened, const char* due_resp, const char* first_resp, const char* due_res,
                    const char* resolved, int64_t line, int64_t satisfaction) {
        fx.now = at(opened);
        Fields f{{"subject", "Broken"}, {"tier", tier}, {"response_due_at", due_resp}, {"resolution_due_at", due_res},
                 {"line", line}, {"status", resolved[0] ? "resolved" : "in_progress"}};
        if (first_resp[0]) f.push_back({"first_response_at", first_resp});
        if (resolved[0]) f.push_back({"resolved_at", resolved});
        if (satisfaction) f.push_back({"satisfaction", satisfaction});
        std::string id = fx.store.create(kCases, f);
        fx.now = at("2025-06-10T12:00:00Z");
        return id;
    };
    auto call = [&](const std::string& case_id, int64_t seconds, const char* type = "call") {
        fx.store.create(kActivities, {{"type", type}, {"occurred_at", "2025-06-01T10:00:00Z"}, {"case_id", case_id}, {"duration_s", seconds}});
    };
    // c1 Gold: answered in time, solved in time on the first call (600 s), rated 5: resolution 4 h.
    std::string c1 = kase("Gold", "2025-06-01T08:00:00.000Z", "2025-06-01T09:00:00.000Z", "2025-06-01T08:30:00.000Z",
                          "2025-06-01T16:00:00.000Z", "2025-06-01T12:00:00.000Z", 1, 5);
    call(c1, 600);
    call(c1, 0, "note");                                                   // a note is not an interaction
    // c2 Gold: answered late, solved late after two calls (300 s + 900 s), rated 2: resolution 30 h.
    std::string c2 = kase("Gold", "2025-06-02T08:00:00.000Z", "2025-06-02T09:00:00.000Z", "2025-06-02T10:00:00.000Z",
                          "2025-06-02T16:00:00.000Z", "2025-06-03T14:00:00.000Z", 1, 2);
    call(c2, 300);
    call(c2, 900);
    // c3 Silver: escalated to line 2, still open, both targets passed without a response.
    kase("Silver", "2025-06-03T08:00:00.000Z", "2025-06-03T09:00:00.000Z", "", "2025-06-05T08:00:00.000Z", "", 2, 0);
    ReportArgs a;
    a.period = {day_of("2025-06-01"), day_of("2025-06-30")};
    a.by = "tier";
    Table t = report_service(*load_facts(fx.store), a);
    CHECK(cell(t, "Total", "cases") == "3");
    CHECK(cell(t, "Total", "resolved") == "2");
    CHECK(cell(t, "Total", "first_contact_resolution") == "0.5");         // c1 of c1, c2
    CHECK(cell(t, "Total", "within_response_sla") == "0.3333");           // c1 of c1, c2, c3 (c3's target passed)
    CHECK(cell(t, "Total", "within_resolution_sla") == "0.3333");
    CHECK(cell(t, "Total", "average_handling_minutes") == "15");          // (600 + 1200) / 2 cases / 60
    CHECK(cell(t, "Total", "average_resolution_hours") == "17");          // (4 + 30) / 2
    CHECK(cell(t, "Total", "escalation_rate") == "0.3333");
    CHECK(cell(t, "Total", "average_satisfaction") == "3.5");
    // The pivot of cases by tier takes the case's own tier (these have no account).
    ReportArgs p = a;
    p.source = "cases";
    p.rows = "tier";
    p.cols = "";
    p.measure = "count";
    Table pv = report_pivot(*load_facts(fx.store), p);
    CHECK(cell(pv, "Gold", "Total") == "2");
    CHECK(cell(pv, "Silver", "Total") == "1");
    CHECK(cell(t, "Gold", "cases") == "2");
    Table b = report_backlog(*load_facts(fx.store), a);
    CHECK(cell(b, "7-30 days", "open_cases") == "1");                     // c3: opened 2025-06-03, today 2025-06-10
    CHECK(cell(b, "7-30 days", "past_resolution_target") == "1");
}

TEST_CASE("association rules: a worked example, and the same rules as a brute-force count on random baskets") {
    // Baskets {1,2} {1,2,3} {1,3} {2,3} {1,2,3}: each item in 4, each pair in 3, the triple in 2 of 5.
    std::vector<std::vector<int32_t>> b = {{1, 2}, {1, 2, 3}, {1, 3}, {2, 3}, {1, 2, 3}};
    std::vector<Rule> rules = association_rules(b, 0.4, 0.6);
    REQUIRE(rules.size() == 9);                                           // 6 pair rules at 3/4, 3 triple rules at 2/3
    for (const Rule& r : rules) {
        if (r.antecedent.size() == 1) {
            CHECK(r.count == 3);
            CHECK(r.confidence == doctest::Approx(0.75));
            CHECK(r.lift == doctest::Approx(0.9375));                     // 0.75 / 0.8
            CHECK(r.support == doctest::Approx(0.6));
        } else {
            CHECK(r.count == 2);
            CHECK(r.confidence == doctest::Approx(2.0 / 3));
            CHECK(r.lift == doctest::Approx(2.0 / 3 / 0.8));
        }
    }
    CHECK(association_rules(b, 0.5, 0.6).size() == 6);                   // the triple (0.4) is not frequent at 0.5
    CHECK(association_rules(b, 0.4, 0.7).size() == 6);

    // Random baskets: every itemset counted by enumerating each basket's subsets.
    Rng rng(11);
    std::vector<std::vector<int32_t>> baskets;
    for (int t = 0; t < 400; t++) {
        std::set<int32_t> s;
        int n = 1 + (int)rng.below(5);
        for (int k = 0; k < n; k++) s.insert(1 + (int32_t)rng.below(9));
        if (s.count(1) && rng.chance(0.7)) s.insert(2);                   // some structure
        baskets.push_back(std::vector<int32_t>(s.begin(), s.end()));
    }
    std::map<std::vector<int32_t>, int64_t> count;
    for (auto& bk : baskets)
        for (uint32_t mask = 1; mask < (1u << bk.size()); mask++) {
            std::vector<int32_t> sub;
            for (size_t i = 0; i < bk.size(); i++)
                if (mask & (1u << i)) sub.push_back(bk[i]);
            count[sub]++;
        }
    double min_support = 0.02, min_conf = 0.25;
    std::set<std::string> expected;
    for (auto& [set, n] : count) {
        if (set.size() < 2 || (double)n / (double)baskets.size() < min_support) continue;
        for (size_t k = 0; k < set.size(); k++) {
            std::vector<int32_t> left = set;
            left.erase(left.begin() + (long)k);
            double conf = (double)n / (double)count[left];
            if (conf < min_conf) continue;
            double lift = conf / ((double)count[{set[k]}] / (double)baskets.size());
            std::string key;
            for (int32_t x : left) key += std::to_string(x) + ",";
            expected.insert(key + ">" + std::to_string(set[k]) + " " + std::to_string(n) + " " + num(lift, 6));
        }
    }
    std::set<std::string> got;
    for (const Rule& r : association_rules(baskets, min_support, min_conf, 10)) {
        std::string key;
        for (int32_t x : r.antecedent) key += std::to_string(x) + ",";
        got.insert(key + ">" + std::to_string(r.consequent) + " " + std::to_string(r.count) + " " + num(r.lift, 6));
    }
    CHECK(expected.size() > 20);
    CHECK(got == expected);
}

TEST_CASE("rules report: product names, ' + ' between several, orders as transactions; the 360 view suggests what is missing") {
    Shop s;
    Table t = report_rules(*s.facts(), s.year);
    CHECK(t.columns == std::vector<std::string>{"antecedent", "consequent", "count", "support", "confidence", "lift"});
    // 2025's five sales: {P1} {P1,P2} {P2} {P2} {P1}: Printer => Toner 1 of 3 (0.3333), Toner => Printer 1 of 3.
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][2] == "1");
    CHECK(t.rows[0][3] == "0.2");
    CHECK(t.rows[0][4] == "0.333333");
    CHECK(t.rows[0][5] == "0.555556");                                    // 0.3333 / 0.6
    CHECK(t.drill[0].rowids.size() == 1);
}

TEST_CASE("pivot: rows x columns x measure with totals; a bad dimension is named") {
    Shop s;
    ReportArgs a = s.year;
    a.source = "orders";
    a.rows = "tier";
    a.cols = "quarter";
    a.measure = "sum";
    Table t = report_pivot(*s.facts(), a);
    CHECK(t.columns == std::vector<std::string>{"tier", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "Total"});
    CHECK(cell(t, "Gold", "2025-Q1") == "200.00");
    CHECK(cell(t, "Gold", "2025-Q2") == "200.00");
    CHECK(cell(t, "Gold", "2025-Q4") == "50.00");
    CHECK(cell(t, "Gold", "Total") == "450.00");
    CHECK(cell(t, "Silver", "Total") == "300.00");
    CHECK(cell(t, "Total", "Total") == "750.00");
    a.measure = "count";
    CHECK(cell(report_pivot(*s.facts(), a), "Total", "Total") == "5");
    a.source = "order_lines";
    a.rows = "product";
    a.cols = "";
    a.measure = "average";
    Table l = report_pivot(*s.facts(), a);
    CHECK(cell(l, "Printer", "Total") == "133.33");                       // 200 + 100 + 100 over 3 lines
    a.rows = "stage";
    std::string error;
    try { report_pivot(*s.facts(), a); } catch (const std::invalid_argument& e) { error = e.what(); }
    CHECK(error.find("'stage' is not a dimension of order_lines") != std::string::npos);
}

TEST_CASE("order lines written after a later order still count with their own order") {
    Shop s;
    std::string o1 = s.store.create(kOrders, {{"account_id", s.D}, {"ordered_at", "2025-08-01T10:00:00Z"}});
    std::string o2 = s.store.create(kOrders, {{"account_id", s.E}, {"ordered_at", "2025-08-02T10:00:00Z"}});
    s.store.create(kOrderLines, {{"order_id", o2}, {"product_id", s.p2}, {"quantity", int64_t(1)}, {"unit_price", int64_t(5000)}});
    s.store.create(kOrderLines, {{"order_id", o1}, {"product_id", s.p1}, {"quantity", int64_t(1)}, {"unit_price", int64_t(10000)}});
    ReportArgs a = s.year;
    a.source = "order_lines";
    a.rows = "product";
    a.cols = "";
    a.measure = "sum";
    a.filter.tier = "Bronze";                                             // D's order only (C's 2025 order was cancelled)
    Table t = report_pivot(*s.facts(), a);
    CHECK(cell(t, "Printer", "Total") == "100.00");
    CHECK(row_count(t) == 2);                                             // Printer and the total: no Toner
}

TEST_CASE("the facts load in slices and give the same figures as one load") {
    DemoDb d(300, 3);
    auto whole = load_facts(d.store);
    FactsLoader loader(d.store);
    int steps = 0;
    while (!loader.step(0.05)) steps++;
    CHECK(steps > 3);
    ReportArgs a;
    a.period = make_period("", "", whole->today);
    for (const char* name : {"value", "retention", "rfm", "sales", "service", "rules"})
        CHECK(find_report(name)->run(*whole, a).csv() == find_report(name)->run(*loader.result(), a).csv());
    // Demo data sells things together: the rules find them.
    CHECK(!report_rules(*whole, a).rows.empty());
}

TEST_CASE("a report's CSV: text that a spreadsheet would run as a formula is quoted; negative numbers stay numbers") {
    Table t;
    t.columns = {"campaign", "revenue", "note"};
    t.add({"=HYPERLINK(\"http://x\")", "-12.50", "@sum"});
    t.add({"-not a number", "+3", "plain, with comma"});
    CHECK(t.csv() == "campaign,revenue,note\n\"'=HYPERLINK(\"\"http://x\"\")\",-12.50,'@sum\n'-not a number,'+3,\"plain, with comma\"\n");
}

}  // TEST_SUITE
