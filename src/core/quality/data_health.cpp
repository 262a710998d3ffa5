// data_health.cpp - the data-health check and "Mark verified" (data_health.h
// says what is checked and why).
#include "quality/data_health.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <tuple>

#include "base/util.h"
#include "quality/normalize.h"

namespace crm {

namespace {

struct IssueInfo {
    const char* label;
    int weight;
};
const IssueInfo kIssues[H_Count] = {
    {"not verified", 30}, {"e-mail bounced", 25}, {"invalid e-mail", 25}, {"invalid phone", 15}, {"no e-mail", 10},
    {"no phone", 10},     {"no website", 10},     {"no industry", 5},     {"no country", 5},
};

bool is_checked(const EntitySpec& e) { return &e == &kContacts || &e == &kAccounts; }

}  // namespace

const char* health_issue_label(int issue) { return issue >= 0 && issue < H_Count ? kIssues[issue].label : "?"; }
int health_issue_weight(int issue) { return issue >= 0 && issue < H_Count ? kIssues[issue].weight : 0; }

struct HealthScan::Impl {
    Store& store;
    const EntitySpec& e;
    HealthOptions opt;
    std::string cutoff;        // verified before this is stale
    int64_t total = 0, last_rowid = 0;
    bool done = false;
    int64_t score_sum = 0;
    HealthReport report;

    Impl(Store& s, const EntitySpec& en, HealthOptions o) : store(s), e(en), opt(o) {
        if (!is_checked(en)) throw std::invalid_argument(std::string("data health is checked for contacts and accounts, not ") + en.table);
        int64_t now = opt.now_ms ? opt.now_ms : store.now_ms();
        cutoff = format_datetime(now - (int64_t)(opt.months * 30.436875 * 86400000.0));
        report.entity = &en;
        report.months = opt.months;
        Statement count(store.db(), std::string("SELECT count(*) FROM ") + e.table + " WHERE deleted = 0");
        count.step();
        total = count.column_int(0);
    }

    // The newest bounce logged on the record, "" if none.
    std::string last_bounce(const std::string& id) {
        const char* sql = &e == &kContacts
                              ? "SELECT max(occurred_at) FROM activities WHERE contact_id = ?1 AND deleted = 0 AND type = 'email' "
                                "AND outcome LIKE '%bounce%'"
                              : "SELECT max(occurred_at) FROM activities WHERE account_id = ?1 AND contact_id IS NULL AND deleted = 0 "
                                "AND type = 'email' AND outcome LIKE '%bounce%'";
        Statement& st = store.db().cached(sql);
        st.bind_all(id);
        std::string at;
        try {
            if (st.step() && !st.column_is_null(0)) at = st.column_text(0);
        } catch (...) {
            st.reset();
            throw;
        }
        st.reset();
        return at;
    }

    // Reads and checks the next rows; a block still loading (PageMiss) throws
    // before anything is kept, and the same rows are read again.
    void read_slice(int64_t n) {
        bool person = &e == &kContacts;
        std::string sql = person ? "SELECT rowid, id, first_name, last_name, email, email2, phone, mobile, country, verified_at, updated_at "
                                   "FROM contacts"
                                 : "SELECT rowid, id, name, email, '', phone, website, industry, country, verified_at, updated_at "
                                   "FROM accounts";
        sql += " WHERE rowid > ? AND deleted = 0 ORDER BY rowid LIMIT ?";
        Statement& st = store.db().cached(sql);
        st.bind_all(last_rowid, n);
        std::vector<RecordHealth> got;
        int64_t last = last_rowid;
        std::vector<std::string> c(11);
        try {
            while (st.step()) {
                last = st.column_int(0);
                for (int i = 1; i < 11; i++) c[(size_t)i] = st.column_is_null(i) ? std::string() : st.column_text(i);
                RecordHealth r;
                r.id = c[1];
                r.verified = c[9].empty() ? c[10] : c[9];
                // contacts: names, e-mail, other e-mail, phone, mobile; accounts: name, e-mail, phone, website, industry
                std::string emails[2], phones[2], website, industry;
                const std::string& country = c[8];
                if (person) {
                    r.title = trim(c[2] + " " + c[3]);
                    emails[0] = c[4], emails[1] = c[5], phones[0] = c[6], phones[1] = c[7];
                } else {
                    r.title = c[2];
                    emails[0] = c[3], phones[0] = c[5], website = c[6], industry = c[7];
                }
                auto flag = [&](HealthIssue i) { r.issues |= 1u << i; };
                if (r.verified < cutoff) flag(H_Stale);
                for (const std::string& m : emails)
                    if (!m.empty() && email_key(m).empty()) flag(H_BadEmail);
                for (const std::string& p : phones)
                    if (!p.empty() && phone_key(p, country).empty()) flag(H_BadPhone);
                if (emails[0].empty() && emails[1].empty()) flag(H_NoEmail);
                if (phones[0].empty() && phones[1].empty()) flag(H_NoPhone);
                if (!person && website.empty()) flag(H_NoWebsite);
                if (!person && industry.empty()) flag(H_NoIndustry);
                if (country.empty()) flag(H_NoCountry);
                got.push_back(std::move(r));
            }
        } catch (...) {
            st.reset();
            throw;
        }
        st.reset();
        for (RecordHealth& r : got) {
            if (r.issues & (1u << H_NoEmail)) continue;   // nothing to bounce
            std::string bounce = last_bounce(r.id);
            if (!bounce.empty() && bounce > r.verified) r.issues |= 1u << H_Bounced;
        }
        if (got.empty()) {
            finish();
            return;
        }
        last_rowid = last;
        for (RecordHealth& r : got) {
            for (int i = 0; i < H_Count; i++)
                if (r.issues & (1u << i)) {
                    r.score -= kIssues[i].weight;
                    report.counts[(size_t)i]++;
                }
            r.score = std::max(0, r.score);
            score_sum += r.score;
            report.records++;
            (r.score < 50 ? report.poor : r.score < 80 ? report.fair : report.good)++;
            if (r.issues) report.flagged.push_back(std::move(r));
        }
    }

    void finish() {
        report.score = report.records ? (double)score_sum / (double)report.records : 100.0;
        std::sort(report.flagged.begin(), report.flagged.end(), [](const RecordHealth& a, const RecordHealth& b) {
            return std::tie(a.score, a.verified, a.id) < std::tie(b.score, b.verified, b.id);
        });
        done = true;
    }
};

HealthScan::HealthScan(Store& store, const EntitySpec& entity, HealthOptions options)
    : impl_(std::make_unique<Impl>(store, entity, options)) {}
HealthScan::~HealthScan() = default;

bool HealthScan::step(double budget_ms) {
    Impl& m = *impl_;
    auto t0 = std::chrono::steady_clock::now();
    while (!m.done) {
        m.read_slice(250);
        if (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms) break;
    }
    return m.done;
}

double HealthScan::progress() const {
    const Impl& m = *impl_;
    if (m.done) return 1.0;
    return m.total ? std::min(0.99, (double)m.report.records / (double)m.total) : 0.0;
}

const HealthReport& HealthScan::report() const { return impl_->report; }

HealthReport check_health(Store& store, const EntitySpec& entity, HealthOptions options) {
    HealthScan scan(store, entity, options);
    while (!scan.step(1e9)) {}
    return scan.report();
}

void mark_verified(Store& store, const EntitySpec& e, const std::vector<std::string>& ids) {
    if (!is_checked(e)) throw std::invalid_argument(std::string("only contacts and accounts are verified, not ") + e.table);
    Transaction tx(store.db());
    std::string now = format_datetime(store.now_ms());
    for (const std::string& id : ids) store.update(e, id, {{"verified_at", now}});
    tx.commit();
}

}  // namespace crm
