// pipeline.h - the opportunity pipeline: stage moves with their default
// probabilities (Qualify 10 %, Develop 40 %, Propose 70 %, won 100 %, lost 0 %,
// editable per opportunity), the board's columns and totals, the weighted
// forecast (sum of amount x probability) by month, owner or stage, and the
// "most likely to close" list.
#pragma once

#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

// Open stages in board order, then the two closed ones.
const std::vector<const char*>& pipeline_stages();   // qualify, develop, propose, won, lost

// Moves an opportunity to a stage. Lost needs a reason; won and lost set
// closed_at; moving back to an open stage reopens it. The stage's default
// probability comes with the move unless `probability` is given (0-100).
void move_opportunity(Store& store, const std::string& id, const std::string& stage, const std::string& lost_reason = "",
                      int probability = -1);

struct StageColumn {
    std::string stage;
    int64_t count = 0, amount = 0, weighted = 0;   // minor units
    std::vector<Record> cards;                      // the first `limit`, by expected close
};
// The board: one column per stage (closed ones only for `closed_since`
// onwards, e.g. this quarter), optionally for one owner.
std::vector<StageColumn> pipeline_board(Store& store, const std::string& owner_id = "", int limit = 50,
                                        const std::string& closed_since = "");

struct ForecastRow {
    std::string key;        // "2026-11", an owner id, or a stage
    int64_t count = 0, amount = 0, weighted = 0;
};
enum class ForecastBy { Month, Owner, Stage };
// Open opportunities only; amounts in minor units, currencies summed as one.
std::vector<ForecastRow> weighted_forecast(Store& store, ForecastBy by);

// Open opportunities most likely to close: highest probability, then nearest close, then largest.
std::vector<Record> most_likely_to_close(Store& store, int limit = 10);

}  // namespace crm
