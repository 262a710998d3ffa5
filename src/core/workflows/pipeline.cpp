// pipeline.cpp - see pipeline.h.
#include "workflows/pipeline.h"

#include "records/listing.h"

namespace crm {

const std::vector<const char*>& pipeline_stages() { return kOpportunityStages; }

void move_opportunity(Store& store, const std::string& id, const std::string& stage, const std::string& lost_reason, int probability) {
    Record opp = store.must_get(kOpportunities, id);
    bool known = false;
    for (const char* s : pipeline_stages()) known |= stage == s;
    if (!known) throw ValidationError("opportunities", "stage", "'" + stage + "' is not a pipeline stage");
    if (stage == "lost" && trim(lost_reason).empty() && opp.text("lost_reason").empty())
        throw ValidationError("opportunities", "lost_reason", "is required when an opportunity is lost");
    Fields f{{"stage", stage}};
    if (stage == "lost" && !trim(lost_reason).empty()) f.push_back({"lost_reason", lost_reason});
    if (stage != "lost" && opp.text("stage") == "lost") f.push_back({"lost_reason", ""});
    if (probability >= 0) f.push_back({"probability", int64_t(probability)});
    store.update(kOpportunities, id, f);
}

std::vector<StageColumn> pipeline_board(Store& store, const std::string& owner_id, int limit, const std::string& closed_since) {
    Database& db = store.db();
    std::vector<StageColumn> cols;
    for (const char* stage : pipeline_stages()) {
        StageColumn c;
        c.stage = stage;
        bool closed = c.stage == "won" || c.stage == "lost";
        Statement& st = db.cached(
            "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(amount * probability / 100), 0) FROM opportunities "
            "WHERE deleted = 0 AND stage = ?1 AND (?2 = '' OR owner_id = ?2) AND (?3 = '' OR closed_at >= ?3)");
        st.bind_all(c.stage, owner_id, closed ? closed_since : std::string());
        if (st.step()) {
            c.count = st.column_int(0);
            c.amount = st.column_int(1);
            c.weighted = st.column_int(2);
        }
        st.reset();
        ListQuery q{&kOpportunities, "expected_close", closed};
        q.filters = {{"stage", c.stage}};
        if (!owner_id.empty()) q.filters.push_back({"owner_id", owner_id});
        Page p = list_page(db, q, std::nullopt, limit);
        for (Record& r : p.rows)
            if (!closed || closed_since.empty() || r.text("closed_at") >= closed_since) c.cards.push_back(std::move(r));
        cols.push_back(std::move(c));
    }
    return cols;
}

std::vector<ForecastRow> weighted_forecast(Store& store, ForecastBy by) {
    const char* key = by == ForecastBy::Month ? "substr(expected_close, 1, 7)" : by == ForecastBy::Owner ? "coalesce(owner_id, '')" : "stage";
    std::string sql = std::string("SELECT ") + key +
                      ", count(*), sum(amount), sum(amount * probability / 100) FROM opportunities "
                      "WHERE deleted = 0 AND stage NOT IN ('won', 'lost') GROUP BY 1 ORDER BY 1";
    std::vector<ForecastRow> rows;
    Statement st = store.db().prepare(sql);
    while (st.step()) rows.push_back({st.column_text(0), st.column_int(1), st.column_int(2), st.column_int(3)});
    if (by == ForecastBy::Stage) {   // board order, not alphabetical
        std::vector<ForecastRow> ordered;
        for (const char* s : pipeline_stages())
            for (auto& r : rows)
                if (r.key == s) ordered.push_back(r);
        rows = ordered;
    }
    return rows;
}

std::vector<Record> most_likely_to_close(Store& store, int limit) {
    Statement& st = store.db().cached(
        "SELECT id FROM opportunities WHERE deleted = 0 AND stage NOT IN ('won', 'lost') "
        "ORDER BY probability DESC, expected_close = '', expected_close, amount DESC, id LIMIT ?1");
    st.bind_all(limit);
    return store.records(kOpportunities, st);
}

}  // namespace crm
