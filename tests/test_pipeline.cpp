// test_pipeline.cpp - stage moves and probabilities, the board's totals, the
// weighted forecast by month, owner and stage (hand-computed sums), and the
// most-likely-to-close order.
#include "workflows/pipeline.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

struct Deals : Fixture {
    std::string acc, ann, bob;
    Deals() {
        acc = account();
        ann = store.create(kUsers, {{"name", "Ann"}, {"role", "sales_rep"}});
        bob = store.create(kUsers, {{"name", "Bob"}, {"role", "sales_rep"}});
    }
    std::string opp(const char* name, int64_t amount, const char* stage, const char* close, const std::string& owner) {
        tick();
        return store.create(kOpportunities, {{"name", name}, {"account_id", acc}, {"amount", amount}, {"stage", stage},
                                             {"expected_close", close}, {"owner_id", owner}});
    }
};

}  // namespace

TEST_SUITE("pipeline") {

TEST_CASE("moving through the stages brings each stage's probability; a set probability is kept") {
    Deals d;
    std::string id = d.opp("Printers", 100000, "qualify", "2026-04-30", d.ann);
    CHECK(d.store.must_get(kOpportunities, id).integer("probability") == 10);
    move_opportunity(d.store, id, "develop");
    CHECK(d.store.must_get(kOpportunities, id).integer("probability") == 40);
    move_opportunity(d.store, id, "propose", "", 85);   // the rep knows better
    CHECK(d.store.must_get(kOpportunities, id).integer("probability") == 85);
    CHECK(d.store.must_get(kOpportunities, id).text("closed_at").empty());
    move_opportunity(d.store, id, "won");
    Record won = d.store.must_get(kOpportunities, id);
    CHECK(won.integer("probability") == 100);
    CHECK(won.text("closed_at") == format_datetime(d.now));
    // Reopened: back to an open stage clears closed_at.
    move_opportunity(d.store, id, "propose");
    CHECK(d.store.must_get(kOpportunities, id).text("closed_at").empty());
    // The history shows every stage.
    std::vector<std::string> stages;
    for (const ChangeEntry& c : d.store.history(id))
        if (c.field == "stage") stages.push_back(value_to_text(c.value));
    CHECK(stages == std::vector<std::string>{"develop", "propose", "won", "propose"});
}

TEST_CASE("lost needs a reason; an unknown stage is refused") {
    Deals d;
    std::string id = d.opp("Laptops", 5000, "develop", "2026-05-01", d.bob);
    CHECK(validation_error([&] { move_opportunity(d.store, id, "lost"); }) == "opportunities.lost_reason: is required when an opportunity is lost");
    CHECK(validation_error([&] { move_opportunity(d.store, id, "closing"); }) == "opportunities.stage: 'closing' is not a pipeline stage");
    move_opportunity(d.store, id, "lost", "Went with a competitor");
    Record r = d.store.must_get(kOpportunities, id);
    CHECK(r.integer("probability") == 0);
    CHECK(r.text("lost_reason") == "Went with a competitor");
    move_opportunity(d.store, id, "qualify");   // revived: the old reason goes
    CHECK(d.store.must_get(kOpportunities, id).text("lost_reason").empty());
}

TEST_CASE("the weighted forecast sums amount x probability by month, owner and stage") {
    Deals d;
    d.opp("A", 100000, "qualify", "2026-04-10", d.ann);   // weighted 10000
    d.opp("B", 50000, "develop", "2026-04-20", d.bob);    // 20000
    d.opp("C", 30000, "propose", "2026-05-05", d.ann);    // 21000
    d.opp("D", 99900, "won", "2026-03-01", d.ann);        // closed: not forecast
    d.opp("E", 70000, "lost", "2026-03-01", d.bob);
    auto by_month = weighted_forecast(d.store, ForecastBy::Month);
    REQUIRE(by_month.size() == 2);
    CHECK(by_month[0].key == "2026-04");
    CHECK(by_month[0].count == 2);
    CHECK(by_month[0].amount == 150000);
    CHECK(by_month[0].weighted == 30000);
    CHECK(by_month[1].key == "2026-05");
    CHECK(by_month[1].weighted == 21000);
    auto by_owner = weighted_forecast(d.store, ForecastBy::Owner);
    int64_t ann = 0, bob = 0;
    for (auto& r : by_owner) (r.key == d.ann ? ann : bob) += r.weighted;
    CHECK(ann == 31000);
    CHECK(bob == 20000);
    auto by_stage = weighted_forecast(d.store, ForecastBy::Stage);
    REQUIRE(by_stage.size() == 3);
    CHECK(by_stage[0].key == "qualify");   // board order
    CHECK(by_stage[2].key == "propose");
    CHECK(by_stage[2].weighted == 21000);
}

TEST_CASE("the board has a column per stage with totals, and the most likely to close come first") {
    Deals d;
    d.opp("Low", 100, "qualify", "2026-04-01", d.ann);
    std::string near = d.opp("Near", 200, "propose", "2026-03-15", d.ann);
    std::string far = d.opp("Far", 900, "propose", "2026-06-15", d.bob);
    std::string big = d.opp("Big", 5000, "develop", "2026-03-10", d.bob);
    auto board = pipeline_board(d.store);
    REQUIRE(board.size() == 5);
    CHECK(board[2].stage == "propose");
    CHECK(board[2].count == 2);
    CHECK(board[2].amount == 1100);
    CHECK(board[2].weighted == 770);
    CHECK(board[2].cards[0].id == near);   // by expected close
    auto mine = pipeline_board(d.store, d.bob);
    CHECK(mine[2].count == 1);
    CHECK(mine[1].cards.size() == 1);
    auto likely = most_likely_to_close(d.store, 3);
    REQUIRE(likely.size() == 3);
    CHECK(likely[0].id == near);   // 70 %, closes first
    CHECK(likely[1].id == far);
    CHECK(likely[2].id == big);    // 40 %
}

}
